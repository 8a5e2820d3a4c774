"""The review panel and its script, added to the map page when a person reviews it in the
browser: status, version, diff to the previous version, comments on elements, field edits and
the review actions. The script talks to the same HTTP API (cookie sign-in plus the
X-CJM-Review header), so roles are enforced by the API, not by the page."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from api.web.inline_json import script_json
from api.web.review_controls import CONTROL_LABELS, actions_html, exports_html
from api.web.wording import MapWords
from generator.evaluation.map_health import MapHealth
from knowledge.journey.review.diff import Change
from knowledge.journey.review.repository import Comment, MapInfo
from knowledge.journey.review.transitions import offered
from knowledge.platform.keys import Principal

REVIEW_JS = (Path(__file__).resolve().parent / "templates" / "review.js").read_text(
    encoding="utf-8"
)
PANEL_LABELS = {
    "en": {"diff": "Changes since version {n}", "nodiff": "First version.",
           "comments": "Comments", "comment": "Comment", "edit": "Save edit",
           "submit": "Submit for review", "approve": "Approve",
           "request_changes": "Request changes", "element": "Selected element",
           "pick": "Click an element of the map to comment on it or edit it.",
           "signed_in": "Signed in as", "resolved": "resolved"},
    "fa": {"diff": "تغییرات نسبت به نسخهٔ {n}", "nodiff": "نسخهٔ نخست.", "comments": "نظرها",
           "comment": "ثبت نظر", "edit": "ذخیرهٔ ویرایش", "submit": "ارسال برای بازبینی",
           "approve": "تأیید", "request_changes": "درخواست تغییر", "element": "بخش انتخاب‌شده",
           "pick": "برای نظر دادن یا ویرایش، روی یک بخش از نقشه کلیک کنید.",
           "signed_in": "واردشده با نقش", "resolved": "حل‌شده"},
    "ru": {"diff": "Изменения с версии {n}", "nodiff": "Первая версия.",
           "comments": "Комментарии", "comment": "Комментировать", "edit": "Сохранить правку",
           "submit": "Отправить на проверку", "approve": "Утвердить",
           "request_changes": "Запросить изменения", "element": "Выбранный элемент",
           "pick": "Нажмите на элемент карты, чтобы прокомментировать или изменить его.",
           "signed_in": "Вход с ролью", "resolved": "решено"},
    "th": {"diff": "การเปลี่ยนแปลงจากเวอร์ชัน {n}", "nodiff": "เวอร์ชันแรก",
           "comments": "ความคิดเห็น", "comment": "แสดงความคิดเห็น", "edit": "บันทึกการแก้ไข",
           "submit": "ส่งตรวจ", "approve": "อนุมัติ", "request_changes": "ขอให้แก้ไข",
           "element": "ส่วนที่เลือก", "pick": "คลิกส่วนใดของแผนที่เพื่อแสดงความคิดเห็นหรือแก้ไข",
           "signed_in": "เข้าสู่ระบบในบทบาท", "resolved": "แก้แล้ว"},
    "zh": {"diff": "相对第 {n} 版的修改", "nodiff": "第一版。", "comments": "评论",
           "comment": "发表评论", "edit": "保存修改", "submit": "提交审核", "approve": "批准",
           "request_changes": "要求修改", "element": "已选元素",
           "pick": "点击地图中的元素即可评论或编辑。", "signed_in": "当前角色",
           "resolved": "已解决"},
}  # fmt: skip


HEALTH_LABELS = {
    "en": {"health": "Map health: what to check before approving",
           "quotes_verbatim": "Quotes found verbatim in the evidence",
           "evidence_ids_resolved": "Evidence ids that exist in the workspace",
           "references_resolved": "Pain points and stages named that exist",
           "texts_in_language": "Texts in the map's language",
           "non_substantive_quotes": "Quotes that are not customer experience",
           "flagged_quotes": "Quotes from evidence that addresses an AI",
           "thin_stages": "Stage warnings (one source or one language)",
           "pain_quotes_not_complaints": "Pain-point quotes that are not complaints",
           "delight_quotes_complaints": "Delighter quotes that are complaints",
           "all_good": "Nothing to check.", "more": "and {n} more"},
    "fa": {"health": "سلامت نقشه: آنچه پیش از تأیید باید بررسی شود",
           "quotes_verbatim": "نقل‌قول‌هایی که عیناً در شواهد هستند",
           "evidence_ids_resolved": "شناسه‌های شواهد موجود در فضای کار",
           "references_resolved": "نقاط درد و مراحل ارجاع‌شده که وجود دارند",
           "texts_in_language": "متن‌هایی که به زبان نقشه‌اند",
           "non_substantive_quotes": "نقل‌قول‌هایی که تجربهٔ مشتری نیستند",
           "flagged_quotes": "نقل‌قول از شواهدی که هوش مصنوعی را خطاب می‌کنند",
           "thin_stages": "هشدارهای مرحله (یک منبع یا یک زبان)",
           "pain_quotes_not_complaints": "نقل‌قول‌های نقاط درد که شکایت نیستند",
           "delight_quotes_complaints": "نقل‌قول‌های نقاط رضایت که شکایت‌اند",
           "all_good": "موردی برای بررسی نیست.", "more": "و {n} مورد دیگر"},
    "ru": {"health": "Качество карты: что проверить перед утверждением",
           "quotes_verbatim": "Цитаты, дословно найденные в данных",
           "evidence_ids_resolved": "Идентификаторы данных, найденные в пространстве",
           "references_resolved": "Существующие болевые точки и этапы в ссылках",
           "texts_in_language": "Тексты на языке карты",
           "non_substantive_quotes": "Цитаты, не описывающие опыт клиента",
           "flagged_quotes": "Цитаты из текстов, обращённых к ИИ",
           "thin_stages": "Предупреждения по этапам (один источник или язык)",
           "pain_quotes_not_complaints": "Цитаты болевых точек, не являющиеся жалобами",
           "delight_quotes_complaints": "Цитаты сильных сторон, являющиеся жалобами",
           "all_good": "Проверять нечего.", "more": "и ещё {n}"},
    "th": {"health": "สุขภาพของแผนที่: สิ่งที่ควรตรวจก่อนอนุมัติ",
           "quotes_verbatim": "ข้อความอ้างอิงที่ตรงกับหลักฐานทุกตัวอักษร",
           "evidence_ids_resolved": "รหัสหลักฐานที่มีอยู่ในพื้นที่ทำงาน",
           "references_resolved": "ปัญหาและขั้นตอนที่อ้างถึงซึ่งมีอยู่จริง",
           "texts_in_language": "ข้อความที่เป็นภาษาของแผนที่",
           "non_substantive_quotes": "ข้อความอ้างอิงที่ไม่ใช่ประสบการณ์ลูกค้า",
           "flagged_quotes": "ข้อความอ้างอิงจากหลักฐานที่สั่งการ AI",
           "thin_stages": "คำเตือนของขั้นตอน (แหล่งเดียวหรือภาษาเดียว)",
           "pain_quotes_not_complaints": "ข้อความของปัญหาที่ไม่ใช่คำร้องเรียน",
           "delight_quotes_complaints": "ข้อความของจุดที่ลูกค้าชอบที่เป็นคำร้องเรียน",
           "all_good": "ไม่มีอะไรต้องตรวจ", "more": "และอีก {n} รายการ"},
    "zh": {"health": "地图健康度：批准前需要核对的内容",
           "quotes_verbatim": "在证据中逐字找到的引文",
           "evidence_ids_resolved": "工作区中存在的证据编号",
           "references_resolved": "引用的痛点和阶段确实存在",
           "texts_in_language": "使用地图语言的文字",
           "non_substantive_quotes": "不属于客户体验的引文",
           "flagged_quotes": "来自对AI下指令的证据的引文",
           "thin_stages": "阶段警告（单一来源或单一语言）",
           "pain_quotes_not_complaints": "不是投诉的痛点引文",
           "delight_quotes_complaints": "属于投诉的亮点引文",
           "all_good": "没有需要核对的内容。", "more": "另有 {n} 条"},
}  # fmt: skip
SHOWN_FINDINGS = 8


def health_panel(lang: str, health: MapHealth) -> str:
    """The map's health (``generator.evaluation.map_health``) as a section of the panel."""
    t = HEALTH_LABELS.get(lang, HEALTH_LABELS["en"])
    counts = {
        "quotes_verbatim": (health.quotes_verbatim, health.quotes),
        "evidence_ids_resolved": (health.evidence_ids_resolved, health.evidence_ids),
        "references_resolved": (health.references_resolved, health.references),
        "texts_in_language": (health.texts_in_language, health.texts),
        "non_substantive_quotes": (len(health.not_substantive), None),
        "flagged_quotes": (len(health.flagged), None),
        "thin_stages": (len(health.thin_stages), None),
        "pain_quotes_not_complaints": (len(health.pain_not_complaint), health.pain_quotes),
        "delight_quotes_complaints": (len(health.delight_complaint), health.delight_quotes),
    }
    findings = {
        "quotes_verbatim": health.not_verbatim,
        "evidence_ids_resolved": health.unresolved,
        "texts_in_language": health.other_language,
        "non_substantive_quotes": health.not_substantive,
        "flagged_quotes": health.flagged,
        "thin_stages": health.thin_stages,
        "pain_quotes_not_complaints": health.pain_not_complaint,
        "delight_quotes_complaints": health.delight_complaint,
    }
    rows = [f'<section id="health"><h3>{t["health"]}</h3><table class="health">']
    for key, (part, whole) in counts.items():
        value = f"{part}/{whole}" if whole is not None else str(part)
        bad = bool(findings.get(key)) or (key == "references_resolved" and part != whole)
        rows.append(
            f'<tr data-check="{key}" class="{"warn" if bad else "ok"}"><th scope="row">'
            f"{t[key]}</th><td>{'⚠ ' if bad else '✓ '}{value}</td></tr>"
        )
    rows.append("</table>")
    listed = [(k, f) for k, f in findings.items() if f]
    if not listed:
        rows.append(f'<p class="health-ok">{t["all_good"]}</p>')
    for key, found in listed:
        rows.append(f"<details><summary>{t[key]} ({len(found)})</summary><ul>")
        for f in found[:SHOWN_FINDINGS]:
            ref = f" · {escape(f.evidence_id)}" if f.evidence_id else ""
            rows.append(f"<li><code>{escape(f.path)}</code>: {escape(f.detail)}{ref}</li>")
        if len(found) > SHOWN_FINDINGS:
            rows.append(f"<li>{t['more'].format(n=len(found) - SHOWN_FINDINGS)}</li>")
        rows.append("</ul></details>")
    rows.append("</section>")
    return "".join(rows)


