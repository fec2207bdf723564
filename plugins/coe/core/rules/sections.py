from collections.abc import Iterator

from ..body import INCIDENT_QUESTIONS, REQUIRED_SECTIONS, Body
from ..document import CoeDocument
from ..findings import Hit
from ..rule import BodyRule, Context


def missing_or_misplaced_sections(doc: CoeDocument, body: Body, context: Context) -> Iterator[Hit]:
    """
    Readers and reviewers find the same thing in the same place in every COE, and the
    order follows how an incident is understood: what happened, to whom, when, the
    evidence, the questions, the causes, then what will change. Headings match without
    regard to case; other headings may be added between the required ones.
    """
    found: dict[str, int] = {}
    for section in body.sections:
        if section.level == 2 and section.key in REQUIRED_SECTIONS:
            found.setdefault(section.key, section.line)
    expected_next = 0
    for key in REQUIRED_SECTIONS:
        if key not in found:
            yield Hit(f"missing section `## {key.capitalize()}`")
    order = sorted((line, key) for key, line in found.items())
    position = {key: index for index, key in enumerate(REQUIRED_SECTIONS)}
    for line, key in order:
        if position[key] < expected_next:
            before = REQUIRED_SECTIONS[expected_next - 1]
            yield Hit(
                f"section `## {key.capitalize()}` comes after `## {before.capitalize()}`: "
                "move it to its place in the order",
                line,
            )
        expected_next = max(expected_next, position[key] + 1)
    questions = body.section("incident questions")
    if questions is not None:
        present = {s.key for s in body.subsections(questions)}
        for key in INCIDENT_QUESTIONS:
            if key not in present:
                yield Hit(
                    f"section `## Incident questions` lacks `### {key.capitalize()}`",
                    questions.line,
                )


RULE = BodyRule(
    id="sections",
    summary="The body has every required section, in the contract's order.",
    check=missing_or_misplaced_sections,
    bad_example="## Timeline\n...\n## Impact",
    good_example="## Incident summary\n## Impact\n## Timeline\n## Metrics\n## Incident questions\n"
    "### Detection\n### Diagnosis\n### Mitigation\n### Prevention\n## Five whys\n"
    "## Action items\n## Related items",
)
