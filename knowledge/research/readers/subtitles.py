"""WebVTT and SRT transcripts: cues become speaker turns (``<v Name>`` or ``Name:``);
consecutive cues of one speaker are joined into one turn that keeps its start and end times."""

from __future__ import annotations

import re

from knowledge.platform.errors import BadFileError
from knowledge.research.readers.base import ParsedDocument, ReadOptions, Segment
from knowledge.research.readers.transcript import assign_roles

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*"
    r"(?P<end>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
_SPEAKER = re.compile(r"^\s*(?P<label>[^\s:：0-9][^:：\n]{0,40}?)\s*[:：]\s*(?P<rest>.+)$", re.S)


def read_subtitles(text: str, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    cues: list[tuple[str, str, str | None, str]] = []
    for block in blocks:
        lines = block.strip("\n").split("\n")
        timing_at = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing_at is None:
            continue  # WEBVTT header, NOTE, STYLE, REGION blocks
        m = _TIMING.match(lines[timing_at])
        assert m is not None
        body = "\n".join(lines[timing_at + 1 :]).strip()
        if not body:
            continue
        speaker: str | None = None
        voice = _VOICE.search(body)
        if voice:
            speaker = voice.group(1).strip()
        body = _TAG.sub("", body).strip()
        if speaker is None and (sm := _SPEAKER.match(body)):
            speaker, body = sm.group("label").strip(), sm.group("rest").strip()
        if body:
            cues.append((m.group("start"), m.group("end"), speaker, body))
    if not cues:
        raise BadFileError(path, "no subtitle cues (timing lines like 00:00:01.000 --> ...) found")
    turns: list[Segment] = []
    for start, end, speaker, body in cues:
        if turns and speaker is not None and turns[-1].location.get("speaker") == speaker:
            turns[-1].text += "\n" + body
            turns[-1].location["end"] = end
            continue
        turns.append(
            Segment(body, {"turn": len(turns) + 1, "speaker": speaker, "start": start, "end": end})
        )
    assign_roles(turns)
    return [ParsedDocument(turns)], 0
