"""Stage frameworks: the journey's stages, their names in every language the product serves,
descriptions and example phrases (used by the offline stage classifier).

Built in: ``aida``, ``six_stage`` (awareness, consideration, acquisition, purchase, service,
loyalty), ``purchase`` (pre-purchase, purchase, post-purchase) and ``food_delivery`` (browse and
order, payment, delivery wait, courier, food quality, packaging, support, loyalty). Teams write
their own as YAML files of the same shape; a mistake in one is reported with its line number.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.errors import UserInputError
from knowledge.languages import SUPPORTED_LANGUAGES

BUILTIN = ("aida", "six_stage", "purchase", "food_delivery")
NONE_STAGE = "none"
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class FrameworkError(UserInputError):
    """A framework file that cannot be used; the message names the file and line."""


class StageDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Lower-case id: letters, digits, underscores.")
    names: dict[str, str] = Field(description="Stage name per language code.")
    descriptions: dict[str, str] = Field(default_factory=dict)
    examples: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value) or value == NONE_STAGE:
            raise ValueError(
                "must be lower-case letters, digits and underscores, starting with a letter, "
                "and not 'none'"
            )
        return value

    @field_validator("names", "descriptions")
    @classmethod
    def _languages(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [k for k in value if k not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(
                f"unknown language {unknown[0]!r}; use {', '.join(SUPPORTED_LANGUAGES)}"
            )
        if any(not isinstance(v, str) or not v.strip() for v in value.values()):
            raise ValueError("texts must not be empty")
        return value

    @model_validator(mode="after")
    def _has_text(self) -> StageDefinition:
        if "en" not in self.names and not self.names:
            raise ValueError("a stage needs a name in at least one language")
        if not self.descriptions and not self.examples:
            raise ValueError("a stage needs a description or examples to place evidence in it")
        return self

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or next(iter(self.names.values()))

    def description(self, lang: str) -> str:
        """The description in ``lang``, else English, else any; empty when there is none."""
        d = self.descriptions
        return d.get(lang) or d.get("en") or next(iter(d.values()), "")

    def texts(self) -> list[str]:
        """Everything that describes the stage: names, descriptions, examples."""
        return [*self.descriptions.values(), *self.examples]


class StageFramework(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: dict[str, str]
    version: int = 1
    stages: list[StageDefinition] = Field(min_length=2)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be lower-case letters, digits and underscores")
        return value

    @model_validator(mode="after")
    def _unique(self) -> StageFramework:
        seen: set[str] = set()
        for stage in self.stages:
            if stage.id in seen:
                raise ValueError(f"stage id {stage.id!r} is used twice")
            seen.add(stage.id)
        return self

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def stage(self, stage_id: str) -> StageDefinition:
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)

    def title(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("en") or self.id


def _node_line(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """Line (1-based) of the YAML node a validation error points at, as deep as it exists."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
    return node.start_mark.line + 1


def parse_framework(text: str, source: str) -> StageFramework:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise FrameworkError(f"{source}, {line}: not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise FrameworkError(f"{source}: not valid YAML: {exc}") from exc
    if node is None or not isinstance(data, dict):
        raise FrameworkError(f"{source}: a framework is a YAML mapping with id, name and stages")
    try:
        return StageFramework.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(top)"
            problems.append(f"line {_node_line(node, loc)}: {where}: {err['msg']}")
        raise FrameworkError(f"{source}: " + "; ".join(problems)) from exc


def load_framework(name_or_path: str) -> StageFramework:
    """A built-in framework by name, or a framework YAML file by path."""
    if name_or_path in BUILTIN:
        text = (files("knowledge.journey") / "frameworks" / f"{name_or_path}.yaml").read_text(
            encoding="utf-8"
        )
        return parse_framework(text, name_or_path)
    path = Path(name_or_path)
    if not path.exists():
        raise FrameworkError(
            f"no framework {name_or_path!r}: use one of {', '.join(BUILTIN)} or a YAML file path"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path}: cannot be read as UTF-8 text: {exc}") from exc
    return parse_framework(text, str(path))
