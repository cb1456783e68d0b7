"""Dates written the way each UN language writes them in a note verbale.

Pure functions, no locale database: the six languages are few and fixed.
"""

from __future__ import annotations

from datetime import date

_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيه", "يوليه", "أغسطس",
           "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
}


def long_date(day: date, language: str) -> str:
    """``14 April 2009`` / ``14 avril 2009`` / ``14 de abril de 2009`` / ``2009年4月14日``."""
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    months = _MONTHS.get(language, _MONTHS["en"])
    month = months[day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    if language == "ru":
        return f"{day.day} {month} {day.year} года"
    if language == "fr" and day.day == 1:
        return f"1er {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def date_range(start: date, end: date, language: str) -> str:
    """``14 and 15 April 2009`` style when the month is shared, else two long dates."""
    if start == end:
        return long_date(start, language)
    if language == "zh":
        return f"{long_date(start, language)}至{long_date(end, language)}"
    if (start.year, start.month) == (end.year, end.month):
        joiner = {"en": " to ", "fr": " au ", "es": " al ", "ru": "–", "ar": " إلى "}
        return f"{start.day}{joiner.get(language, ' to ')}{long_date(end, language)}"
    joiner = {"en": " to ", "fr": " au ", "es": " al ", "ru": " – ", "ar": " إلى "}
    return f"{long_date(start, language)}{joiner.get(language, ' to ')}{long_date(end, language)}"
