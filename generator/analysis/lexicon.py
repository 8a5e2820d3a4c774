"""The hand-written lexicon of the offline analysis (``lexicon.yaml``): polarity prototype
phrases, contrast words that mark mixed feelings, and severity cues per language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Lexicon:
    prototypes: dict[str, list[str]]  # polarity -> phrases in several languages
    contrast: dict[str, list[str]]  # language -> contrast markers
    severe: dict[str, list[str]]  # language -> cues of severe problems
    moderate: dict[str, list[str]]  # language -> cues of real problems
    stopwords: frozenset[str]  # function words of every language, case-folded

    def contrast_in(self, text: str, lang: str) -> bool:
        return any(marker in f" {text} " for marker in self.contrast.get(lang, []))

    def cues(self, text: str, lang: str) -> tuple[int, int]:
        lowered = text.casefold()
        severe = sum(1 for cue in self.severe.get(lang, []) if cue.casefold() in lowered)
        moderate = sum(1 for cue in self.moderate.get(lang, []) if cue.casefold() in lowered)
        return severe, moderate


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = yaml.safe_load((files("generator.analysis") / "lexicon.yaml").read_text(encoding="utf-8"))
    cues = raw["severity_cues"]
    return Lexicon(
        prototypes={k: list(v) for k, v in raw["polarity_prototypes"].items()},
        contrast={k: list(v) for k, v in raw["contrast"].items()},
        severe={lang: [str(c) for c in levels.get(2, [])] for lang, levels in cues.items()},
        moderate={lang: [str(c) for c in levels.get(1, [])] for lang, levels in cues.items()},
        stopwords=frozenset(
            str(w).casefold() for words in raw.get("stopwords", {}).values() for w in words
        ),
    )
