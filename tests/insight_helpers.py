"""Helpers for the insight tests (metrics, series, similar incidents, feeds): an index
built from a temporary repository as the plugin builds it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from coe.core.checker import make_context
from coe.core.config import load_config
from coe.core.index import Index, build_index
from coe.core.pipeline import load_and_check
from tests.helpers import TODAY, make_repo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "insights"
SVG_NS = "{http://www.w3.org/2000/svg}"


def index_of(root: Path, today: str = TODAY, use_directory_urls: bool = True) -> Index:
    """The index of the repository at ``root``, as the plugin makes it."""
    config = load_config(None, root)
    day = date.fromisoformat(today)
    corpus = load_and_check(make_context(config, day), cwd=root, keep_prose=True).corpus
    return build_index(corpus, day, use_directory_urls)


def repo_index(
    root: Path, files: dict[str, str], today: str = TODAY, use_directory_urls: bool = True
) -> Index:
    """A temporary repository holding ``files`` (name -> text) under ``coes/``."""
    make_repo(root, {f"coes/{name}": text for name, text in files.items()})
    return index_of(root, today, use_directory_urls)


def fixture_files(folder: str) -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted((FIXTURES / folder).glob("*.md"))
    }


def svgs(markup: str) -> list[ET.Element]:
    """Every ``<svg>`` element of a page, parsed as XML (fails on malformed markup)."""
    return [ET.fromstring(found) for found in re.findall(r"<svg\b.*?</svg>", markup, re.S)]


def check_svg(svg: ET.Element) -> tuple[str, str]:
    """An accessible SVG: role img, labelled by its own non-empty title and desc."""
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG_NS}title")
    desc = svg.find(f"{SVG_NS}desc")
    assert title is not None and (title.text or "").strip()
    assert desc is not None and (desc.text or "").strip()
    assert (svg.get("aria-labelledby") or "").split() == [title.get("id"), desc.get("id")]
    return str(title.text), str(desc.text)
