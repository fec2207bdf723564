"""The MkDocs plugin: a thin adapter from MkDocs' build events to the core and the site."""
