"""The XLSX export as people open it: headings in the digest language, sized, filtered.

One sheet of delegations (one row per delegate, head first as recorded),
the silent missions on a sheet of their own when the campaign expects
replies, or one sheet of messages. Headings follow ``meeting.language``;
the values (status, decision, role) stay the contract's words so that a
filter on them means the same in every language. Phones are written in
international format (``+43 1 531150``), as they are dialled from abroad.
The confidence column is left out unless asked for: it helps whoever
checks the machine, not whoever reads the list.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import phonenumbers

from bot.cells import append_row
from bot.results.export import (
    DELEGATION_COLUMNS,
    MESSAGE_COLUMNS,
    delegation_rows,
    flat_cell,
)

_D = {
    "en": ("Mission code", "Country", "Status", "Decision", "Honorific", "Name", "Title",
           "Role", "Email", "Phone", "Confidence"),
    "fr": ("Code de la mission", "Pays", "État", "Décision", "Civilité", "Nom", "Fonction",
           "Rôle", "Courriel", "Téléphone", "Confiance"),
    "es": ("Código de la misión", "País", "Estado", "Decisión", "Tratamiento", "Nombre",
           "Cargo", "Función", "Correo electrónico", "Teléfono", "Confianza"),
    "ru": ("Код представительства", "Страна", "Статус", "Решение", "Обращение", "Имя",
           "Должность", "Роль", "Электронная почта", "Телефон", "Достоверность"),
    "ar": ("رمز البعثة", "البلد", "الحالة", "القرار", "اللقب", "الاسم", "المنصب", "الدور",
           "البريد الإلكتروني", "الهاتف", "درجة الثقة"),
    "zh": ("代表团代码", "国家", "状态", "决定", "尊称", "姓名", "职务", "角色", "电子邮件",
           "电话", "置信度"),
}
_M = {
    "en": ("Message-ID", "Received", "From", "Subject", "Classification", "Mission code",
           "Matched by", "Confidence", "Status", "Error",
           "Decision", "Operation", "Cue", "To confirm", "Delegates"),
    "fr": ("Message-ID", "Reçu le", "De", "Objet", "Classement", "Code de la mission",
           "Rattaché par", "Confiance", "État", "Erreur",
           "Décision", "Opération", "Mots déclencheurs", "À confirmer", "Délégués"),
    "es": ("Message-ID", "Recibido", "De", "Asunto", "Clasificación", "Código de la misión",
           "Asociado por", "Confianza", "Estado", "Error",
           "Decisión", "Operación", "Palabras clave", "Por confirmar", "Delegados"),
    "ru": ("Message-ID", "Получено", "От", "Тема", "Классификация", "Код представительства",
           "Способ сопоставления", "Достоверность", "Статус", "Ошибка",
           "Решение", "Операция", "Ключевые слова", "Требует подтверждения", "Делегаты"),
    "ar": ("Message-ID", "تاريخ الاستلام", "من", "الموضوع", "التصنيف", "رمز البعثة",
           "طريقة المطابقة", "درجة الثقة", "الحالة", "الخطأ",
           "القرار", "العملية", "العبارة الدالة", "للتأكيد", "أعضاء الوفد"),
    "zh": ("Message-ID", "接收时间", "发件人", "主题", "分类", "代表团代码", "匹配方式", "置信度",
           "状态", "错误",
           "决定", "操作", "提示词", "待确认", "代表"),
}
SHEETS = {
    "en": ("Delegations", "Silent missions", "Messages"),
    "fr": ("Délégations", "Missions sans réponse", "Messages"),
    "es": ("Delegaciones", "Misiones sin respuesta", "Mensajes"),
    "ru": ("Делегации", "Не ответившие", "Сообщения"),
    "ar": ("الوفود", "البعثات التي لم ترد", "الرسائل"),
    "zh": ("代表团", "未答复的代表团", "邮件"),
}
_WIDEST = 60


def headings(what: str, language: str) -> dict[str, str]:
    """Column key -> heading in ``language`` (English when the language is unknown)."""
    if what == "messages":
        return dict(zip(MESSAGE_COLUMNS, _M.get(language, _M["en"]), strict=True))
    return dict(zip(DELEGATION_COLUMNS, _D.get(language, _D["en"]), strict=True))


def international(phone: str | None) -> str | None:
    """``+431531150`` -> ``+43 1 531150``; what cannot be parsed stays as it was."""
    if not phone:
        return phone
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def to_xlsx(items: list[dict[str, Any]], what: str, *, language: str = "en",
            confidence: bool = False, silent_sheet: bool = True) -> bytes:
    """The workbook: delegations (+ silent missions) or messages."""
    from openpyxl import Workbook  # here, not at the top: start-up time of every command

    names = SHEETS.get(language, SHEETS["en"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if what == "messages":
        columns = [c for c in MESSAGE_COLUMNS if confidence or c != "confidence"]
        sheet.title = names[2]
        _fill(sheet, columns, headings(what, language), items, language)
    else:
        columns = [c for c in DELEGATION_COLUMNS if confidence or c != "confidence"]
        silent = [i for i in items if silent_sheet and i["status"] == "sent"]
        rows = delegation_rows([i for i in items if i not in silent])
        for row in rows:
            row["phone"] = international(row.get("phone"))
        sheet.title = names[0]
        _fill(sheet, columns, headings(what, language), rows, language)
        if silent_sheet:
            quiet = book.create_sheet(names[1])
            _fill(quiet, ["mission_code", "country"], headings(what, language), silent,
                  language)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, columns: Sequence[str], titles: dict[str, str],
          rows: Sequence[dict[str, Any]], language: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([titles[c] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Every string from mail stays a string cell, never a formula (bot.cells).
        append_row(sheet, [flat_cell(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if language == "ar":
        sheet.sheet_view.rightToLeft = True
    for index, column in enumerate(columns, start=1):
        longest = max([len(titles[column]),
                       *(len(str(flat_cell(r.get(column)) or "")) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, _WIDEST)
