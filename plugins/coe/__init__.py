"""Correction-of-Error documents as code: validate, lint, cross-link and publish COEs.

The Python API reads a COE as the checker does (see the "Python API" reference page)::

    import coe

    post = coe.load("coes/2026/COE-2026-004-webhook-backlog.md")
    post["severity"], post.content

or, with python-frontmatter's own functions::

    import frontmatter

    post = frontmatter.load(path, handler=coe.StrictYAMLHandler())
"""

from .core.frontmatter import FrontMatterError, StrictYAMLHandler, load, loads

__version__ = "0.1.0"
__all__ = ["FrontMatterError", "StrictYAMLHandler", "__version__", "load", "loads"]
