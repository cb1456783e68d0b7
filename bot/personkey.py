"""The key two spellings of one person's name are compared by.

Case, accents and word order do not count: "Pérez GARCÍA, Ana" and "Ana
Perez Garcia" have one key. Extraction merges the same person read from a
body and an attachment with it; the delegation fold (bot.results) and the
follow-up readers match names with it. Below both, so neither imports the other.
"""

from __future__ import annotations

import re
import unicodedata


def person_key(name: str) -> str:
    """Spelling-insensitive key of a name: case, accents and word order do not count."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(sorted(re.findall(r"\w+", letters)))
