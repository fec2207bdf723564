"""A rule reported by the checker itself when one file has too many findings to list."""

from ..rule import LoadRule

MAX_FINDINGS_PER_FILE = 200

RULE = LoadRule(
    id="findings-limit",
    summary=f"A file with more than {MAX_FINDINGS_PER_FILE} findings lists the first ones only.",
    rationale=f"""
    A file that is not a COE at all, or a generated one gone wrong, can produce tens of
    thousands of findings, which would bury every other file's and slow the run. The
    first {MAX_FINDINGS_PER_FILE} findings of a file are listed, followed by this one,
    which counts the rest. Its level is the worst level among the findings left out, so
    the exit status does not change. Its only setting is `off`, which lists every finding.
    """,
)
