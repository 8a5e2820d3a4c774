"""The words for a map's values in each language: map types, review and recommendation
statuses, effort and impact levels, evidence kinds, the counted phrases of the page and the
exports (forms by CLDR plural category, see ``knowledge.text.localise``) and the CSV's header. The
JSON keeps the codes; only what a person reads is worded (``api.web.wording``)."""

from __future__ import annotations

MAP_TYPES: dict[str, dict[str, str]] = {
    "en": {"current_state": "Current state", "future_state": "Future state",
           "day_in_the_life": "Day in the life", "service_blueprint": "Service blueprint"},
    "fa": {"current_state": "وضعیت فعلی", "future_state": "وضعیت آینده",
           "day_in_the_life": "یک روز از زندگی", "service_blueprint": "نقشهٔ طرح خدمت"},
    "ru": {"current_state": "Текущее состояние", "future_state": "Будущее состояние",
           "day_in_the_life": "Один день из жизни", "service_blueprint": "Схема услуги"},
    "th": {"current_state": "สถานะปัจจุบัน", "future_state": "สถานะในอนาคต",
           "day_in_the_life": "หนึ่งวันในชีวิต", "service_blueprint": "พิมพ์เขียวบริการ"},
    "zh": {"current_state": "现状", "future_state": "未来状态",
           "day_in_the_life": "日常一天", "service_blueprint": "服务蓝图"},
}  # fmt: skip

# the map's review status (``knowledge.journey.review.repository``), and "superseded" for an
# old version
STATUSES: dict[str, dict[str, str]] = {
    "en": {"draft": "Draft", "in_review": "In review", "approved": "Approved",
           "changes_requested": "Changes requested", "superseded": "Superseded"},
    "fa": {"draft": "پیش‌نویس", "in_review": "در حال بازبینی", "approved": "تأییدشده",
           "changes_requested": "نیازمند تغییر", "superseded": "نسخهٔ قدیمی"},
    "ru": {"draft": "Черновик", "in_review": "На проверке", "approved": "Утверждена",
           "changes_requested": "Нужны изменения", "superseded": "Устаревшая версия"},
    "th": {"draft": "ฉบับร่าง", "in_review": "กำลังตรวจ", "approved": "อนุมัติแล้ว",
           "changes_requested": "ขอให้แก้ไข", "superseded": "เวอร์ชันเก่า"},
    "zh": {"draft": "草稿", "in_review": "审核中", "approved": "已批准",
           "changes_requested": "需要修改", "superseded": "旧版本"},
}  # fmt: skip

RECOMMENDATION_STATUSES: dict[str, dict[str, str]] = {
    "en": {"not_started": "Not started", "in_progress": "In progress", "done": "Done"},
    "fa": {"not_started": "شروع‌نشده", "in_progress": "در حال انجام", "done": "انجام‌شده"},
    "ru": {"not_started": "Не начато", "in_progress": "В работе", "done": "Сделано"},
    "th": {"not_started": "ยังไม่เริ่ม", "in_progress": "กำลังดำเนินการ", "done": "เสร็จแล้ว"},
    "zh": {"not_started": "未开始", "in_progress": "进行中", "done": "已完成"},
}

LEVELS: dict[str, dict[str, str]] = {
    "en": {"low": "low", "medium": "medium", "high": "high"},
    "fa": {"low": "کم", "medium": "متوسط", "high": "زیاد"},
    "ru": {"low": "низкий", "medium": "средний", "high": "высокий"},
    "th": {"low": "ต่ำ", "medium": "ปานกลาง", "high": "สูง"},
    "zh": {"low": "低", "medium": "中", "high": "高"},
}

