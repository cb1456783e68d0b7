"""Outbound: from the campaign to the missions' mailboxes, exactly once each.

The stages, in the order a message meets them:

- ``plan``       one Invitation (and reply token, :mod:`bot.tokens`) per mission, enqueued
                 through :mod:`bot.mail` (compose, render, outbox);
- ``dispatch``   claim → SMTP (``smtp``, ``replies``) → Sent folder (``sentfolder``),
                 with the crash-safety argument in its docstring.

Reminders and acknowledgements are queued by :mod:`bot.mail.reminders`, shared
with inbound; the verbs ``preview`` and ``send`` are in :mod:`bot.commands.outbound`.
"""
