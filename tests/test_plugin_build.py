"""The plugin's build object: made in `on_files`, used by the page hooks, dropped after the
build, and made anew from the files on every rebuild of `mkdocs serve`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.helpers import MKDOCS_YML, TODAY, VALID_COE, make_repo, run_mkdocs

SECOND = VALID_COE.replace("id: COE-2026-101", "id: COE-2026-102").replace(
    "title: Label service", "title: Second label service"
)


def test_a_disabled_plugin_builds_the_docs_and_no_coe_page(tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace("  - coe\n", "  - coe:\n      enabled: false\n")
    root = make_repo(tmp_path / "repo", {"coes/COE-2026-101-label.md": VALID_COE}, yml)
    result = run_mkdocs("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "index.html").is_file()
    assert not (root / "site" / "coes").exists()
    assert "Traceback" not in result.stderr


def test_each_serve_rebuild_makes_a_new_build_and_drops_it_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo", {"coes/COE-2026-101-label.md": VALID_COE})
    monkeypatch.setitem(os.environ, "COE_TODAY", TODAY)
    monkeypatch.setitem(os.environ, "NO_MKDOCS_2_WARNING", "1")
    site = tmp_path / "site"

    def rebuild() -> set[str]:
        # As `mkdocs serve` does: the configuration is read again, the plugin is kept.
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        build(config, serve_url="http://127.0.0.1:8000/")
        assert config.plugins["coe"].build is None
        return {p.name for p in (site / "coes").iterdir() if p.is_dir()}

    first = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    first.plugins.on_startup(command="serve", dirty=False)
    assert rebuild() == {"COE-2026-101-label"}
    (root / "coes" / "COE-2026-102-second.md").write_text(SECOND, encoding="utf-8")
    assert rebuild() == {"COE-2026-101-label", "COE-2026-102-second"}
    (root / "coes" / "COE-2026-101-label.md").unlink()
    assert rebuild() == {"COE-2026-102-second"}
