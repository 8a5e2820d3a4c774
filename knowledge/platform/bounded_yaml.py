"""YAML a user sends (glossaries, frameworks, codebooks), read with bounds: a document nested
deeper than ``MAX_DEPTH`` or one whose aliases expand to more than ``MAX_NODES`` values or
``MAX_CHARS`` characters of text (the "billion laughs") is refused before anything is built
from it. The check walks the parser's
event stream, which needs no recursion, so it also stops the nesting that would exhaust
Python's stack in the composer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_DEPTH = 50
MAX_NODES = 100_000
MAX_CHARS = 5_000_000
SafeLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"


class YamlBoundsError(yaml.MarkedYAMLError):
    """A document over the depth or size bound; ``problem_mark`` says where (line)."""


def _refuse(problem: str, mark: Any) -> YamlBoundsError:
    return YamlBoundsError(problem=problem, problem_mark=mark)  # libyaml's Mark is alike


@dataclass
class _Open:
    anchor: str | None
    size: int = 1
    height: int = 1
    chars: int = 0


@dataclass
class _Expansion:
    """Sizes and heights as if every alias were a copy of its anchor's node."""

    anchors: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # size, height, chars
    open: list[_Open] = field(default_factory=list)

    def add(self, size: int, height: int, chars: int, event: yaml.Event) -> None:
        if len(self.open) + height > MAX_DEPTH:
            raise _refuse(TOO_DEEP, event.start_mark)
        if self.open:
            top = self.open[-1]
            top.size += size
            top.height = max(top.height, height + 1)
            top.chars += chars
            if top.chars > MAX_CHARS:
                raise _refuse(
                    f"expands to more than {MAX_CHARS:,} characters (aliases counted)",
                    event.start_mark,
                )
            if top.size > MAX_NODES:
                raise _refuse(
                    f"expands to more than {MAX_NODES:,} values (aliases counted)",
                    event.start_mark,
                )

    def see(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionStartEvent):
            if len(self.open) >= MAX_DEPTH:
                raise _refuse(TOO_DEEP, event.start_mark)
            self.open.append(_Open(event.anchor))
        elif isinstance(event, yaml.CollectionEndEvent):
            done = self.open.pop()
            if done.anchor is not None:
                self.anchors[done.anchor] = (done.size, done.height, done.chars)
            self.add(done.size, done.height, done.chars, event)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                self.anchors[event.anchor] = (1, 0, len(event.value))
            self.add(1, 0, len(event.value), event)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                cycle = any(o.anchor == event.anchor for o in self.open)
                raise _refuse(
                    f"alias *{event.anchor} "
                    + ("refers to a node that contains it (a cycle)" if cycle else "has no anchor"),
                    event.start_mark,
                )
            self.add(*self.anchors[event.anchor], event)


def check_bounds(text: str) -> None:
    """Raise ``YamlBoundsError`` if ``text`` nests deeper than ``MAX_DEPTH`` or expands (aliases
    counted as copies) to more than ``MAX_NODES`` values or ``MAX_CHARS`` characters;
    ``yaml.YAMLError`` if it is not YAML."""
    expansion = _Expansion()
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            expansion.see(event)
    except YamlBoundsError:
        raise
    except yaml.MarkedYAMLError as exc:  # libyaml's own depth limit, met while scanning ahead
        if "nesting depth" not in str(exc.problem):
            raise
        raise _refuse(TOO_DEEP, exc.problem_mark) from exc


def compose(text: str) -> yaml.Node | None:
    """The node tree of one document, within the bounds."""
    check_bounds(text)
    node: yaml.Node | None = yaml.compose(text, Loader=SafeLoader)
    return node


def load(text: str) -> Any:
    """The data of one document (safe types only), within the bounds."""
    check_bounds(text)
    try:
        return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
        raise yaml.YAMLError(f"a value that cannot be read: {exc}") from exc
