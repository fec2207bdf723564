"""`make bench`: the pipeline's speed and memory at 1,000 and 10,000 COEs, each figure
measured beside its peer in the same run, as medians over several runs.

It prints a Markdown table, writes it to docs/reference/benchmark.md with the date and
the machine's core count, and exits 1 when a target is missed. `BENCH_RUNS` sets the
number of runs (default 3); `BENCH_SIZES` the corpus sizes (default "1000 10000").
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.corpus import ROOT, generate
from coe.core.document import load_document

BIN = Path(sys.executable).parent
PAGE = ROOT / "docs" / "reference" / "benchmark.md"
# Both sites get this navigation, so the comparison is of the same pages and nav.
NAV = [{"Home": "index.md"}]


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Figure:
    name: str
    samples: list[Sample]

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)


@dataclass
class Outcome:
    seconds: float
    peak_mb: float
    output: bytes


def spawn(command: Sequence[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Outcome:
    """Run one command alone: its wall time, peak resident memory and output."""
    env = {**os.environ, "COE_TODAY": "2026-11-27", "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    # Output goes to files, not pipes: a full pipe would stall the child while we wait.
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        output.seek(0)
        errors.seek(0)
        out, err = output.read(), errors.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{err[-2000:]}")
    return Outcome(seconds, usage.ru_maxrss / 1024, out)


def run(command: Sequence[str], cwd: Path) -> Sample:
    """Wall time and peak memory of a command that may report findings (exit 1)."""
    outcome = spawn(command, cwd, ok=(0, 1))
    return Sample(outcome.seconds, outcome.peak_mb)


def repeat(name: str, runs: int, once: Callable[..., Sample], *args: Any) -> Figure:
    figure = Figure(name, [once(*args) for _ in range(runs)])
    print(f"  {name}: {figure.seconds:.2f} s, {figure.peak_mb:.0f} MB", flush=True)
    return figure


def prepare(size: int, work: Path) -> tuple[Path, Path, Path]:
    """The COE repository, the same pages as a plain MkDocs site, and the front-matters
    as YAML files."""
    repo = generate(work / f"coe-{size}", size)
    config = yaml.safe_load((repo / "mkdocs.yml").read_text())
    config["nav"] = NAV
    (repo / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))

    plain = work / f"plain-{size}"
    shutil.copytree(repo / "docs", plain / "docs")
    shutil.copytree(repo / "overrides", plain / "overrides")
    shutil.copytree(repo / "coes", plain / "docs" / "coes")
    config["plugins"] = [p for p in config["plugins"] if p != "coe" and "coe" not in p]
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))

    front = work / f"front-{size}"
    front.mkdir()
    for path in sorted((repo / "coes").rglob("*.md")):
        doc = load_document(path, path.name, repo, 1 << 20)
        text = yaml.safe_dump(doc.data, sort_keys=False, allow_unicode=True)
        (front / f"{path.stem}.yaml").write_text(text)
    return repo, plain, front


SIMILAR = textwrap.dedent(
    """
    import time
    from datetime import date
    from coe.core.checker import make_context
    from coe.core.config import load_config
    from coe.core.index import build_index
    from coe.core.pipeline import load_and_check
    from coe.core.similar import similar_index
    context = make_context(load_config(), date(2026, 11, 27))
    # Prose kept: the suggestions compare the COEs' text.
    index = build_index(load_and_check(context, keep_prose=True).corpus, context.today)
    start = time.perf_counter()
    similar_index(index.entries)
    print(time.perf_counter() - start)
    """
)


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8", "replace"))
    except OSError:
        return ""


def _page(repo: Path, path: Path) -> str:
    return "coes/" + path.relative_to(repo / "coes").with_suffix("").as_posix() + "/"


def preview(repo: Path, runs: int) -> Figure:
    """Seconds from saving a COE (a new title and a new relation) to a real `mkdocs serve
    --dirty` serving both the new title and the backlink on the other COE's page."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "COE_TODAY": "2026-11-27", "NO_MKDOCS_2_WARNING": "1"}
    coes = sorted((repo / "coes").rglob("*.md"))
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
            cwd=repo,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            _wait_for(server, [(base + "coes/", "All COEs")], seconds=1800)
            samples = []
            # COEs whose title is on one line, so that a new title is one line to write.
            one_line = re.compile(r"\ntitle: [^\n]*\n[a-z_]+:")
            editable = [p for p in coes[len(coes) // 2 :] if one_line.search(p.read_text())]
            for number in range(runs):
                edited, other = editable[number], coes[number]
                other_id = other.name[: len("COE-0000-000")]
                title = f"Preview edit {number}"
                text = edited.read_text(encoding="utf-8")
                text = re.sub(r"\ntitle: .*\n", f"\ntitle: {title} of this COE\n", text, count=1)
                # The same indentation as the list it joins (the generator writes none).
                indent = "  " if "\nrelated:\n  -" in text else ""
                relation = (
                    f"related:\n{indent}- coe: {other_id}\n{indent}  relation: same-root-cause\n"
                )
                text = (
                    text.replace("related:\n", relation, 1)
                    if "\nrelated:\n" in text
                    else (text.replace("\naction_items:", "\n" + relation + "action_items:", 1))
                )
                edited_id = edited.name[: len("COE-0000-000")]
                start = time.perf_counter()
                edited.write_text(text, encoding="utf-8")
                _wait_for(
                    server,
                    [
                        (base + _page(repo, edited), title),
                        (base + _page(repo, other), f"(from {edited_id})"),
                    ],
                )
                samples.append(Sample(time.perf_counter() - start, 0.0))
        finally:
            server.terminate()
            server.wait(timeout=60)
    return Figure("preview after saving one COE", samples)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(
    server: subprocess.Popen[bytes], shown: list[tuple[str, str]], seconds: float = 600
) -> None:
    """Poll the served pages until each shows its text."""
    deadline = time.perf_counter() + seconds
    while not all(text in _get(url) for url, text in shown):
        if server.poll() is not None or time.perf_counter() > deadline:
            raise SystemExit("bench: mkdocs serve did not show the change")
        time.sleep(0.05)


def printed_times(command: Sequence[str], cwd: Path) -> tuple[list[float], float]:
    """The timings a command prints about itself, and its peak memory in MB."""
    outcome = spawn(command, cwd)
    return [float(v) for v in outcome.output.split()], outcome.peak_mb


def inner_time(command: Sequence[str], cwd: Path) -> Sample:
    times, peak = printed_times(command, cwd)
    return Sample(times[0], peak)


def measure(sizes: Sequence[int], runs: int, work: Path) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    python, coe, mkdocs = str(BIN / "python"), str(BIN / "coe"), str(BIN / "mkdocs")
    for size in sizes:
        print(f"{size} COEs", flush=True)
        repo, plain, front = prepare(size, work)
        yamls = sorted(str(p) for p in front.glob("*.yaml"))
        schema = str(repo / "schema" / "coe.schema.json")
        out = str(work / "site")
        figures[f"validate-{size}"] = repeat("coe validate", runs, run, [coe, "validate"], repo)
        if size <= 1000:
            figures[f"cjs-{size}"] = repeat(
                "check-jsonschema",
                runs,
                run,
                [str(BIN / "check-jsonschema"), "--schemafile", schema, *yamls],
                repo,
            )
        figures[f"build-{size}"] = repeat(
            "mkdocs build, coe plugin", runs, run, [mkdocs, "build", "-q", "-d", out], repo
        )
        figures[f"plain-{size}"] = repeat(
            "mkdocs build, plain", runs, run, [mkdocs, "build", "-q", "-d", out], plain
        )
        figures[f"preview-{size}"] = preview(repo, runs)
        print(f"  preview: {figures[f'preview-{size}'].seconds:.2f} s", flush=True)
        figures[f"similar-{size}"] = repeat(
            "similar incidents", runs, inner_time, [python, "-c", SIMILAR], repo
        )
    return figures


@dataclass
class Target:
    text: str
    met: bool
    figure: str


def targets(f: dict[str, Figure]) -> list[Target]:
    found: list[Target] = []

    def add(text: str, ok: bool, figure: str) -> None:
        found.append(Target(text, ok, figure))

    if "validate-1000" in f and "cjs-1000" in f:
        ratio = f["cjs-1000"].seconds / f["validate-1000"].seconds
        add(
            "coe validate, 1,000 COEs: at least 5 times check-jsonschema's throughput",
            ratio >= 5,
            f"{ratio:.1f}x",
        )
    if "validate-10000" in f:
        add(
            "coe validate, 10,000 COEs: under 10 s",
            f["validate-10000"].seconds < 10,
            f"{f['validate-10000'].seconds:.1f} s",
        )
    if "build-1000" in f:
        ratio = f["build-1000"].seconds / f["plain-1000"].seconds
        add(
            "mkdocs build with the plugin, 1,000 COEs: at most 1.3 times a plain build",
            ratio <= 1.3,
            f"{ratio:.2f}x",
        )
    for kind, name in (("validate", "validation"), ("build", "the build")):
        if f"{kind}-1000" in f and f"{kind}-10000" in f:
            scale = f[f"{kind}-10000"].seconds / f[f"{kind}-1000"].seconds
            add(f"10,000 COEs cost at most 11 times 1,000 ({name})", scale <= 11, f"{scale:.1f}x")
    ratios = {
        size: f[f"preview-{size}"].seconds / f[f"build-{size}"].seconds
        for size in (1000, 10000)
        if f"preview-{size}" in f and f"build-{size}" in f
    }
    if 1000 in ratios:
        add(
            "serve --dirty shows a saved COE, 1,000 COEs: at most a quarter of a full build",
            ratios[1000] <= 0.25,
            f"{ratios[1000]:.2f} ({f['preview-1000'].seconds:.1f} s)",
        )
    if 1000 in ratios and 10000 in ratios:
        add(
            "the preview's share of a full build is smaller at 10,000 COEs than at 1,000",
            ratios[10000] < ratios[1000],
            f"{ratios[10000]:.2f} vs {ratios[1000]:.2f}",
        )
    if "similar-10000" in f:
        add(
            "similar incidents for 10,000 COEs under 10 s",
            f["similar-10000"].seconds < 10,
            f"{f['similar-10000'].seconds:.1f} s",
        )
    if "build-10000" in f:
        add(
            "peak memory of a 10,000-COE build under 1 GB",
            f["build-10000"].peak_mb < 1024,
            f"{f['build-10000'].peak_mb:.0f} MB",
        )
    return found


def table(f: dict[str, Figure], sizes: Sequence[int]) -> str:
    rows = [
        "| measure | " + " | ".join(f"{s:,} COEs" for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]

    def cell(key: str, peer: str | None = None, label: str = "") -> str:
        if key not in f:
            return "–"
        text = f"{f[key].seconds:.2f} s"
        if f[key].peak_mb:  # the preview is timed from outside the server: no memory figure
            text += f", {f[key].peak_mb:.0f} MB"
        if peer and peer in f:
            text += f" ({label} {f[peer].seconds / f[key].seconds:.1f}x)"
        return text

    lines = [
        ("`coe validate` (all rules)", "validate", "cjs", "check-jsonschema takes"),
        ("`check-jsonschema`, front-matter only", "cjs", None, ""),
        ("`mkdocs build` with the plugin", "build", None, ""),
        ("`mkdocs build` of the same pages, no plugin", "plain", None, ""),
        ("`mkdocs serve --dirty`: a saved COE on screen", "preview", None, ""),
        ("similar incidents (all COEs)", "similar", None, ""),
    ]
    for title, key, peer, label in lines:
        cells = [cell(f"{key}-{s}", f"{peer}-{s}" if peer else None, label) for s in sizes]
        rows.append(f"| {title} | " + " | ".join(cells) + " |")
    for s in sizes:
        if f"build-{s}" in f and f"plain-{s}" in f:
            ratio = f[f"build-{s}"].seconds / f[f"plain-{s}"].seconds
            rows.append(
                f"| build with the plugin / plain build, {s:,} COEs | {ratio:.2f}x |"
                + " |" * (len(sizes) - 1)
            )
        if f"preview-{s}" in f and f"build-{s}" in f:
            share = f[f"preview-{s}"].seconds / f[f"build-{s}"].seconds
            rows.append(
                f"| preview / full build, {s:,} COEs | {share:.2f} |" + " |" * (len(sizes) - 1)
            )
    return "\n".join(rows)


def main() -> int:
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000 10000").split()]
    with tempfile.TemporaryDirectory(prefix="coe-bench-") as tmp:
        figures = measure(sizes, runs, Path(tmp))
    results = targets(figures)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    report = [
        "# Benchmark",
        "",
        f"Measured on {datetime.date.today().isoformat()} on a machine with {cores} cores "
        f"(Python {platform.python_version()}), by `make bench`: medians of {runs} "
        f"run{'s' if runs != 1 else ''}, "
        "peak resident memory the largest of them. Every figure in a row was measured in "
        "the same run as its peers. The corpora are generated from the example COEs "
        "(`bench/corpus.py`): 3 to 12 action items, 10 to 40 timeline entries, front-matter "
        "of about 70 to 200 lines and bodies of about 6 to 15 KB.",
        "",
        table(figures, sizes),
        "",
        "| target | figure | met |",
        "|---|---|---|",
        *(f"| {t.text} | {t.figure} | {'yes' if t.met else '**no**'} |" for t in results),
        "",
    ]
    text = "\n".join(report)
    print("\n" + text)
    PAGE.write_text(text, encoding="utf-8")
    missed = [t for t in results if not t.met]
    if missed:
        print(f"bench: {len(missed)} target(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
