"""Codebooks: the codes a research team codes its evidence with (deductive coding).

A code has an id, a name in every language the product serves (its name in the map's language
is the title of the pain point or delighter it becomes), a description, example phrases in any
languages, a valence (``negative`` codes become pain points, ``positive`` ones delighters,
``neutral`` ones questions and requests, ``any`` follows the evidence) and, optionally, the stage
it belongs to: ``stage`` for the framework the codebook is written for, or ``stages`` per
framework id for a codebook shared by several frameworks.

Built in: ``cx_general``, a general customer-experience codebook written for the project. A
framework YAML may carry a codebook (``codebook: {codes: [...]}``) or name one (``codebook:
cx_general`` or a path relative to the framework file); teams write their own as YAML files of
the shape of ``codebooks/cx_general.yaml``; a mistake is reported with its line number.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from knowledge.platform import bounded_yaml
from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import SUPPORTED_LANGUAGES

BUILTIN_CODEBOOKS = ("cx_general",)
DEFAULT_CODEBOOK = "cx_general"
NO_CODEBOOK = "none"
Valence = Literal["negative", "positive", "neutral", "any"]
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class CodebookError(UserInputError):
    """A codebook that cannot be used; the message names the file and line."""


def _texts_by_language(value: dict[str, str]) -> dict[str, str]:
    unknown = [k for k in value if k not in SUPPORTED_LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}; use {', '.join(SUPPORTED_LANGUAGES)}")
    if any(not isinstance(v, str) or not v.strip() for v in value.values()):
        raise ValueError("texts must not be empty")
    return value


class CodeDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Lower-case id: letters, digits, underscores.")
    names: dict[str, str] = Field(description="Code name per language code; the title it gives.")
    description: dict[str, str] = Field(default_factory=dict)
    examples: list[str] = Field(default_factory=list)
    valence: Valence = "any"
    stage: str | None = None
    stages: dict[str, str] = Field(
        default_factory=dict, description="Stage id per framework id, for shared codebooks."
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value) or value == NO_CODEBOOK:
            raise ValueError(
                "must be lower-case letters, digits and underscores, starting with a letter"
            )
        return value

    @field_validator("names", "description")
    @classmethod
    def _languages(cls, value: dict[str, str]) -> dict[str, str]:
        return _texts_by_language(value)

    @field_validator("examples")
    @classmethod
    def _examples(cls, value: list[str]) -> list[str]:
        if any(not isinstance(v, str) or not v.strip() for v in value):
            raise ValueError("examples must not be empty")
        return value

    @model_validator(mode="after")
    def _has_text(self) -> CodeDefinition:
        if not self.names:
            raise ValueError("a code needs a name in at least one language")
        if not self.description and not self.examples:
            raise ValueError("a code needs a description or examples to recognise its evidence")
        return self

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or next(iter(self.names.values()))

    def texts(self) -> list[str]:
        """Everything that describes the code: names, descriptions, examples."""
        return [*self.names.values(), *self.description.values(), *self.examples]

    def stage_in(self, framework_id: str, stage_ids: list[str]) -> str | None:
        """The code's stage in a framework, when the codebook gives one that exists there."""
        stage = self.stages.get(framework_id) or self.stage
        return stage if stage in stage_ids else None


class Codebook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: dict[str, str] = Field(default_factory=dict)
    version: int = 1
    codes: list[CodeDefinition] = Field(min_length=1)
    # code id -> "FILE, line N" of its stage (or of the code), for messages about it
    _where: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value) or value == NO_CODEBOOK:
            raise ValueError("must be lower-case letters, digits and underscores")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Codebook:
        seen: set[str] = set()
        for code in self.codes:
            if code.id in seen:
                raise ValueError(f"code id {code.id!r} is used twice")
            seen.add(code.id)
        return self

    @property
    def code_ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def code(self, code_id: str) -> CodeDefinition:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def check_stages(self, framework_id: str, stage_ids: list[str]) -> list[str]:
        """Problems with the stages the codes name for a framework (unknown stage ids)."""
        problems = []
        for code in self.codes:
            stage = code.stages.get(framework_id) or code.stage
            if stage is not None and stage not in stage_ids:
                where = self._where.get(code.id)
                problems.append(
                    (f"{where}: " if where else "")
                    + f"code {code.id!r} belongs to stage {stage!r}, which framework "
                    f"{framework_id!r} does not have ({', '.join(stage_ids)})"
                )
        return problems


def node_line(node: yaml.Node, loc: tuple[Any, ...]) -> int:
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


def compose_yaml(
    text: str, source: str, error: type[UserInputError]
) -> tuple[yaml.Node | None, Any]:
    """(node tree for line numbers, data), or ``error`` naming the line."""
    try:
        node = bounded_yaml.compose(text)
        data = bounded_yaml.load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise error(f"{source}, {line}: not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise error(f"{source}: not valid YAML: {exc}") from exc
    return node, data


def validation_problems(exc: ValidationError, node: yaml.Node, prefix: tuple[Any, ...]) -> str:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or "(top)"
        problems.append(f"line {node_line(node, prefix + loc)}: {where}: {err['msg']}")
    return "; ".join(problems)


def codebook_from_data(
    data: Any, node: yaml.Node, source: str, prefix: tuple[Any, ...] = ()
) -> Codebook:
    """A codebook from parsed YAML (``prefix``: where it sits in ``node``, for line numbers)."""
    if not isinstance(data, dict):
        raise CodebookError(f"{source}: a codebook is a YAML mapping with id, name and codes")
    codes = data.get("codes")
    seen: set[Any] = set()
    for n, code in enumerate(codes if isinstance(codes, list) else []):
        code_id = code.get("id") if isinstance(code, dict) else None
        if not isinstance(code_id, str | int | float):
            continue  # validation below says what is wrong with it
        if code_id in seen:
            line = node_line(node, (*prefix, "codes", n, "id"))
            raise CodebookError(f"{source}, line {line}: code id {code_id!r} is used twice")
        seen.add(code_id)
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as exc:
        raise CodebookError(f"{source}: {validation_problems(exc, node, prefix)}") from exc
    for n, code in enumerate(codebook.codes):
        field = "stage" if code.stage is not None else "id"
        codebook._where[code.id] = f"{source}, line {node_line(node, (*prefix, 'codes', n, field))}"
    return codebook


def parse_codebook(text: str, source: str) -> Codebook:
    node, data = compose_yaml(text, source, CodebookError)
    if node is None:
        raise CodebookError(f"{source}: a codebook is a YAML mapping with id, name and codes")
    return codebook_from_data(data, node, source)


def load_codebook(name_or_path: str, base: Path | None = None) -> Codebook:
    """A built-in codebook by name, or a codebook YAML file (relative to ``base`` if given)."""
    if name_or_path in BUILTIN_CODEBOOKS:
        text = (files("knowledge.journey") / "codebooks" / f"{name_or_path}.yaml").read_text(
            encoding="utf-8"
        )
        return parse_codebook(text, name_or_path)
    path = Path(name_or_path)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise CodebookError(
            f"no codebook {name_or_path!r}: use {', '.join(BUILTIN_CODEBOOKS)}, "
            f"{NO_CODEBOOK!r} or a YAML file path"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot be read as UTF-8 text: {exc}") from exc
    return parse_codebook(text, str(path))
