"""Shared test helpers: a valid COE to mutate, temporary repositories, and the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
COE_BIN = Path(sys.executable).parent / "coe"
MKDOCS = Path(sys.executable).parent / "mkdocs"
TODAY = "2026-11-27"
SOURCE_DATE_EPOCH = "1790000000"

# A complete COE that passes every rule (format and practice). Tests replace pieces of it
# with str.replace, so keep each line unique.
VALID_COE = """\
---
id: COE-2026-101
title: Label service returned HTTP 503 for 40 minutes after a connection-pool change
status: published
severity: SEV2
date: 2026-03-03
authors:
  - Priya Natarajan
team: fulfilment
services:
  - label-service
tags:
  - connection-pool
incident:
  started: 2026-03-02T14:00:00Z
  detected: 2026-03-02T14:10:00Z
  mitigated: 2026-03-02T14:40:00Z
  resolved: 2026-03-02T16:00:00Z
  detection: monitoring
impact:
  summary: 1,200 merchants could not print labels for 40 minutes (about 18,000 failed requests).
  customers_affected: 1200
  nfrs:
    - reliability
  sla_breached: false
related:
  - url: https://wiki.parcelwise.example/runbooks/label-service
    title: Label service runbook
action_items:
  - id: AI-1
    title: Add a pre-deploy check that rejects pool sizes below the service's peak concurrency
    kind: prevent
    priority: P1
    owner: fulfilment
    due: 2026-03-10
    status: done
    done: 2026-03-09
    link: https://tracker.parcelwise.example/browse/FUL-101
    addresses: [1, 2, 3]
  - id: AI-2
    title: Alarm on connection-pool wait time above 200 ms for five minutes
    kind: detect
    priority: P2
    owner: platform
    due: 2026-03-14
    status: open
    addresses: [4, 5]
---

## Incident summary

On 2026-03-02 a configuration change shrank the label-service database connection pool
from 50 to 5 connections. For 40 minutes 1,200 merchants could not print shipping labels;
about 18,000 requests failed with HTTP 503. Rolling back the change restored service.

## Impact

1,200 merchants saw HTTP 503 errors on label printing between 14:00 and 14:40 UTC.

## Timeline

- 2026-03-02 14:00 UTC - Deploy 5121 ships the new pool configuration.
- 2026-03-02 14:10 UTC - The 5xx alarm pages the on-call engineer.
- 2026-03-02 14:20 UTC - The on-call engineer finds requests waiting on the pool.
- 2026-03-02 14:30 UTC - Rollback of deploy 5121 starts.
- 2026-03-02 14:40 UTC - Error rate back to baseline; impact ends.
- 2026-03-02 16:00 UTC - The pool size is pinned in the service's defaults.
    - Gap: the fix waited for the next scheduled deploy window.

## Metrics

| time (UTC) | 5xx rate |
|---|---|
| 14:05 | 61% |
| 14:45 | 0.1% |

Dashboard: https://grafana.parcelwise.example/d/labels

## Incident questions

### Detection

The 5xx alarm fired after 10 minutes. A pool-wait alarm would halve the time to detect.

### Diagnosis

Pool metrics were on a separate dashboard; linking them from the alarm saves 5 minutes.

### Mitigation

Rollback took 10 minutes; a one-click config rollback would cut that in half.

### Prevention

A pre-deploy check on pool sizes prevents the same change from shipping.

## Five whys

Label printing failed for 40 minutes.

1. Why did requests fail? The pool had 5 connections for a peak of 40 concurrent requests.
2. Why was the pool so small? The change set the size in the wrong unit.
3. Why was the wrong unit accepted? The configuration schema has no bounds for pool sizes.
4. Why was the error not seen before production? Staging traffic never exceeds 5 requests.
5. Why does staging not show it? No load test runs against configuration changes.

## Action items

The items are tracked in the front-matter.

## Related items

See the runbook.
"""

MKDOCS_YML = """\
site_name: Test COEs
theme:
  name: material
plugins:
  - coe
"""


def make_repo(root: Path, files: dict[str, str | bytes], mkdocs_yml: str = MKDOCS_YML) -> Path:
    """A repository with an mkdocs.yml and the given files (paths relative to ``root``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Test COEs\n", encoding="utf-8")
    (root / "coes").mkdir(exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_coe(
    *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `coe` command as a user would, with today fixed."""
    full_env = {**os.environ, "COE_TODAY": TODAY, **(env or {})}
    return subprocess.run(
        [str(COE_BIN), *args],
        cwd=cwd,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def logged(text: str, path: str, line: int, rule: str) -> bool:
    """Whether a build's log names a finding of ``rule`` at ``path``, ``line`` (any column),
    in the form `coe validate` prints."""
    return re.search(rf"{re.escape(path)}:{line}:\d+: \[{re.escape(rule)}\]", text) is not None


def build_env() -> dict[str, str]:
    """The environment of a test build: today fixed, a reproducible build time."""
    return {
        **os.environ,
        "COE_TODAY": TODAY,
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }


def run_mkdocs(
    *args: str,
    cwd: Path,
    timeout: int = 300,
    program: Path = MKDOCS,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `mkdocs` command (or another engine, ``program``) as a user
    would, in ``build_env()`` unless ``env`` is given."""
    return subprocess.run(
        [str(program), *args],
        cwd=cwd,
        env=build_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def validate_json(cwd: Path, *paths: str) -> tuple[int, dict[str, Any]]:
    """Exit code and parsed output of `coe validate --format json`."""
    result = run_coe("validate", "--format", "json", *paths, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


_COMMONMARK_BLOCKS = MarkdownIt("commonmark").disable("inline")


def markdown_it_headings(text: str) -> list[tuple[int, int, int, str]]:
    """(first line, level, line after, title) of every top-level heading of a Markdown
    ``text``, as markdown-it's CommonMark parser finds them: the reference for the
    checker's sections."""
    tokens = _COMMONMARK_BLOCKS.parse(text)
    return [
        (tok.map[0], int(tok.tag[1]), tok.map[1], tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.level == 0 and tok.map
    ]
