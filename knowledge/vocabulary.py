"""The map's vocabulary, said once: the kinds of research evidence comes from, the languages
a map is written in and their names, the lanes of a stage in page order, and the map types.
Models, readers, prompts, pages, the CLI and the HTTP API take them from here."""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

# what kind of research a piece of evidence comes from
EvidenceKind = Literal["feedback", "review", "survey", "support", "interview", "competitor"]
EVIDENCE_KINDS: tuple[str, ...] = get_args(EvidenceKind)

# the languages the product serves: a map is written in one, detection tells them apart
MapLanguage = Literal["fa", "ru", "th", "zh", "en"]
SUPPORTED_LANGUAGES: tuple[str, ...] = get_args(MapLanguage)
OTHER = "other"  # customers write in any language: the ones outside the five
LanguageCode = Literal[MapLanguage, "other"]
LANGUAGE_CODES: tuple[str, ...] = get_args(LanguageCode)
# the five as help texts list them: "fa, ru, th, zh, en" and "fa, ru, th, zh or en"
LISTED = ", ".join(SUPPORTED_LANGUAGES)
ONE_OF = f"{', '.join(SUPPORTED_LANGUAGES[:-1])} or {SUPPORTED_LANGUAGES[-1]}"


class LanguageName(NamedTuple):
    english: str  # its English name: Chinese
    written: str  # the written form a map uses, in English: Simplified Chinese
    native: str  # that form's own name: 简体中文

    @property
    def in_prompts(self) -> str:
        """How a prompt names it: the written form with its own name, ``Persian (فارسی)``."""
        return self.written if self.native == self.written else f"{self.written} ({self.native})"


NAMES: dict[str, LanguageName] = {
    "en": LanguageName("English", "English", "English"),
    "fa": LanguageName("Persian", "Persian", "فارسی"),
    "ru": LanguageName("Russian", "Russian", "русский"),
    "th": LanguageName("Thai", "Thai", "ไทย"),
    "zh": LanguageName("Chinese", "Simplified Chinese", "简体中文"),
}
ENGLISH_NAMES: dict[str, str] = {code: NAMES[code].english for code in SUPPORTED_LANGUAGES}
PROMPT_NAMES: dict[str, str] = {code: name.in_prompts for code, name in NAMES.items()}

# the lists of texts of a stage, in page order (touchpoints, emotion, pain points and
# delighters are shown between EARLY_LANES and the rest)
StageLane = Literal[
    "actions",
    "thoughts",
    "moments_of_truth",
    "opportunities",
    "frontstage",
    "backstage",
    "support_processes",
    "outside_brand",
]
STAGE_LANES: tuple[str, ...] = get_args(StageLane)
EARLY_LANES: tuple[str, ...] = STAGE_LANES[:2]
LATE_LANES: tuple[str, ...] = STAGE_LANES[2:]
SHARED_LANES: tuple[str, ...] = STAGE_LANES[:4]  # every map type has them
# the lists of texts of a persona
PERSONA_LANES = ("goals", "frustrations")

MapType = Literal["current_state", "future_state", "day_in_the_life", "service_blueprint"]
MAP_TYPES: tuple[str, ...] = get_args(MapType)
