import re
from collections.abc import Iterator

from ..body import INCIDENT_QUESTIONS, Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_ASK = {
    "detection": "when and how you learned of the customer impact",
    "diagnosis": "what the cause was and how you found it",
    "mitigation": "when impact ended, how you knew, and how you chose the fix",
    "prevention": "what would have stopped the trigger or limited the damage",
}


def unanswered_questions(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    The incident questions are where the analysis happens: how the team found out,
    found the cause, and stopped the impact, and what would have prevented it. A
    heading left empty, or holding only a template's HTML comment, means the question
    was never asked, and reviewers would have to ask it.
    """
    questions = body.section("incident questions")
    if questions is None:
        return
    for section in body.subsections(questions):
        if section.key in INCIDENT_QUESTIONS and not _COMMENT.sub("", section.text).strip():
            yield Hit(
                f"`### {section.title}` is empty: say {_ASK[section.key]}",
                section.line,
            )


RULE = BodyRule(
    id="question-answered",
    summary="`### Detection`, `### Diagnosis`, `### Mitigation` and `### Prevention` are answered.",
    check=unanswered_questions,
    level="warning",
    category="practice",
    bad_example="### Detection\n\n<!-- TODO -->\n\n### Diagnosis",
    good_example="### Detection\n\nThe 5xx alarm paged the on-call engineer 16 minutes after the "
    "deploy.\n\n### Diagnosis",
)
