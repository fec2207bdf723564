"""Every rule, one module each, in one explicit list.

``RULES`` is the order of the rule reference: loading, then the format contract, then the
practice of a good COE. Nothing registers itself: a rule exists when it is listed here.
To add a rule, write a module that defines ``RULE`` (see ``coe.core.rule``) and list it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..rule import AnyRule
from . import (
    action_item_duplicate,
    action_item_evidence,
    action_item_ids,
    action_item_kinds,
    action_item_sla,
    action_item_title,
    active_content,
    addresses_unknown,
    blame_person,
    blame_words,
    customer_report_detect,
    done_date,
    duplicate_id,
    filename,
    findings_limit,
    halve_time,
    incident_order,
    loading,
    metrics_evidence,
    placeholder,
    question_answered,
    related_self,
    related_unknown,
    schema,
    sections,
    summary_impact,
    suppression,
    timeline_gap,
    timeline_order,
    timeline_span,
    timeline_start,
    timeline_timestamp,
    timeline_zone,
    whys_addressed,
    whys_count,
    whys_human_error,
)

RULES: tuple[AnyRule, ...] = (
    loading.FILE_READ,
    loading.FILE_SIZE,
    loading.ENCODING,
    loading.FRONT_MATTER,
    loading.YAML_SYNTAX,
    loading.YAML_DUPLICATE_KEY,
    loading.YAML_ALIAS,
    loading.YAML_TAG,
    loading.YAML_KEY,
    loading.YAML_DEPTH,
    findings_limit.RULE,
    schema.RULE,
    filename.RULE,
    duplicate_id.RULE,
    incident_order.RULE,
    done_date.RULE,
    action_item_ids.RULE,
    related_self.RULE,
    related_unknown.RULE,
    sections.RULE,
    timeline_timestamp.RULE,
    timeline_order.RULE,
    timeline_zone.RULE,
    timeline_start.RULE,
    timeline_span.RULE,
    timeline_gap.RULE,
    summary_impact.RULE,
    metrics_evidence.RULE,
    question_answered.RULE,
    halve_time.RULE,
    whys_count.RULE,
    whys_human_error.RULE,
    whys_addressed.RULE,
    addresses_unknown.RULE,
    action_item_sla.RULE,
    action_item_evidence.RULE,
    action_item_kinds.RULE,
    customer_report_detect.RULE,
    action_item_title.RULE,
    action_item_duplicate.RULE,
    blame_words.RULE,
    blame_person.RULE,
    suppression.RULE,
    placeholder.RULE,
    active_content.RULE,
)

RULES_BY_ID: Mapping[str, AnyRule] = {rule.id: rule for rule in RULES}
# Each rule id, to whether a `coe-ignore` comment may silence it.
SILENCEABLE: Mapping[str, bool] = {rule.id: rule.silenceable for rule in RULES}
