"""The framework-free core: load, parse, validate, lint, link, index and export COEs.

Nothing in this package imports MkDocs; the MkDocs plugin and the CLI are adapters over it.
"""
