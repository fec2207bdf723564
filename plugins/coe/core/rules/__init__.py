"""The rules, one module each. Importing this package registers them all, in this order."""

from . import (  # noqa: F401
    loading,
    schema,
    filename,
    duplicate_id,
    incident_order,
    done_date,
    action_item_ids,
    related_self,
    related_unknown,
    sections,
    timeline_timestamp,
    timeline_order,
)
