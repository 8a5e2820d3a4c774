"""Prompt templates are data: one YAML file per task in ``prompts/templates/``.

A file has an ``id`` (its file name), an integer ``version``, a ``description``, the
``variables`` it uses, a ``system`` and a ``user`` text with ``{name}`` placeholders, and
optionally ``guidance``: named texts the code picks one of (e.g. per map type). Files are
validated when loaded: every placeholder is declared and every declared variable is used.
Rendering fails with a named error for a missing or unknown variable. Templates hold no logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.platform.errors import CJMError

TEMPLATES = Path(__file__).resolve().parent / "templates"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_FIELDS = {"id", "version", "description", "variables", "system", "user", "guidance"}


class PromptError(CJMError):
    """A template file is invalid."""


class MissingVariable(PromptError):
    def __init__(self, template: str, names: list[str]) -> None:
        super().__init__(f"prompt {template}: no value for {', '.join(sorted(names))}")
        self.names = names


@dataclass(frozen=True)
class RenderedPrompt:
    system: str
    user: str
    version: str


@dataclass(frozen=True)
class PromptTemplate:
    id: str
    version: int
    description: str
    variables: tuple[str, ...]
    system: str
    user: str
    guidance: dict[str, str]

    @property
    def version_id(self) -> str:
        return f"{self.id}@{self.version}"

    def render(self, **values: object) -> RenderedPrompt:
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise MissingVariable(self.id, missing)
        unknown = [k for k in values if k not in self.variables]
        if unknown:
            raise PromptError(f"prompt {self.id}: unknown variable(s) {', '.join(sorted(unknown))}")

        def fill(text: str) -> str:
            # One pass, so values that contain {braces} are never filled in again.
            return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)

        return RenderedPrompt(fill(self.system), fill(self.user), self.version_id)


def parse_template(path: Path) -> PromptTemplate:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PromptError(f"{path.name}: expected a mapping of fields")
    unknown = set(data) - _FIELDS
    missing = (_FIELDS - {"guidance"}) - set(data)
    if unknown or missing:
        raise PromptError(
            f"{path.name}: "
            + "; ".join(
                x
                for x in (
                    f"unknown field(s) {', '.join(sorted(unknown))}" if unknown else "",
                    f"missing field(s) {', '.join(sorted(missing))}" if missing else "",
                )
                if x
            )
        )
    if data["id"] != path.stem:
        raise PromptError(f"{path.name}: id {data['id']!r} must match the file name")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise PromptError(f"{path.name}: version must be a positive integer")
    variables = data["variables"]
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise PromptError(f"{path.name}: variables must be a list of names")
    guidance = data.get("guidance") or {}
    if not isinstance(guidance, dict) or not all(isinstance(v, str) for v in guidance.values()):
        raise PromptError(f"{path.name}: guidance must map names to texts")
    for name in ("system", "user", "description"):
        if not isinstance(data[name], str) or not data[name].strip():
            raise PromptError(f"{path.name}: {name} must be a non-empty text")
    used = set(_PLACEHOLDER.findall(data["system"] + data["user"]))
    if used - set(variables):
        raise PromptError(
            f"{path.name}: placeholder(s) {', '.join(sorted(used - set(variables)))} "
            "not declared in variables"
        )
    if set(variables) - used:
        raise PromptError(
            f"{path.name}: variable(s) {', '.join(sorted(set(variables) - used))} never used"
        )
    return PromptTemplate(
        id=data["id"],
        version=data["version"],
        description=data["description"].strip(),
        variables=tuple(variables),
        system=data["system"],
        user=data["user"],
        guidance={str(k): v.strip() for k, v in guidance.items()},
    )


@lru_cache(maxsize=1)
def load_templates(directory: Path = TEMPLATES) -> dict[str, PromptTemplate]:
    """Every template, validated; raises ``PromptError`` naming the first bad file."""
    return {p.stem: parse_template(p) for p in sorted(directory.glob("*.yaml"))}


def get_template(name: str) -> PromptTemplate:
    templates = load_templates()
    if name not in templates:
        raise PromptError(f"no prompt template {name!r} in {TEMPLATES}")
    return templates[name]