def panel(
    lang: str,
    info: MapInfo,
    version: int,
    who: Principal,
    changes: list[Change],
    comments: list[Comment],
    health: MapHealth | None = None,
    *,
    names: dict[str, str] | None = None,
    printing: bool = True,
) -> str:
    """The panel for ``who``: the actions their role and the map's status allow, the edit and
    comment boxes for editors and reviewers, comments under the name of their element
    (``names``: path -> name), export links (PDF and PNG only when ``printing``)."""
    t = PANEL_LABELS[lang]
    c = CONTROL_LABELS[lang]
    names = names or {}
    words = MapWords(lang)
    rows = [
        '<aside id="review" class="no-print" style="'
        'border-top:2px solid #d9dee3;padding:12px 0;margin-top:24px">',
        f'<div><strong>{t["signed_in"]}</strong> <span id="role" data-role="{who.role}">'
        f"{escape(c['roles'][who.role])}</span> · "
        f'<span id="status" data-value="{escape(info.status)}">'
        f"{escape(words.status(info.status))}</span> · v{version} · "
        f'<a href="/review/logout">{escape(c["sign_out"])}</a></div>',
        actions_html(lang, t, offered(info.status, who), info.status),
        '<p id="message" role="status" style="color:#b42318"></p>',
        exports_html(lang, info.workspace, info.id, version, printing),
    ]
    heading = t["diff"].format(n=version - 1) if version > 1 else t["nodiff"]
    rows.append(f'<details open><summary>{heading}</summary><ul id="diff">')
    for change in changes:
        rows.append(
            f"<li>{escape(words.place(change))}: <del>{escape(str(change.old))}</del> → "
            f"<ins>{escape(str(change.new))}</ins></li>"
        )
    rows.append("</ul></details>")
    if health is not None:
        rows.append(health_panel(lang, health))
    if who.may("editor"):
        rows.append(
            f'<div id="selected" tabindex="-1"><strong>{t["element"]}:</strong> '
            f'<bdi id="anchor"></bdi> <em id="pick">{t["pick"]}</em></div>'
            f'<label for="edit-text" class="field">{escape(c["edit_label"])}</label>'
            '<textarea id="edit-text" rows="2" style="width:100%"></textarea>'
            f'<button type="button" id="btn-edit">{t["edit"]}</button>'
            f'<label for="comment-text" class="field">{escape(c["comment_label"])}</label>'
            '<textarea id="comment-text" rows="2" style="width:100%"></textarea>'
            f'<button type="button" id="btn-comment">{t["comment"]}</button>'
        )
    else:
        rows.append(f'<p id="read-only">{escape(c["read_only"])}</p>')
    rows.append(f'<h3>{t["comments"]}</h3><ul id="comments">')
    for comment in comments:
        resolved = f" ({t['resolved']})" if comment.resolved else ""
        rows.append(
            f'<li data-anchor="{escape(comment.anchor)}"><bdi class="element">'
            f"{escape(names.get(comment.anchor, comment.anchor))}</bdi> · "
            f"<strong>{escape(comment.author)}</strong>: "
            f'<span class="body">{escape(comment.body)}</span>{resolved}</li>'
        )
    rows.append("</ul></aside>")
    return "".join(rows)


