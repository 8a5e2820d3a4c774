"""The review panel and its script, added to the map page when a person reviews it in the
browser: status, version, diff to the previous version, comments on elements, field edits and
the review actions. The script talks to the same HTTP API (cookie sign-in plus the
X-CJM-Review header), so roles are enforced by the API, not by the page."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from knowledge.maps.diff import Change
from knowledge.maps.repository import Comment, MapInfo

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


def panel(
    lang: str,
    info: MapInfo,
    version: int,
    role: str,
    changes: list[Change],
    comments: list[Comment],
) -> str:
    t = PANEL_LABELS[lang]
    rows = [
        '<aside id="review" class="no-print" style="'
        'border-top:2px solid #d9dee3;padding:12px 0;margin-top:24px">',
        f'<div><strong>{t["signed_in"]}</strong> <span id="role">{escape(role)}</span> · '
        f'<span id="status">{escape(info.status)}</span> · v{version} · '
        '<a href="/review/logout">⏻</a></div>',
        '<div class="actions" style="margin:8px 0">',
    ]
    for action in ("submit", "approve", "request_changes"):
        rows.append(
            f'<button type="button" data-action="{action}" id="btn-{action}">{t[action]}</button> '
        )
    rows.append('</div><p id="message" role="status" style="color:#b42318"></p>')
    heading = t["diff"].format(n=version - 1) if version > 1 else t["nodiff"]
    rows.append(f'<details open><summary>{heading}</summary><ul id="diff">')
    for change in changes:
        rows.append(
            f"<li>{escape(change.label)}: <del>{escape(str(change.old))}</del> → "
            f"<ins>{escape(str(change.new))}</ins></li>"
        )
    rows.append("</ul></details>")
    rows.append(
        f'<div id="selected"><strong>{t["element"]}:</strong> <code id="anchor"></code> '
        f'<em id="pick">{t["pick"]}</em></div>'
        '<textarea id="edit-text" rows="2" style="width:100%"></textarea>'
        f'<button type="button" id="btn-edit">{t["edit"]}</button>'
        '<textarea id="comment-text" rows="2" style="width:100%"></textarea>'
        f'<button type="button" id="btn-comment">{t["comment"]}</button>'
    )
    rows.append(f'<h3>{t["comments"]}</h3><ul id="comments">')
    for c in comments:
        resolved = f" ({t['resolved']})" if c.resolved else ""
        rows.append(
            f'<li data-anchor="{escape(c.anchor)}"><code>{escape(c.anchor)}</code> '
            f'<strong>{escape(c.author)}</strong>: <span class="body">{escape(c.body)}</span>'
            f"{resolved}</li>"
        )
    rows.append("</ul></aside>")
    return "".join(rows)


def script(workspace: str, map_id: str, head: int, anchors: dict[str, Any]) -> str:
    config = json.dumps(
        {"api": f"/v1/workspaces/{workspace}/maps/{map_id}", "head": head, "texts": anchors},
        ensure_ascii=False,
    ).replace("</", "<\\/")
    return (
        f'<script id="cjm-config" type="application/json">{config}</script>'
        f"<script>{REVIEW_JS}</script>"
    )
