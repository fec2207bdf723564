"""Code blocks highlighted by Pygments, in the markup and CSS classes that Material styles:
the same HTML as ``pymdownx.highlight`` (with ``pygments_lang_class``) writes for the docs
pages, so a COE's code looks like every other page's, with no script or stylesheet of its
own."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

# Pygments has no type information.
from pygments import highlight as pygments_highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

PLAIN = "text"


@lru_cache(maxsize=256)
def _lexer(language: str) -> tuple[Any, str]:
    """The lexer of a fence's language and the name its class shows; an unknown language
    is shown as plain text, as ``pymdownx.highlight`` does."""
    try:
        return get_lexer_by_name(language or PLAIN), language or PLAIN
    except ClassNotFound:
        return get_lexer_by_name(PLAIN), PLAIN


@lru_cache(maxsize=256)
def _formatter(css_class: str) -> Any:
    return HtmlFormatter(cssclass=css_class, wrapcode=True)


def code_block(code: str, language: str = "") -> str:
    """``<div class="language-X highlight"><pre><span></span><code>...`` for ``code``."""
    lexer, name = _lexer(language)
    # The class holds the language as the author wrote it: escape it.
    html: str = pygments_highlight(code, lexer, _formatter(f"language-{escape(name)} highlight"))
    return html