REVIEW_CSS = """<style>
main.review [tabindex="0"][data-path] { cursor: pointer; }
main.review :focus-visible, #review :focus-visible {
  outline: 3px solid #175cd3; outline-offset: 2px; border-radius: 2px; }
main.review .selected { outline: 2px solid #84caff; background: #eff8ff; }
#review label.field { display: block; margin-top: 8px; font-weight: 600; }
#review ul.exports { display: inline; padding: 0; } #review ul.exports li { display: inline;
  margin-inline-end: 10px; } #review .unavailable { color: var(--muted); }
#review .note { color: var(--muted); font-size: .85rem; margin: 4px 0; }
</style>"""
LABEL_CSS = """<style>
.label-tools { margin: 2px 0 6px; font-size: .8rem; color: var(--ink); }
.label-tools .label-toggle { font-size: .75rem; padding: 1px 6px; }
.label-tools .label-menu { display: grid; gap: 4px; margin-top: 4px; padding: 6px;
  border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.label-tools .label-menu[hidden] { display: none; }
.label-tools label { display: block; } .label-tools select { width: 100%; max-width: 100%; }
.label-badge { display: inline-block; margin: 2px 0; padding: 0 6px; border-radius: 8px;
  background: #eff8ff; border: 1px solid #b2ddff; font-size: .75rem; color: var(--ink); }
.label-status:empty { display: none; } .label-status { display: block; color: #175cd3; }
.label-status.error { color: var(--pain); }
</style>"""


def script(
    workspace: str,
    map_id: str,
    head: int,
    anchors: dict[str, Any],
    labels: dict[str, Any] | None = None,
    *,
    names: dict[str, str] | None = None,
    may_edit: bool = False,
    lang: str = "en",
) -> str:
    """The page's script and its config; ``labels`` (``api.web.review_labels``) adds the label
    actions and badges on quotes; ``names`` (path -> element name) say what is selected; people
    who ``may_edit`` select elements with the mouse or the keyboard."""
    space = f"/v1/workspaces/{quote(workspace, safe='')}"
    config = script_json(
        {
            "api": f"{space}/maps/{quote(map_id, safe='')}",
            "workspace_api": space,
            "map_id": map_id,
            "page": f"/review/{quote(workspace, safe='')}/{quote(map_id, safe='')}",
            "head": head,
            "texts": anchors,
            "labels": labels,
            "names": names or {},
            "may_edit": may_edit,
            "pick": PANEL_LABELS.get(lang, PANEL_LABELS["en"])["pick"],
        }
    )
    return (
        REVIEW_CSS
        + (LABEL_CSS if labels else "")
        + f'<script id="cjm-config" type="application/json">{config}</script>'
        f"<script>{REVIEW_JS}</script>"
    )
