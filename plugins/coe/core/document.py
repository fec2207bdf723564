"""One COE as read from disk: its text, front-matter values with positions, and body."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .body import Body, parse_body
from .findings import Hit
from .frontmatter import HANDLER, Split, not_a_mapping
from .source import read_source
from .suppress import MARKER
from .yamlreader import Path as YamlPath
from .yamlreader import Pos, YamlDocument


@dataclass(slots=True)
class CoeDocument:
    """Everything later stages need, parsed once. ``data`` is ``None`` when the front-matter
    could not be read as a mapping; ``schema_valid`` is set by the schema rule."""

    path: Path
    display: str
    text: str | None = None
    split: Split | None = None
    yaml: YamlDocument | None = None
    body: Body | None = None
    data: dict[str, Any] | None = None
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    schema_valid: bool = False

    @property
    def id(self) -> str | None:
        value = self.data.get("id") if self.data else None
        return value if isinstance(value, str) else None

    @property
    def body_source(self) -> tuple[str, int]:
        """The body's Markdown and the file line it starts on (empty when the file could
        not be split into front-matter and body)."""
        return (self.split.body, self.split.body_line) if self.split else ("", 1)

    @property
    def opener_line(self) -> int:
        """The line of the opening ``---``: where findings about the whole mapping point."""
        return self.split.yaml_line - 1 if self.split else 1

    def get(self, *path: str | int) -> Any:
        """A front-matter value by path, or ``None`` where any step is missing."""
        node: Any = self.data
        for step in path:
            if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
            elif isinstance(step, str) and isinstance(node, dict):
                node = node.get(step)
            else:
                return None
        return node

    def trim(self, keep_prose: bool) -> None:
        """Drop what only the per-file checks read, once they have run: the text and body
        (a page's body is rendered before, see ``pipeline.Prepare``) and the positions of values
        other than the id and the relations, which the cross-COE rules point at. With
        ``keep_prose`` the prose that similarity compares stays. A COE with ``coe-ignore``
        comments keeps its text, so that the cross-COE rules' findings can be silenced."""
        if self.text is not None and MARKER not in self.text.lower():
            self.text = None
        self.hits = []
        if self.yaml is not None:
            yaml = self.yaml
            yaml.plain_text = {}
            yaml.keys = _cross_coe(yaml.keys)
            yaml.values = _cross_coe(yaml.values)
        if self.split is not None:
            split = self.split
            body = split.body if self.text is not None else ""
            self.split = Split("", split.yaml_line, body, split.body_line)
        if self.body is not None:
            self.body = self.body.prose() if keep_prose else None

    def position(self, *path: str | int) -> tuple[int, int]:
        """Where a finding about this front-matter path should point."""
        if not path or self.yaml is None:
            return (self.opener_line, 1)
        return self.yaml.position(path)


def _cross_coe(positions: dict[YamlPath, Pos]) -> dict[YamlPath, Pos]:
    """The positions the cross-COE rules point at: of the whole mapping, the id, the
    relations and each relation (the test is written out, not called: it runs for every
    position of every COE)."""
    return {
        path: at
        for path, at in positions.items()
        if not path
        or (len(path) <= 2 and (path[0] == "related" or (path[0] == "id" and len(path) == 1)))
    }


def load_document(path: Path, display: str, root: Path, max_bytes: int) -> CoeDocument:
    """Read and parse one COE; problems become hits on the document, never exceptions."""
    doc = CoeDocument(path=path, display=display)
    source = read_source(path, root, max_bytes)
    doc.hits.extend(source.hits)
    if source.text is None:
        return doc
    doc.text = source.text
    split = HANDLER.split_parts(source.text)
    if isinstance(split, Hit):
        doc.hits.append(("front-matter", split))
        return doc
    doc.split = split
    doc.hits.extend(("front-matter", hit) for hit in split.hits)
    doc.yaml = HANDLER.read(split.yaml_text, split.yaml_line)
    doc.hits.extend(doc.yaml.hits)
    value = doc.yaml.value
    if isinstance(value, dict):
        doc.data = value
    elif doc.yaml.readable:
        doc.hits.append(("front-matter", Hit(not_a_mapping(value), doc.opener_line)))
    doc.body = parse_body(split.body, split.body_line)
    return doc
