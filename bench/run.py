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
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
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


REBUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    def once():
        config = load_config("mkdocs.yml", site_dir=sys.argv[1])
        config.plugins.on_startup(command="serve", dirty=False)
        start = time.perf_counter()
        build(config)
        return time.perf_counter() - start
    full = once()
    coe = sorted(Path("coes").rglob("*.md"))[len(sys.argv[2])]
    coe.write_text(coe.read_text() + "\\nEdited.\\n")
    print(full, once())
    """
)
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
        if size <= 1000:
            pairs = [
                printed_times([python, "-c", REBUILD, out, "x" * number], repo)
                for number in range(runs)
            ]
            figures[f"full-{size}"] = Figure(
                "full build (serve)", [Sample(t[0], peak) for t, peak in pairs]
            )
            figures[f"rebuild-{size}"] = Figure(
                "rebuild after one edit", [Sample(t[1], peak) for t, peak in pairs]
            )
            for key in (f"full-{size}", f"rebuild-{size}"):
                print(f"  {figures[key].name}: {figures[key].seconds:.2f} s", flush=True)
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
        overhead = f["build-1000"].seconds / f["plain-1000"].seconds - 1
        add(
            "the plugin adds at most 10% to mkdocs build, 1,000 COEs",
            overhead <= 0.10,
            f"{overhead:+.0%}",
        )
    for kind, name in (("validate", "validation"), ("build", "the build")):
        if f"{kind}-1000" in f and f"{kind}-10000" in f:
            scale = f[f"{kind}-10000"].seconds / f[f"{kind}-1000"].seconds
            add(f"10,000 COEs cost at most 11 times 1,000 ({name})", scale <= 11, f"{scale:.1f}x")
    if "rebuild-1000" in f:
        add(
            "a one-COE edit rebuilds a 1,000-COE site faster than a full build",
            f["rebuild-1000"].seconds < f["full-1000"].seconds,
            f"{f['rebuild-1000'].seconds:.1f} s vs {f['full-1000'].seconds:.1f} s",
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
        text = f"{f[key].seconds:.2f} s, {f[key].peak_mb:.0f} MB"
        if peer and peer in f:
            text += f" ({label} {f[peer].seconds / f[key].seconds:.1f}x)"
        return text

    lines = [
        ("`coe validate` (all rules)", "validate", "cjs", "check-jsonschema takes"),
        ("`check-jsonschema`, front-matter only", "cjs", None, ""),
        ("`mkdocs build` with the plugin", "build", None, ""),
        ("`mkdocs build` of the same pages, no plugin", "plain", None, ""),
        ("full build in a serve process", "full", None, ""),
        ("rebuild after editing one COE", "rebuild", None, ""),
        ("similar incidents (all COEs)", "similar", None, ""),
    ]
    for title, key, peer, label in lines:
        cells = [cell(f"{key}-{s}", f"{peer}-{s}" if peer else None, label) for s in sizes]
        rows.append(f"| {title} | " + " | ".join(cells) + " |")
    for s in sizes:
        if f"build-{s}" in f and f"plain-{s}" in f:
            overhead = f[f"build-{s}"].seconds / f[f"plain-{s}"].seconds - 1
            rows.append(
                f"| plugin overhead on the build, {s:,} COEs | {overhead:+.0%} |"
                + " |" * (len(sizes) - 1)
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
        f"(Python {platform.python_version()}), by `make bench`: medians of {runs} runs, "
        "peak resident memory the largest of them. Every figure in a row was measured in "
        "the same run as its peers. The corpora are generated from the example COEs "
        "(`bench/corpus.py`), front-matter of about 60 lines and bodies of about 6 KB.",
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
