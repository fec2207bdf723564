"""`mkdocs serve --dirty` re-renders only the pages a saved COE changes, and what it serves
is what a full build of the same files makes.

A real server runs on a copy of the project's site; after each edit (of COEs, their bodies
and front-matter, a docs page, the schema) the test waits for the rebuild, builds the same
files from scratch beside it, and compares every page, the search index and the exports.
The one difference allowed is documented: the similar-incident suggestions of pages that
were not rebuilt (and the note that says so).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers import MKDOCS, ROOT, TODAY

BUILD_FULL = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = sys.argv[2]
build(config, serve_url=sys.argv[2])
"""
LIVERELOAD = re.compile(rb"<script>\s*var livereload\b.*?</script>", re.DOTALL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """A running `mkdocs serve --dirty` and the count of builds it has finished."""

    def __init__(self, root: Path, port: int, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.builds = 0
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [str(MKDOCS), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            # The server says so after each build it finished (the first one aside).
            if "Serving on" in line or "Reloading browsers" in line:
                self.builds += 1

    def wait_for_build(self, count: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while self.builds < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("no rebuild; the server said:\n" + "".join(self.log))
            time.sleep(0.05)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return error.code, b""


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[tuple[Path, Served, dict[str, str]]]:
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("docs", "coes", "schema", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    port = free_port()
    env = {
        **os.environ,
        "COE_TODAY": TODAY,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]),
    }
    served = Served(root, port, env)
    try:
        served.wait_for_build(1)
        yield root, served, env
    finally:
        served.process.terminate()
        served.process.wait(timeout=30)


def normalised(path: str, content: bytes) -> object:
    """A file as compared: pages without the livereload script and without the similar
    suggestions (which may lag in a preview); exports without their generation time."""
    if path.endswith(".html"):
        soup = BeautifulSoup(LIVERELOAD.sub(b"", content), "html.parser")
        for element in soup.select(".coe-similar, .coe-preview-note, #possibly-related"):
            element.decompose()
        for link in soup.select('a[href="#possibly-related"]'):
            (link.find_parent("li") or link).decompose()
        return re.sub(r">\s+<", "><", str(soup))
    if path == "search/search_index.json":
        docs = json.loads(content)["docs"]
        return sorted(
            json.dumps(d, sort_keys=True) for d in docs if "#possibly-related" not in d["location"]
        )
    data = json.loads(content)
    data.pop("generated", None)
    return data


def assert_same_as_full_build(root: Path, served: Served, env: dict[str, str], ref: Path) -> None:
    shutil.rmtree(ref, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-c", BUILD_FULL, str(ref), served.url],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    compared = 0
    for file in sorted(ref.rglob("*")):
        path = file.relative_to(ref).as_posix()
        if not (path.endswith(".html") or path.endswith(".json")) or path == "404.html":
            continue
        status, body = served.get(path.removesuffix("index.html"))
        assert status == 200, f"{path} is not served"
        served_form, full_form = normalised(path, body), normalised(path, file.read_bytes())
        if path.endswith(".json") and served_form != full_form:
            assert isinstance(served_form, list) and isinstance(full_form, list)
            only_served = sorted(set(served_form) - set(full_form))
            only_full = sorted(set(full_form) - set(served_form))
            raise AssertionError(f"{path}: served only {only_served[:3]}; built {only_full[:3]}")
        assert served_form == full_form, path
        compared += 1
    assert compared > 20


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_served_page_equals_a_full_build_after_each_edit(
    site: tuple[Path, Served, dict[str, str]], tmp_path: Path
) -> None:
    root, served, env = site
    coes = root / "coes"
    webhook = next(coes.rglob("COE-2026-004-*.md"))
    checkout = next(coes.rglob("COE-2026-002-*.md"))
    label = next(coes.rglob("COE-2026-003-*.md"))
    added = coes / "2026" / "COE-2026-050-webhook-backlog-again.md"
    checkout_url = "coes/" + checkout.relative_to(coes).with_suffix("").as_posix() + "/"
    label_url = "coes/" + label.relative_to(coes).with_suffix("").as_posix() + "/"
    webhook_url = "coes/" + webhook.relative_to(coes).with_suffix("").as_posix() + "/"

    steps: list[tuple[str, Callable[[], None]]] = [
        ("retitle", lambda: edit(webhook, "title: Merchant webhooks", "title: Shop webhooks")),
        (
            "add a relation",
            lambda: edit(
                webhook,
                "related:\n",
                "related:\n  - coe: COE-2026-002\n    relation: same-root-cause\n",
            ),
        ),
        (
            "remove the relation",
            lambda: edit(webhook, "  - coe: COE-2026-002\n    relation: same-root-cause\n", ""),
        ),
        (
            "close an action item",
            lambda: edit(
                webhook,
                "    status: in-progress\n",
                "    status: done\n    done: 2026-08-21\n",
            ),
        ),
        (
            "edit a body",
            lambda: edit(webhook, "A burn-rate alarm paged", "A burn-rate alarm (rewritten) paged"),
        ),
        ("make a COE invalid", lambda: edit(label, "severity: SEV", "severity: BAD")),
        ("make it valid again", lambda: edit(label, "severity: BAD", "severity: SEV")),
        (
            "add a COE",
            lambda: added.write_text(
                webhook.read_text(encoding="utf-8").replace("id: COE-2026-004", "id: COE-2026-050"),
                encoding="utf-8",
            ),
        ),
        ("delete a COE", lambda: checkout.unlink()),
        ("edit a docs page", lambda: edit(root / "docs" / "index.md", "# Parcelwise", "# Our")),
        (
            "edit the schema",
            lambda: edit(
                root / "schema" / "coe.schema.json", "A short, specific headline", "A headline"
            ),
        ),
    ]
    ref = tmp_path / "full"
    for number, (name, step) in enumerate(steps, start=2):
        time.sleep(0.02)  # a later modification time than the previous build's output
        step()
        served.wait_for_build(number)
        try:
            assert_same_as_full_build(root, served, env, ref)
        except AssertionError as error:
            raise AssertionError(f"after '{name}': {error}") from error
        if name == "add a relation":
            _, page = served.get(checkout_url)
            assert b"COE-2026-004" in page, "the backlink is not on the other COE's page"
            assert b"coe-preview-note" in page, "the page does not say its suggestions may lag"
        if name == "edit a body":
            _, page = served.get(webhook_url)
            assert b"A burn-rate alarm (rewritten) paged" in page
        if name == "make a COE invalid":
            _, page = served.get(label_url)
            assert b"Errors in" in page
    assert served.get(checkout_url)[0] == 404, "a deleted COE's page is still served"
    assert b"<h1" in served.get("")[1] and b"Our COEs" in served.get("")[1]
    assert b"A headline for the incident" in served.get("reference/schema/")[1]
