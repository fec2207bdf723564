import re
from collections.abc import Iterator

from ..document import CoeDocument
from ..findings import Hit, json_pointer
from ..rule import Context, FileRule

_VERBS = (
    r"investigate|look into|looking into|fix|monitor|check|review|improve|address|resolve"
    r"|handle|revisit|discuss|consider|explore|analy[sz]e|debug|follow up(?: on)?|root[- ]cause"
    r"|understand|research|work on|deal with|clean up|update|sort out|add|enhance|tune"
)
_OBJECTS = (
    r"it|this|that|things?|stuff|issues?|problems?|bugs?|errors?|incident|outage|failures?"
    r"|root cause|cause|monitoring|alerting|alerts|alarms|logging|logs|metrics|dashboards?"
    r"|tests?|testing|process|processes|documentation|docs|runbooks?|config(?:uration)?"
    r"|performance|reliability|code|everything|the system|system|service"
)
_VAGUE = re.compile(
    rf"(?:{_VERBS})(?:\s+(?:the|this|that|these|those|an?|our|all|any|more|further|better)?"
    rf"\s*(?:{_OBJECTS}))?(?:\s+(?:further|more|again|asap))?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’-]+")


def vague(title: str) -> bool:
    """A lone word, or a generic verb with at most one generic object ("Investigate issue")."""
    text = title.strip().rstrip(".!").strip()
    words = _WORD.finditer(text)  # a lone word: no second one (the rest are not needed)
    lone = next(words, None) is None or next(words, None) is None
    return lone or _VAGUE.fullmatch(text) is not None


def vague_action_item_titles(doc: CoeDocument, context: Context) -> Iterator[Hit]:
    """
    A title such as "Investigate", "Fix bug" or "Improve monitoring" cannot be
    finished, so it is never done, and nobody can tell whether it would have prevented
    the incident. Name the change and its scope: which check, which alarm with which
    threshold, which service. If the next step really is an investigation, say what
    question it answers and what it will deliver.
    """
    for index, item in enumerate(doc.get("action_items") or []):
        title = item.get("title")
        if isinstance(title, str) and vague(title):
            line, column = doc.position("action_items", index, "title")
            yield Hit(
                f"{item['id']} title {title!r} is too vague to finish: name the specific "
                "change, e.g. 'Alarm on pool wait time above 200 ms for 5 minutes'",
                line,
                column,
                json_pointer(("action_items", index, "title")),
            )


RULE = FileRule(
    id="action-item-title",
    summary="An action item's title says specifically what will be done, not just "
    "'Investigate' or 'Fix issue'.",
    check=vague_action_item_titles,
    level="warning",
    category="practice",
    bad_example="title: Investigate issue",
    good_example="title: Alarm on connection-pool wait time above 200 ms for five minutes",
)
