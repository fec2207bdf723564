"""HTML for the generated pages: every fragment is rendered from a template in
``templates/`` with autoescaping on, so no value from a COE reaches a page unescaped."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("coe.site", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(template: str, **values: Any) -> str:
    """The template ``templates/<template>`` rendered with ``values`` (escaped)."""
    return environment().get_template(template).render(**values)


def html_block(html: str) -> str:
    """HTML that Python-Markdown passes through untouched: no blank or indented lines."""
    lines = (line.strip() for line in html.splitlines())
    return "\n".join(line for line in lines if line)
