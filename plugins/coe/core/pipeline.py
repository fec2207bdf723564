"""Loading and checking every COE: one pass, each file parsed once, in parallel when the
corpus is large, and reused from the previous run when the file has not changed.

Per-file work (read, parse, schema, file rules) is independent from file to file, so
large corpora are spread over a process pool; the cross-COE rules then run once over the
results. Each checked document is trimmed to what later stages read, which keeps memory
flat at 10,000 COEs and makes results cheap to send back from workers. Under
``mkdocs serve`` each rebuild reuses the parsed COEs and their per-file
findings for files whose size and modification time are unchanged (and only while the
configuration, the schema file and today are the same), so saving one COE re-parses one
COE. The output of a run never depends on the cache.

A caller may ask for more work on each document while its text is in memory (``prepare``,
such as the site rendering the body): it runs in the same worker, so a build spreads it
over the cores with the checking.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .checker import (
    corpus_findings,
    file_findings,
    limit_per_file,
    make_context,
    unlimited_files,
)
from .config import Config
from .corpus import Corpus, discover
from .document import CoeDocument, load_document
from .findings import Finding
from .rule import Context
from .source import display_path
from .suppress import apply_suppressions

# Below this many files a pool costs more (start-up, pickling) than it saves.
PARALLEL_FROM = 200

# Work on one loaded, checked document, before it is trimmed: a module-level function (it
# is sent to worker processes) whose result is picklable, and which never raises.
Prepare = Callable[[CoeDocument], Any]


@dataclass(frozen=True)
class Checked:
    """A checked corpus: every COE of the folder (cross-COE rules see them all), how many
    files were reported on, their findings sorted and limited per file, the findings
    silenced by a `coe-ignore` comment in their COE (see suppress.py), and what
    ``prepare`` made of each document, by display path."""

    corpus: Corpus
    files: int
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    prepared: Mapping[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


_Key = tuple[str, int, int, int, int, int]
_cache: dict[str, tuple[_Key, CoeDocument, list[Finding], list[Finding], Any]] = {}
_cache_owner: list[str] = []
_worker_context: list[Context] = []


def _stat_key(path: Path) -> _Key | None:
    """The file's identity and version, and the link's own when it is a link (a file
    moved away and replaced by a link to it must be read again)."""
    try:
        own = path.lstat()
        info = path.stat()
    except OSError:
        return None
    return (str(path), own.st_mtime_ns, own.st_ino, info.st_mtime_ns, info.st_size, info.st_ino)


def _fingerprint(context: Context, keep_prose: bool, prepare: Prepare | None) -> str:
    """What per-file results depend on besides the file: settings, schema file, today,
    how much of each document is kept and what else is made of it."""
    schema = _stat_key(context.schema.path)
    made = f"{prepare.__module__}.{prepare.__qualname__}" if prepare else None
    return repr((context.config, schema, context.today, keep_prose, made))


_Result = tuple[CoeDocument, list[Finding], list[Finding], Any]


def _load_and_check(
    path: Path, display: str, context: Context, keep_prose: bool, prepare: Prepare | None
) -> _Result:
    """One COE loaded and checked on its own: (document, findings, suppressed findings,
    what ``prepare`` made of it). The document is trimmed to what later stages read (see
    ``CoeDocument.trim``)."""
    config = context.config
    doc = load_document(path, display, config.base_dir, config.max_file_bytes)
    kept, silenced = apply_suppressions([doc], file_findings(doc, context), context.silenceable)
    prepared = prepare(doc) if prepare is not None else None
    doc.trim(keep_prose)
    return doc, kept, silenced, prepared


def _init_worker(config: Config, today: date) -> None:
    _worker_context[:] = [make_context(config, today)]


def _work(
    batch: Sequence[tuple[Path, str]], keep_prose: bool, prepare: Prepare | None
) -> list[_Result]:
    context = _worker_context[0]
    return [_load_and_check(path, display, context, keep_prose, prepare) for path, display in batch]


def _jobs(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Forking a process that runs other threads (the server of `mkdocs serve`) can
    # deadlock the child: work in this process then.
    if count < PARALLEL_FROM or threading.active_count() > 1:
        return 1
    return max(1, min(cores or 1, 8))


def _in_parallel(
    items: list[tuple[Path, str]],
    context: Context,
    jobs: int,
    keep_prose: bool,
    prepare: Prepare | None,
) -> list[_Result]:
    size = max(1, len(items) // (jobs * 4))
    batches = [items[start : start + size] for start in range(0, len(items), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(context.config, context.today),
    ) as pool:
        work = functools.partial(_work, keep_prose=keep_prose, prepare=prepare)
        return [result for batch in pool.map(work, batches) for result in batch]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while documents are built (and in forked workers, which
    inherit the pause). Loading makes millions of small objects and no reference cycles
    worth collecting, and the collector would otherwise traverse the growing heap again
    and again: a fifth of the time of a 10,000-COE run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_and_check(
    context: Context,
    paths: Iterable[Path] | None = None,
    cwd: Path | None = None,
    *,
    reuse: bool = False,
    jobs: int | None = None,
    keep_prose: bool = False,
    prepare: Prepare | None = None,
) -> Checked:
    """Load and check the COEs at ``paths`` (default: the configured folder). ``reuse``
    keeps parsed files between calls in this process (for ``mkdocs serve``). Documents
    come back trimmed to their front-matter, with ``keep_prose`` also the prose that
    similarity compares (see ``CoeDocument.trim``); ``prepare`` runs on each document
    before it is trimmed."""
    config = context.config
    base = cwd or Path.cwd()
    folders = list(paths) if paths else [config.coes_dir]
    files = discover(p for p in folders if p.exists() or p.is_symlink())
    items = [(path, display_path(path, base)) for path in files]

    fingerprint = _fingerprint(context, keep_prose, prepare)
    if not reuse or _cache_owner != [fingerprint]:
        _cache.clear()
        _cache_owner[:] = [fingerprint]
    results: dict[Path, _Result] = {}
    todo: list[tuple[Path, str]] = []
    keys: dict[Path, _Key | None] = {}
    for path, display in items:
        keys[path] = key = _stat_key(path) if reuse else None
        cached = _cache.get(display) if key is not None else None
        if cached is not None and cached[0] == key:
            results[path] = cached[1:]
        else:
            todo.append((path, display))

    workers = _jobs(len(todo), jobs)
    with _no_cycle_collection():
        if workers > 1:
            fresh = _in_parallel(todo, context, workers, keep_prose, prepare)
        else:
            fresh = [_load_and_check(p, shown, context, keep_prose, prepare) for p, shown in todo]
    for (path, display), result in zip(todo, fresh, strict=True):
        results[path] = result
        key = keys.get(path)
        if reuse and key is not None:
            _cache[display] = (key, *result)
    if reuse:
        for display in set(_cache) - {display for _, display in items}:
            del _cache[display]

    corpus = Corpus(config, [results[path][0] for path, _ in items])
    kept = [finding for path, _ in items for finding in results[path][1]]
    suppressed = [finding for path, _ in items for finding in results[path][2]]
    cross, silenced = apply_suppressions(
        corpus.documents, corpus_findings(corpus, context), context.silenceable
    )
    findings = limit_per_file(
        sorted(kept + cross, key=Finding.sort_key), unlimited_files(corpus, context)
    )
    suppressed = sorted(suppressed + silenced, key=Finding.sort_key)
    prepared = {}
    if prepare is not None:
        prepared = {display: results[path][3] for path, display in items}
    return Checked(corpus, len(corpus.documents), findings, suppressed, prepared)


def validate(
    config: Config, today: date, paths: Iterable[Path] | None = None, cwd: Path | None = None
) -> Checked:
    """Check the COEs at ``paths`` (default: the configured folder). The whole folder is
    always loaded, since duplicate ids and relations are judged against every COE, but
    only the selected files are reported on."""
    context = make_context(config, today)
    selected = discover(list(paths)) if paths else None
    checked = load_and_check(context, [config.coes_dir, *(selected or [])], cwd)
    if selected is None:
        return checked
    chosen = {doc.display for doc in checked.corpus.documents if doc.path in set(selected)}
    return Checked(
        checked.corpus,
        len(chosen),
        [f for f in checked.findings if f.path in chosen],
        [f for f in checked.suppressed if f.path in chosen],
    )
