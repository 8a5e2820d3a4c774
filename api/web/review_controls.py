"""The controls of the review panel a person acts with: the review actions their role and the
map's status allow (``knowledge.journey.review.transitions``), the edit and comment boxes with their
labels, and the export links (PDF and PNG only where this server can print). Every string in
the map's language."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from knowledge.journey.review.transitions import Action

CONTROL_LABELS: dict[str, dict[str, Any]] = {
    "en": {"roles": {"viewer": "viewer", "editor": "editor", "reviewer": "reviewer"},
           "actions": "Review actions", "edit_label": "Text of the selected element",
           "comment_label": "Your comment on the selected element",
           "sign_out": "Sign out", "read_only": "Your role can read this map and its comments.",
           "no_action": "No review action is open to your role while the map is {status}.",
           "exports": "Download", "no_print": "PDF and PNG need Chromium on the server; "
           "JSON, Markdown, CSV and HTML work without it."},
    "fa": {"roles": {"viewer": "خواننده", "editor": "ویرایشگر", "reviewer": "بازبین"},
           "actions": "اقدامات بازبینی", "edit_label": "متن بخش انتخاب‌شده",
           "comment_label": "نظر شما دربارهٔ بخش انتخاب‌شده", "sign_out": "خروج",
           "read_only": "نقش شما فقط خواندن این نقشه و نظرهای آن است.",
           "no_action": "تا وقتی نقشه در وضعیت {status} است، اقدامی برای نقش شما باز نیست.",
           "exports": "دریافت فایل", "no_print": "PDF و PNG به Chromium روی سرور نیاز دارند؛ "
           "JSON، Markdown، CSV و HTML بدون آن کار می‌کنند."},
    "ru": {"roles": {"viewer": "читатель", "editor": "редактор", "reviewer": "рецензент"},
           "actions": "Действия проверки", "edit_label": "Текст выбранного элемента",
           "comment_label": "Ваш комментарий к выбранному элементу", "sign_out": "Выйти",
           "read_only": "Ваша роль позволяет читать карту и комментарии.",
           "no_action": "Пока карта в статусе {status}, вашей роли действия недоступны.",
           "exports": "Скачать", "no_print": "Для PDF и PNG на сервере нужен Chromium; "
           "JSON, Markdown, CSV и HTML работают без него."},
    "th": {"roles": {"viewer": "ผู้อ่าน", "editor": "ผู้แก้ไข", "reviewer": "ผู้ตรวจทาน"},
           "actions": "การดำเนินการตรวจทาน", "edit_label": "ข้อความของส่วนที่เลือก",
           "comment_label": "ความคิดเห็นของคุณต่อส่วนที่เลือก", "sign_out": "ออกจากระบบ",
           "read_only": "บทบาทของคุณอ่านแผนที่และความคิดเห็นได้เท่านั้น",
           "no_action": "ขณะที่แผนที่มีสถานะ {status} บทบาทของคุณยังไม่มีการดำเนินการ",
           "exports": "ดาวน์โหลด", "no_print": "PDF และ PNG ต้องมี Chromium บนเซิร์ฟเวอร์ "
           "ส่วน JSON, Markdown, CSV และ HTML ใช้ได้โดยไม่ต้องมี"},
    "zh": {"roles": {"viewer": "查看者", "editor": "编辑者", "reviewer": "审核者"},
           "actions": "审核操作", "edit_label": "所选元素的文字",
           "comment_label": "您对所选元素的评论", "sign_out": "退出登录",
           "read_only": "您的角色可以阅读此地图及其评论。",
           "no_action": "地图处于 {status} 状态时，您的角色没有可执行的审核操作。",
           "exports": "下载", "no_print": "PDF 和 PNG 需要服务器上安装 Chromium；"
           "JSON、Markdown、CSV 和 HTML 无需它即可使用。"},
}  # fmt: skip
EXPORTS = (("json", "JSON"), ("md", "Markdown"), ("csv", "CSV"), ("html", "HTML"),
           ("pdf", "PDF"), ("png", "PNG"))  # fmt: skip
PRINTED = {"pdf", "png"}


def actions_html(lang: str, names: dict[str, str], offered: list[Action], status: str) -> str:
    """Buttons for the actions offered, and nothing else; a line that says why when none is."""
    t = CONTROL_LABELS.get(lang, CONTROL_LABELS["en"])
    buttons = "".join(
        f'<button type="button" data-action="{a}" id="btn-{a}">{escape(names[a])}</button> '
        for a in offered
    )
    if not buttons:
        buttons = f'<p id="no-action">{escape(t["no_action"].format(status=status))}</p>'
    return (
        f'<div class="actions" role="group" aria-label="{escape(t["actions"])}" '
        f'style="margin:8px 0">{buttons}</div>'
    )


def exports_html(lang: str, workspace: str, map_id: str, version: int, printing: bool) -> str:
    """Links to the export endpoint for this version; PDF and PNG are shown, not linked, with
    the reason, where this server cannot print."""
    t = CONTROL_LABELS.get(lang, CONTROL_LABELS["en"])
    base = f"/v1/workspaces/{quote(workspace, safe='')}/maps/{quote(map_id, safe='')}/export"
    items = []
    for fmt, name in EXPORTS:
        if fmt in PRINTED and not printing:
            items.append(
                f'<li><span class="unavailable" aria-disabled="true" '
                f'aria-describedby="no-print" data-format="{fmt}">{name}</span></li>'
            )
            continue
        href = escape(f"{base}?{urlencode({'format': fmt, 'version': version})}")
        items.append(f'<li><a href="{href}" data-format="{fmt}" download>{name}</a></li>')
    note = "" if printing else f'<p id="no-print" class="note">{escape(t["no_print"])}</p>'
    return (
        f'<nav id="exports" aria-label="{escape(t["exports"])}"><strong>{escape(t["exports"])}'
        f':</strong> <ul class="exports">{"".join(items)}</ul>{note}</nav>'
    )
