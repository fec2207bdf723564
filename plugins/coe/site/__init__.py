"""The site's pages, rendered from the core's index without MkDocs: HTML fragments and
Markdown strings that the MkDocs plugin hands to MkDocs. Every value from front-matter
reaches HTML through Jinja2 with autoescaping on."""
