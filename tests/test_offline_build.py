"""The site builds on a machine with no network at all.

`mkdocs build --strict` of the project's own site runs inside a new network namespace
(`unshare -n`), which has a loopback device that is down and no other interface, so that
not even 127.0.0.1 answers. The pages it writes must be the same, byte for byte and file
for file, as those of a build with the machine's network. Where a network namespace cannot
be made (no `unshare`, or not permitted to this user), the test skips with one line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MKDOCS, ROOT, build_env

# Inside the namespace: the interfaces there are, and whether 127.0.0.1 can be reached.
PROBE = """
import errno, socket
names = [name for _, name in socket.if_nameindex()]
try:
    socket.create_connection(("127.0.0.1", 9), timeout=2).close()
    reached = "reached"
except OSError as error:
    reached = errno.errorcode.get(error.errno or 0, repr(error))
print(",".join(names), reached)
"""


def no_network(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "-n", *command],
        cwd=ROOT,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def namespace() -> None:
    if shutil.which("unshare") is None:
        pytest.skip("no `unshare` here (util-linux): cannot build without a network")
    probe = no_network("true")
    if probe.returncode != 0:
        reason = probe.stderr.strip().splitlines()[-1:] or ["unknown"]
        pytest.skip(f"`unshare -n` is not permitted here ({reason[0]})")


def build(out: Path, *, offline: bool) -> subprocess.CompletedProcess[str]:
    command = [str(MKDOCS), "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)]
    if offline:
        return no_network(*command)
    return subprocess.run(
        command, cwd=ROOT, env=build_env(), capture_output=True, text=True, timeout=300, check=False
    )


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_namespace_has_no_network(namespace: None) -> None:
    result = no_network(sys.executable, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    interfaces, loopback = result.stdout.split()
    assert interfaces == "lo"  # and nothing else
    assert loopback == "ENETUNREACH"  # the loopback device is down too


def test_site_builds_with_no_network_and_the_same_pages(namespace: None, tmp_path: Path) -> None:
    online, offline = tmp_path / "online", tmp_path / "offline"
    result = build(offline, offline=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert build(online, offline=False).returncode == 0
    pages, same_pages = tree(online), tree(offline)
    assert sorted(pages) == sorted(same_pages)
    assert sum(name.endswith(".html") for name in pages) > 20
    different = [name for name in pages if pages[name] != same_pages[name]]
    assert not different, different
