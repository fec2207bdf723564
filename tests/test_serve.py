"""`mkdocs serve` watches the COE folder and the schema, which live outside docs/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.config import load_config

from tests.helpers import VALID_COE, make_repo


class Server:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_serve_watches_the_coe_folder_and_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path, {"coes/COE-2026-101-label.md": VALID_COE})
    (root / "schema").mkdir()
    (root / "schema" / "coe.schema.json").write_bytes(
        (Path(__file__).parent.parent / "schema" / "coe.schema.json").read_bytes()
    )
    monkeypatch.setitem(os.environ, "NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    server = Server()
    config.plugins["coe"].on_serve(server, config=config, builder=None)
    assert sorted(server.watched) == sorted(
        [str((root / "coes").resolve()), str((root / "schema" / "coe.schema.json").resolve())]
    )