EVIDENCE_KINDS: dict[str, dict[str, str]] = {
    "en": {"feedback": "feedback", "review": "reviews", "survey": "surveys",
           "support": "support tickets", "interview": "interviews", "competitor": "competitors"},
    "fa": {"feedback": "بازخورد", "review": "نقدها", "survey": "نظرسنجی‌ها",
           "support": "تیکت‌های پشتیبانی", "interview": "مصاحبه‌ها", "competitor": "رقبا"},
    "ru": {"feedback": "отзывы клиентов", "review": "отзывы в магазинах", "survey": "опросы",
           "support": "обращения в поддержку", "interview": "интервью",
           "competitor": "конкуренты"},
    "th": {"feedback": "ความคิดเห็น", "review": "รีวิว", "survey": "แบบสำรวจ",
           "support": "เรื่องแจ้งฝ่ายบริการ", "interview": "สัมภาษณ์", "competitor": "คู่แข่ง"},
    "zh": {"feedback": "反馈", "review": "评价", "survey": "问卷", "support": "客服工单",
           "interview": "访谈", "competitor": "竞品"},
}  # fmt: skip

# counted phrases: language -> plural category -> template with {n}
COUNTS: dict[str, dict[str, dict[str, str]]] = {
    "evidence": {
        "en": {"one": "{n} piece of evidence", "other": "{n} pieces of evidence"},
        "fa": {"other": "{n} شاهد"},
        "ru": {"one": "{n} свидетельство", "few": "{n} свидетельства",
               "many": "{n} свидетельств", "other": "{n} свидетельства"},
        "th": {"other": "หลักฐาน {n} รายการ"},
        "zh": {"other": "{n} 条证据"},
    },
    "mentions": {
        "en": {"one": "{n} mention", "other": "{n} mentions"},
        "fa": {"other": "{n} بار ذکر شده"},
        "ru": {"one": "{n} упоминание", "few": "{n} упоминания", "many": "{n} упоминаний",
               "other": "{n} упоминания"},
        "th": {"other": "กล่าวถึง {n} ครั้ง"},
        "zh": {"other": "提及 {n} 次"},
    },
    "quotes": {
        "en": {"one": "{n} quote", "other": "{n} quotes"},
        "fa": {"other": "{n} نقل‌قول"},
        "ru": {"one": "{n} цитата", "few": "{n} цитаты", "many": "{n} цитат",
               "other": "{n} цитаты"},
        "th": {"other": "คำพูดลูกค้า {n} รายการ"},
        "zh": {"other": "{n} 条原话"},
    },
}  # fmt: skip


# the CSV's header row; the cells keep the JSON's codes and numbers, so a filter or a formula
# works the same in every language
CSV_HEADERS: dict[str, dict[str, str]] = {
    "en": {"element": "element", "kind": "kind", "stage": "stage", "text": "text",
           "origin": "origin", "frequency": "frequency", "severity": "severity",
           "priority": "priority", "owner_team": "owner team", "effort": "effort",
           "impact": "impact", "kpi": "KPI", "status": "status",
           "evidence_ids": "evidence ids", "quotes": "quotes"},
    "fa": {"element": "بخش", "kind": "نوع", "stage": "مرحله", "text": "متن", "origin": "منشأ",
           "frequency": "تکرار", "severity": "شدت", "priority": "اولویت",
           "owner_team": "تیم مسئول", "effort": "تلاش", "impact": "اثر", "kpi": "شاخص",
           "status": "وضعیت", "evidence_ids": "شناسه‌های شواهد", "quotes": "نقل‌قول‌ها"},
    "ru": {"element": "элемент", "kind": "вид", "stage": "этап", "text": "текст",
           "origin": "происхождение", "frequency": "частота", "severity": "тяжесть",
           "priority": "приоритет", "owner_team": "ответственная команда", "effort": "усилия",
           "impact": "эффект", "kpi": "KPI", "status": "статус",
           "evidence_ids": "идентификаторы свидетельств", "quotes": "цитаты"},
    "th": {"element": "ส่วน", "kind": "ประเภท", "stage": "ขั้นตอน", "text": "ข้อความ",
           "origin": "ที่มา", "frequency": "ความถี่", "severity": "ความรุนแรง",
           "priority": "ลำดับความสำคัญ", "owner_team": "ทีมที่รับผิดชอบ", "effort": "แรงที่ใช้",
           "impact": "ผลกระทบ", "kpi": "KPI", "status": "สถานะ",
           "evidence_ids": "รหัสหลักฐาน", "quotes": "คำพูดลูกค้า"},
    "zh": {"element": "元素", "kind": "类型", "stage": "阶段", "text": "文本", "origin": "来源",
           "frequency": "频次", "severity": "严重度", "priority": "优先级",
           "owner_team": "负责团队", "effort": "投入", "impact": "影响", "kpi": "KPI",
           "status": "状态", "evidence_ids": "证据编号", "quotes": "用户原话"},
}  # fmt: skip

