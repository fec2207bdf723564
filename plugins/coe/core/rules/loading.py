"""Rules reported while a file is read and its front-matter parsed."""

from ..rule import LoadRule

FILE_READ = LoadRule(
    id="file-read",
    summary="The file can be read, and is not a link out of the repository.",
    rationale="""
    A COE that cannot be opened (permissions, a broken or looping symbolic link) is
    reported instead of being skipped, so it is never silently missing from the site.
    A symbolic link to a file outside the repository is not followed: publishing it
    could expose a file the repository never meant to share.
    """,
)
FILE_SIZE = LoadRule(
    id="file-size",
    summary="The file is within the size limit (1 MiB by default).",
    rationale="""
    COEs are prose and front-matter; a file over the limit is almost always a pasted
    log or an embedded image. The limit keeps every build and review fast and bounded.
    Link large material instead. The limit is the `max_file_bytes` option.
    """,
)
ENCODING = LoadRule(
    id="encoding",
    summary="The file is UTF-8 text (a byte-order mark is allowed).",
    rationale="""
    Other encodings (UTF-16, Latin-1) and binary files would be published as garbled
    text or not at all. Save the file as UTF-8; the finding gives the line of the first
    byte that is not UTF-8.
    """,
)
FRONT_MATTER = LoadRule(
    id="front-matter",
    summary="The file starts with YAML front-matter between two `---` lines, holding a mapping.",
    rationale="""
    The first line must be `---` and the next `---` line closes the front-matter.
    Blank lines before it, a `...` closer, JSON or TOML blocks and metadata without
    delimiters are reported with what to change, because other tools read such files
    differently and a page could otherwise be published with its metadata as text.
    """,
)
YAML_SYNTAX = LoadRule(
    id="yaml-syntax",
    summary="The front-matter is well-formed YAML.",
    rationale="""
    The finding points at the line and column where the YAML parser stopped. Quoting
    a value that contains `: ` or starts with a special character usually fixes it.
    """,
)
YAML_DUPLICATE_KEY = LoadRule(
    id="yaml-duplicate-key",
    summary="No key appears twice in the same mapping.",
    rationale="""
    Plain YAML loaders keep the last of two equal keys and drop the first without a
    word, so an edit can silently lose a value. Both lines are named.
    """,
)
YAML_ALIAS = LoadRule(
    id="yaml-alias",
    summary="No YAML anchors (`&name`) or aliases (`*name`).",
    rationale="""
    Anchors let a few hundred bytes expand into gigabytes (the "billion laughs" attack)
    and make a COE harder to review. Write every value out in full.
    """,
)
YAML_TAG = LoadRule(
    id="yaml-tag",
    summary="No explicit YAML tags such as `!!python/object` or `!custom`.",
    rationale="""
    Tags ask the loader to build objects; a COE needs only text, numbers, booleans,
    lists and mappings. `!!str` is accepted, to force a value to be text.
    """,
)
YAML_KEY = LoadRule(
    id="yaml-key",
    summary="Every key is text.",
    rationale="""
    Keys such as `1:`, `~:` or `true:` are read as numbers, null or booleans and can
    never match a field name. Lists and mappings cannot be keys either.
    """,
)
YAML_DEPTH = LoadRule(
    id="yaml-depth",
    summary="Values are nested at most 32 levels deep.",
    rationale="""
    The format needs three levels; deeper nesting is a mistake or an attempt to
    exhaust the tools that read the file.
    """,
)
