"""Intake: IMAP fetch (``imap``), the raw store (``store``), the poll loop (``poll``) and the
queue of stored messages (``queue``, with the work-ahead pool in ``prepare``).

Everything here moves bytes and rows; what a message means is decided in
:mod:`bot.inbound.stages`.
"""
