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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from knowledge.journey.codebook import (
    BUILTIN_CODEBOOKS,
    DEFAULT_CODEBOOK,
    NO_CODEBOOK,
    Codebook,
    codebook_from_data,
    compose_yaml,
    load_codebook,
    node_line,
    validation_problems,
)
from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import SUPPORTED_LANGUAGES

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
    # the codebook its evidence is coded with: inline, or the name of a built-in codebook or a
    # file (relative to the framework's file); resolved to a Codebook when the file is loaded
    codebook: Codebook | str | None = None
    _without_codes: bool = PrivateAttr(default=False)  # its file said ``codebook: none``

    @property
    def without_codes(self) -> bool:
        """Whether the framework asks for no codes (emergent themes only)."""
        return self._without_codes

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


def parse_framework(text: str, source: str, base: Path | None = None) -> StageFramework:
    """A framework from YAML text. A codebook it names is resolved: a built-in one by name, a
    file relative to ``base`` (None: files are not allowed, e.g. for text sent over HTTP)."""
    node, data = compose_yaml(text, source, FrameworkError)
    if node is None or not isinstance(data, dict):
        raise FrameworkError(f"{source}: a framework is a YAML mapping with id, name and stages")
    raw_codebook = data.get("codebook")
    if isinstance(raw_codebook, dict):
        data = {**data, "codebook": codebook_from_data(raw_codebook, node, source, ("codebook",))}
    try:
        framework = StageFramework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(f"{source}: {validation_problems(exc, node, ())}") from exc
    if isinstance(framework.codebook, str):
        name = framework.codebook
        line = node_line(node, ("codebook",))
        if name == NO_CODEBOOK:
            framework.codebook = None
            framework._without_codes = True
        elif name in BUILTIN_CODEBOOKS:
            framework.codebook = load_codebook(name)
        elif base is None:
            raise FrameworkError(
                f"{source}, line {line}: codebook {name!r}: name a built-in codebook "
                f"({', '.join(BUILTIN_CODEBOOKS)}) or give the codes inline; a framework sent "
                "as text cannot name a file"
            )
        elif not (base / name).is_file():
            raise FrameworkError(
                f"{source}, line {line}: codebook {name!r}: no such file next to the framework "
                f"({base / name})"
            )
        else:
            framework.codebook = load_codebook(name, base)
    if isinstance(framework.codebook, Codebook):
        problems = framework.codebook.check_stages(framework.id, framework.stage_ids)
        if problems:
            raise FrameworkError(f"{source}: " + "; ".join(problems))
    return framework


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
    return parse_framework(text, str(path), base=path.parent)


def codebook_for(framework: StageFramework, choice: str | None = None) -> Codebook | None:
    """The codebook an analysis codes with: ``choice`` (a built-in name, a file, or "none"),
    else the framework's own, else the general built-in one."""
    if choice == NO_CODEBOOK or (not choice and framework.without_codes):
        return None
    if choice:
        return load_codebook(choice)
    if isinstance(framework.codebook, Codebook):
        return framework.codebook
    return load_codebook(DEFAULT_CODEBOOK)
