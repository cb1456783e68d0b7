"""What is left after bounces and auto-replies: newsletters, no-reply
senders and spam are unrelated; anything with words or attachments is a
reply, which the matcher later ties to an invitation or sends to review.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import Classification, local_part
from bot.inbound.parse.message import ParsedMessage

_NOREPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.].*|.*[-_.]noreply|"
    r"notifications?|newsletters?|mailer|bounces?([-+].*)?)$",
    re.IGNORECASE,
)


class Newsletter:
    """Mailing-list or bulk mail: List-* headers with a list/bulk precedence."""

    name = "newsletter"

    def check(self, msg: ParsedMessage) -> Classification | None:
        precedence = (msg.header("precedence") or "").strip().lower()
        listed = msg.header("list-unsubscribe") is not None or msg.header("list-id") is not None
        if listed and precedence in ("list", "bulk", "junk"):
            return Classification(
                kind="unrelated", classifier=self.name,
                reason=f"List headers + Precedence: {precedence}",
            )
        if msg.header("list-unsubscribe") is not None and _NOREPLY.match(
            local_part(msg.from_addr)
        ):
            return Classification(
                kind="unrelated", classifier=self.name,
                reason="List-Unsubscribe from a no-reply sender",
            )
        return None


class NoReplySender:
    """Machines that say so in their address do not answer invitations."""

    name = "noreply_sender"

    def check(self, msg: ParsedMessage) -> Classification | None:
        if msg.from_addr and _NOREPLY.match(local_part(msg.from_addr)):
            return Classification(
                kind="unrelated", classifier=self.name, reason=f"sender {msg.from_addr}"
            )
        return None


class Spam:
    """Mail our own filter already marked as spam."""

    name = "spam_flag"

    def check(self, msg: ParsedMessage) -> Classification | None:
        if (msg.header("x-spam-flag") or "").strip().lower().startswith("yes"):
            return Classification(kind="unrelated", classifier=self.name, reason="X-Spam-Flag")
        return None


class HumanReply:
    """The default: words or attachments make a reply; nothing at all is unrelated."""

    name = "human_reply"

    def check(self, msg: ParsedMessage) -> Classification | None:
        if msg.text.strip() or msg.attachments:
            return Classification(kind="reply", classifier=self.name, reason="has content")
        return Classification(kind="unrelated", classifier=self.name, reason="empty message")
