"""A small vocabulary of incident failure modes and the words authors use for them.

Two COEs about the same failure often share few words: a "channel file" update and a
"WAF rule" deploy are both a change pushed everywhere at once; an expired "root CA" and
an expired "SSL certificate" are both a certificate nobody renewed. Each mode below
lists words and two-word phrases that point to it; similarity counts a mode as one more
term of the COE, so COEs that describe the same mode in different words meet.

The lists are general incident vocabulary, not the words of any one COE. Cues are chosen
for what they say about the cause: "restored from" a backup is data loss, "service was
restored" is not; "pushed to every region" is a global rollout, "users in every region"
is only impact (and the impact summary and section are not read for modes at all).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FailureMode:
    """A failure mode: ``key`` is its term, ``label`` what a reader is shown (no comma:
    reasons list labels separated by commas)."""

    key: str
    label: str
    cues: tuple[str, ...]


MODES: tuple[FailureMode, ...] = (
    FailureMode(
        "global-rollout",
        "change pushed everywhere at once",
        (
            # The spread of the change, not of the impact ("users in every region").
            "at once",
            "all at once",
            "to every server",
            "to all servers",
            "to every host",
            "to all hosts",
            "to every region",
            "to all regions",
            "to every data centre",
            "to all data centres",
            "to every data center",
            "to all data centers",
            "to the whole network",
            "pushed globally",
            "deployed globally",
            "replicates globally",
            "global rollout",
            "global push",
            "staged rollout",
            "staged deployment",
            "staged release",
            "in stages",
            "progressive delivery",
            "canary",
            "blast radius",
        ),
    ),
    FailureMode(
        "config-change",
        "configuration or content change",
        (
            "config",
            "configuration",
            "content update",
            "channel file",
            "feature file",
            "rule",
            "rules",
            "policy",
            "policies",
            "template",
            "settings change",
            "config push",
            "flag",
        ),
    ),
    FailureMode(
        "latent-bug",
        "latent bug woken by new input",
        (
            "latent",
            "dormant",
            "null pointer",
            "out of bounds",
            "panic",
            "panicked",
            "crash loop",
            "blank fields",
            "malformed",
            "unhandled",
            "edge case",
            "triggered a bug",
            "dead code",
        ),
    ),
    FailureMode(
        "operator-command",
        "operator command or script with too wide a scope",
        (
            "command",
            "script",
            "playbook",
            "runbook",
            "wrong input",
            "wrong host",
            "bulk",
            "cleanup",
            "maintenance",
        ),
    ),
    FailureMode(
        "data-loss",
        "data deleted and restored from backup",
        (
            "deleted",
            "deletion",
            "delete",
            "data loss",
            "lost data",
            "backup",
            "backups",
            # "Service was restored" is recovery, not a restore of lost data.
            "restore from",
            "restored from",
            "snapshot",
            "soft delete",
            "purge",
        ),
    ),
    FailureMode(
        "failover",
        "database failover and replication",
        (
            "failover",
            "fail over",
            "primary database",
            "new primary",
            "failback",
            "replication",
            "replica",
            "replicas",
            "split brain",
            "promoted",
            "promote",
            "leader election",
            "consensus",
            "quorum",
            "network partition",
        ),
    ),
    FailureMode(
        "certificate",
        "certificate or key expiry and rotation",
        (
            "certificate",
            "certificates",
            "cert",
            "expired",
            "expiry",
            "expire",
            "expiration",
            "tls",
            "ssl",
            "mtls",
            "x509",
            "root ca",
            "trust store",
            "key rotation",
            "signing key",
            "renewal",
            "renew",
        ),
    ),
    FailureMode(
        "routing",
        "network routing and BGP",
        (
            "bgp",
            "route",
            "routes",
            "routing",
            "prefix",
            "prefixes",
            "announce",
            "announcement",
            "withdraw",
            "withdrew",
            "backbone",
            "router",
            "routers",
            "peering",
            "wan",
            "route reflector",
            "packet loss",
        ),
    ),
    FailureMode(
        "dns",
        "DNS resolution",
        (
            "dns",
            "resolver",
            "resolve",
            "resolution",
            "nameserver",
            "name server",
            "dns record",
            "hostname",
        ),
    ),
    FailureMode(
        "limits",
        "quota or resource limit exceeded",
        (
            "quota",
            "quotas",
            "rate limit",
            "rate limiting",
            "throttle",
            "throttling",
            "limit",
            "limits",
            "thread limit",
            "open files",
            "file descriptors",
            "exhausted",
            "exhaust",
            "maximum",
            "ran out",
            "out of memory",
            "size limit",
        ),
    ),
    FailureMode(
        "overload",
        "overload and retry storms",
        (
            "retry",
            "retries",
            "retried",
            "backoff",
            "jitter",
            "storm",
            "surge",
            "congestion",
            "congested",
            "congestive collapse",
            "thundering herd",
            "overwhelmed",
            "overload",
            "overloaded",
            "backlog",
            "saturated",
            "scale up",
            "autoscaler",
            "autoscaling",
        ),
    ),
    FailureMode(
        "cpu",
        "CPU exhaustion or pathological slowness",
        (
            "cpu",
            "regex",
            "regular expression",
            "backtracking",
            "backtracked",
            "contention",
            "pathology",
            "pathological",
            "hot loop",
            "infinite loop",
        ),
    ),
    FailureMode(
        "credentials",
        "stolen credentials or third-party access",
        (
            "credential",
            "session cookie",
            "session token",
            "credentials",
            "token",
            "tokens",
            "oauth",
            "cookie",
            "secret",
            "secrets",
            "stolen",
            "steal",
            "attacker",
            "attackers",
            "compromise",
            "compromised",
            "exfiltrate",
            "exfiltrated",
            "malware",
            "vendor",
            "third party",
            "supply chain",
            "phishing",
            "leaked",
            "breach",
        ),
    ),
    FailureMode(
        "migration",
        "migration or upgrade",
        (
            "migration",
            "migrate",
            "migrated",
            "upgrade",
            "upgraded",
            "cutover",
            "big bang",
            "partial deploy",
            "seven of",
            "schema v2",
            "renamed",
        ),
    ),
    FailureMode(
        "time",
        "date and time handling",
        (
            "leap",
            "leap day",
            "leap year",
            "leap second",
            "clock",
            "timezone",
            "time zone",
            "daylight saving",
            "calendar",
            "date arithmetic",
        ),
    ),
    FailureMode(
        "idempotency",
        "duplicate processing and idempotency",
        (
            "idempotency",
            "idempotent",
            "duplicate",
            "duplicates",
            "charged twice",
            "double charge",
            "exactly once",
        ),
    ),
    FailureMode(
        "poison-message",
        "poison messages and queue backlogs",
        (
            "poison",
            "poison message",
            "dead letter",
            "dead-letter",
            "consumer",
            "consumers",
            "queue",
            "redelivery",
            "unlimited retries",
        ),
    ),
    FailureMode(
        "dependency",
        "recovery hindered by a dependency on the failing system",
        (
            "out of band",
            "out-of-band",
            "depended on",
            "depends on",
            "dependency",
            "same network",
            "status page",
            "status dashboard",
            "independent of",
            "circular",
        ),
    ),
)

BY_KEY: dict[str, FailureMode] = {mode.key: mode for mode in MODES}


@dataclass(frozen=True, slots=True)
class ModeIndex:
    """The cues of ``MODES`` as stemmed terms: single terms, and phrases of two or three
    terms found by one regular expression over the terms joined by spaces (a scan in C:
    this runs over every field of every COE)."""

    singles: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[str, ...]]
    starts: frozenset[str]
    pattern: re.Pattern[str] | None

    def find(self, terms: Sequence[str], counts: Mapping[str, int] | None = None) -> dict[str, int]:
        """How many cues of each mode appear in ``terms`` (every word, stemmed, in order);
        ``counts``, when given, is ``Counter(terms)``."""
        found: dict[str, int] = {}
        if counts is None:
            counts = Counter(terms)
        singles = self.singles
        # In a fixed order: the order of the modes decides ties in the model (which terms
        # a vector keeps), and a set's order changes from one run of Python to the next.
        for term in sorted(counts.keys() & singles.keys()):
            for key in singles[term]:
                found[key] = found.get(key, 0) + counts[term]
        if self.pattern is not None and not self.starts.isdisjoint(counts):
            for match in self.pattern.finditer(f" {' '.join(terms)} "):
                for key in self.phrases[match.group(1)]:
                    found[key] = found.get(key, 0) + 1
        return found


def _trie(phrases: list[list[str]]) -> str:
    """A regular expression matching any of ``phrases`` (lists of words joined by single
    spaces), longest first, written as a trie."""
    groups: dict[str, list[list[str]]] = {}
    for words in phrases:
        groups.setdefault(words[0], []).append(words[1:])
    branches: list[str] = []
    for first in sorted(groups, key=lambda w: (-len(w), w)):
        rests = [rest for rest in groups[first] if rest]
        ends = len(rests) < len(groups[first])
        branch = re.escape(first)
        if rests:
            tail = " (?:" + _trie(rests) + ")"
            branch += f"(?:{tail})?" if ends else tail
        branches.append(branch)
    return "|".join(branches)


def compile_modes(
    tokenize: Callable[[str], list[str]], modes: Iterable[FailureMode] = MODES
) -> ModeIndex:
    """The cues as the similarity model sees text: ``tokenize`` turns a cue into stemmed
    terms, stop words kept ("at once" needs both). Cues of more than three terms are cut
    to three."""
    singles: dict[str, list[str]] = {}
    phrases: dict[str, list[str]] = {}
    for mode in modes:
        for cue in mode.cues:
            terms = tokenize(cue)[:3]
            if not terms:
                continue
            if len(terms) == 1:
                keys = singles.setdefault(terms[0], [])
            else:
                keys = phrases.setdefault(" ".join(terms), [])
            if mode.key not in keys:
                keys.append(mode.key)
    # Matched on the terms joined by spaces, with a space before and after: a pattern that
    # starts with a space lets the engine skip to the next space fast. A look-ahead, so
    # that "all at once" and the "at once" inside it both count; the phrases as a trie,
    # so that a first word is tried once, not once a phrase.
    pattern = re.compile(" (?=(" + _trie([p.split() for p in phrases]) + ") )") if phrases else None
    return ModeIndex(
        {term: tuple(keys) for term, keys in singles.items()},
        {phrase: tuple(keys) for phrase, keys in phrases.items()},
        frozenset(phrase.split()[0] for phrase in phrases),
        pattern,
    )