# a change's place (``knowledge.journey.review.diff.Step``): an item of a list, by the list's key
DIFF_ITEMS: dict[str, dict[str, str]] = {
    "en": {"stages": "stage", "pain_points": "pain point", "delighters": "delighter",
           "personas": "persona", "recommendations": "recommendation",
           "touchpoints": "touchpoint"},
    "fa": {"stages": "مرحلهٔ", "pain_points": "نقطهٔ درد", "delighters": "نقطهٔ رضایت",
           "personas": "پرسونای", "recommendations": "توصیهٔ", "touchpoints": "نقطهٔ تماس"},
    "ru": {"stages": "этап", "pain_points": "боль", "delighters": "что радует",
           "personas": "персона", "recommendations": "рекомендация",
           "touchpoints": "точка контакта"},
    "th": {"stages": "ขั้นตอน", "pain_points": "ปัญหา", "delighters": "สิ่งที่ลูกค้าชอบ",
           "personas": "เพอร์โซนา", "recommendations": "ข้อเสนอแนะ", "touchpoints": "จุดสัมผัส"},
    "zh": {"stages": "阶段", "pain_points": "痛点", "delighters": "亮点", "personas": "用户画像",
           "recommendations": "建议", "touchpoints": "触点"},
}  # fmt: skip
# a changed field, where the page's headings (``labels.LABELS``) have no word for it
DIFF_FIELDS: dict[str, dict[str, str]] = {
    "en": {"title": "title", "name": "name", "description": "description", "label": "label",
           "score": "score", "channel": "channel", "owner_team": "owner team",
           "action": "action", "map_type": "map type", "evidence": "quotes",
           "addresses": "addresses"},
    "fa": {"title": "عنوان", "name": "نام", "description": "توضیح", "label": "برچسب",
           "score": "امتیاز", "channel": "کانال", "owner_team": "تیم مسئول", "action": "اقدام",
           "map_type": "نوع نقشه", "evidence": "نقل‌قول‌ها", "addresses": "مشکلات مرتبط"},
    "ru": {"title": "заголовок", "name": "название", "description": "описание",
           "label": "подпись", "score": "оценка", "channel": "канал",
           "owner_team": "ответственная команда", "action": "действие",
           "map_type": "тип карты", "evidence": "цитаты", "addresses": "решает"},
    "th": {"title": "หัวข้อ", "name": "ชื่อ", "description": "คำอธิบาย", "label": "ป้าย",
           "score": "คะแนน", "channel": "ช่องทาง", "owner_team": "ทีมที่รับผิดชอบ",
           "action": "สิ่งที่ต้องทำ", "map_type": "ประเภทแผนที่", "evidence": "คำพูดลูกค้า",
           "addresses": "แก้ปัญหา"},
    "zh": {"title": "标题", "name": "名称", "description": "描述", "label": "标签",
           "score": "分数", "channel": "渠道", "owner_team": "负责团队", "action": "行动",
           "map_type": "地图类型", "evidence": "用户原话", "addresses": "解决"},
}  # fmt: skip
