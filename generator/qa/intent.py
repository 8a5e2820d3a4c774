"""What kind of question it is, read offline from words in any of the five languages: the top
pain points (for a customer language, at a stage), a count, recommendations (by owner team and
status), the maps' review status, or a comparison of maps. Anything else is a free question
answered from retrieved elements. The numbers for the structured kinds come from the maps."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.qa.elements import ScopedMap
from knowledge.journey.frameworks import BUILTIN, load_framework
from knowledge.text.segment import tokenize

CUSTOMER_LANGS = {
    "th": ("thai", "тайск", "таиланд", "ไทย", "泰", "تایلند", "تای"),
    "fa": (
        "persian",
        "iranian",
        "farsi",
        "персид",
        "иран",
        "เปอร์เซีย",
        "อิหร่าน",
        "波斯",
        "伊朗",
        "فارسی",
        "ایران",
    ),
    "ru": ("russian", "русск", "россий", "รัสเซีย", "俄", "روس"),
    "zh": ("chinese", "китай", "จีน", "中国", "华人", "中文", "چین"),
    "en": ("english", "англ", "อังกฤษ", "英国", "英语", "انگلیس"),
}
TOP = (
    "most",
    "top",
    "worst",
    "biggest",
    "main ",
    "highest",
    "больше всего",
    "главн",
    "самы",
    "основн",
    "بیشترین",
    "مهم‌ترین",
    "مهمترین",
    "بدترین",
    "بزرگ‌ترین",
    "มากที่สุด",
    "ที่สุด",
    "หลัก",
    "最",
    "主要",
)
COUNT = (
    "how many",
    "number of",
    "сколько",
    "число",
    "количеств",
    "چند",
    "چه تعداد",
    "تعداد",
    "กี่",
    "จำนวน",
    "多少",
    "几个",
    "几",
)
RECS = (
    "recommend",
    "action",
    "рекоменд",
    "предлож",
    "мер",
    "توصیه",
    "پیشنهاد",
    "اقدام",
    "ข้อเสนอแนะ",
    "คำแนะนำ",
    "建议",
    "措施",
)
NOT_STARTED = (
    "not started",
    "not yet started",
    "haven't started",
    "has not started",
    "не начат",
    "не начал",
    "не приступ",
    "شروع نشده",
    "شروع نکرده",
    "ยังไม่เริ่ม",
    "ยังไม่ได้เริ่ม",
    "未开始",
    "没开始",
    "还没开始",
    "尚未开始",
)
IN_PROGRESS = ("in progress", "started", "в работе", "начат", "در حال انجام", "กำลังทำ", "进行中")
DONE = (
    "done",
    "finished",
    "completed",
    "выполнен",
    "сделан",
    "انجام شده",
    "تمام",
    "เสร็จ",
    "已完成",
    "完成",
)
RESOLVED = (
    "resolved",
    "solved",
    "fixed",
    "решен",
    "решён",
    "устранен",
    "устранён",
    "حل شد",
    "برطرف",
    "แก้ไขแล้ว",
    "แก้แล้ว",
    "解决",
    "已处理",
)
TEAM = ("team", "department", "команд", "отдел", "تیم", "واحد", "ทีม", "ฝ่าย", "团队", "部门", "组")
STATUS = (
    "status",
    "approved",
    "review",
    "статус",
    "утвержд",
    "وضعیت",
    "تایید",
    "تأیید",
    "สถานะ",
    "อนุมัติ",
    "状态",
    "批准",
    "审核",
)
COMPARE = (
    "differ",
    "compare",
    "comparison",
    "versus",
    " vs",
    "отлича",
    "сравн",
    "разниц",
    "تفاوت",
    "مقایسه",
    "فرق",
    "แตกต่าง",
    "ต่างกัน",
    "เปรียบเทียบ",
    "区别",
    "不同",
    "比较",
    "差异",
)
KINDS = {
    "pain_point": (
        "pain",
        "problem",
        "issue",
        "complain",
        "проблем",
        "болев",
        "жалоб",
        "مشکل",
        "درد",
        "شکایت",
        "ปัญหา",
        "ข้อร้องเรียน",
        "痛点",
        "问题",
        "投诉",
    ),
    "recommendation": RECS,
    "persona": ("persona", "персон", "پرسونا", "پرسونای", "เพอร์โซนา", "ผู้ใช้", "用户画像", "画像"),
    "stage": ("stage", "этап", "стади", "مرحله", "ขั้นตอน", "阶段"),
    "delighter": (
        "delight",
        "like",
        "love",
        "praise",
        "нрав",
        "хвал",
        "دوست",
        "تعریف",
        "ชอบ",
        "ชม",
        "喜欢",
        "好评",
        "亮点",
    ),
}


@dataclass
class Intent:
    kind: str  # top_pain_points, count, resolved, recommendations, status, compare, free
    stage: str | None = None
    customer_lang: str | None = None
    owner: str | None = None
    owner_asked: bool = False
    status: str | None = None
    count_of: str | None = None
    map_langs: list[str] = field(default_factory=list)


def _has(q: str, words: tuple[str, ...]) -> bool:
    return any(w in q for w in words)


def _similar(token: str, words: set[str]) -> bool:
    if token in words:
        return True
    if len(token) < 5 or not token.isalpha() or _is_cjk_or_thai(token):
        return False
    stem = token[: max(4, len(token) - 2)]  # доставка ~ доставки, delivery ~ deliveries
    return any(w.startswith(stem) for w in words)


def _is_cjk_or_thai(token: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" or "\u4e00" <= ch <= "\u9fff" for ch in token)


def _stage(q: str, maps: list[ScopedMap]) -> str | None:
    """The stage the question names, by any of its names in any language (word by word)."""
    names: dict[str, set[str]] = {}
    for m in maps:
        for s in m.journey.stages:
            names.setdefault(s.id, set()).update({s.id.replace("_", " "), s.name.text})
        if m.journey.framework.id in BUILTIN:
            for d in load_framework(m.journey.framework.id).stages:
                names.setdefault(d.id, set()).update(d.names.values())
    words = set(tokenize(q))
    best: tuple[int, str] | None = None
    for sid, ns in names.items():
        score = 0
        for name in ns:
            tokens = [t for t in tokenize(name) if len(t) >= (2 if _is_cjk_or_thai(t) else 3)]
            matched = sum(len(t) for t in tokens if _similar(t, words))
            score = max(score, matched)
        if score and (best is None or score > best[0]):
            best = (score, sid)
    return best[1] if best else None


def _langs(q: str) -> list[str]:
    found = [
        (min(q.find(w) for w in ws if w in q), lang)
        for lang, ws in CUSTOMER_LANGS.items()
        if _has(q, ws)
    ]
    return [lang for _, lang in sorted(found)]


def _owner(q: str, maps: list[ScopedMap]) -> str | None:
    teams = {r.owner_team.text for m in maps for r in m.journey.recommendations if r.owner_team}
    for team in sorted(teams, key=len, reverse=True):
        words = [w for w in team.casefold().replace("team", " ").split() if len(w) > 2]
        if team.casefold() in q or (words and all(w in q for w in words)):
            return team
    return None


def read_intent(
    question: str, maps: list[ScopedMap], vocabulary: list[ScopedMap] | None = None
) -> Intent:
    """``maps``: one version of each map in scope; ``vocabulary``: every version in scope
    (translations too), whose stage and team names the question may use."""
    q = f" {question.casefold()} "
    words = vocabulary or maps
    langs = _langs(q)
    stage = _stage(q, words)
    if _has(q, COMPARE) and len(maps) >= 2:
        return Intent("compare", stage=stage, map_langs=langs)
    if _has(q, RECS):
        status = (
            "not_started"
            if _has(q, NOT_STARTED)
            else "done"
            if _has(q, DONE)
            else "in_progress"
            if _has(q, IN_PROGRESS)
            else None
        )
        owner = _owner(q, maps)
        asked = _has(q, TEAM)
        if status or owner or asked:
            return Intent(
                "recommendations", stage=stage, owner=owner, status=status, owner_asked=asked
            )
    if _has(q, RESOLVED) and _has(q, KINDS["pain_point"]):
        return Intent("resolved", stage=stage)
    if _has(q, COUNT):
        kind = next((k for k, ws in KINDS.items() if _has(q, ws)), "pain_point")
        return Intent(
            "count", stage=stage, count_of=kind, customer_lang=langs[0] if langs else None
        )
    if _has(q, STATUS) and not _has(q, KINDS["pain_point"]):
        return Intent("status")
    if _has(q, TOP) or (_has(q, KINDS["pain_point"]) and (stage or langs)):
        return Intent("top_pain_points", stage=stage, customer_lang=langs[0] if langs else None)
    return Intent("free", stage=stage, customer_lang=langs[0] if langs else None)
