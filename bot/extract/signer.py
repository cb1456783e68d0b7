"""The person who signs a reply, when the reply says that person attends.

"I will represent Singapore myself; my details are below", "seré yo quien
represente a Bolivia", "je participerai personnellement": the delegate is the
signer, named only in the signature block that the extractor otherwise
drops.  The first-person phrases are data (lexicons' [decision] self_attend).
The signature is cut down to the signer's name line, the line after it (the
title) and the lines holding contacts, then read like any entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.extract.delegates import parse_delegates
from bot.extract.lexicon import LANGUAGES, lexicon
from bot.extract.model import DelegateCandidate

_CONTACT_LINE_RE: Final = re.compile(r"@|\d[\d\s\-–().]{6,}\d")
_SELF_ATTEND_RE: Final = re.compile(
    "|".join(p for lang in LANGUAGES
             for p in lexicon(lang).get("decision", {}).get("self_attend", ())) or "(?!)"
)


def signer_as_delegate(
    body: str, signature: str | None, *, region: str | None, exclude: Iterable[str], source: str
) -> DelegateCandidate | None:
    """The signer as the sole delegate, when the body says the writer attends."""
    if not signature or _SELF_ATTEND_RE.search(body.lower()) is None:
        return None
    lines = [line for line in signature.split("\n") if line.strip()]
    for index, line in enumerate(lines):
        found = parse_delegates(line, region=region, exclude=exclude, source=source,
                                has_cue=True)
        if not found:
            continue
        kept = [line] + lines[index + 1 : index + 2] + [
            rest for rest in lines[index + 2 :] if _CONTACT_LINE_RE.search(rest)
        ]
        people = parse_delegates("\n".join(kept), region=region, exclude=exclude,
                                 source=source, has_cue=True)
        if not people:
            return found[0]
        signer = people[0]
        if signer.name != found[0].name:
            # Read across the line end ("Rocío VEGA\nConsejera"): the name line alone
            # has the whole name; the title is the line after it.
            signer.name, signer.honorific = found[0].name, found[0].honorific
            after = lines[index + 1].strip() if index + 1 < len(lines) else ""
            signer.title = after if after and not _CONTACT_LINE_RE.search(after) else None
        return signer
    return None
