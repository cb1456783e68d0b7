"""Outbound: from the campaign to the missions' mailboxes, exactly once each.

The stages, in the order a message meets them:

- ``plan``       one Invitation (and reply token, ``tokens``) per mission, enqueued;
- ``reminders``  reminders to the silent, acknowledgements of replies;
- ``compose`` / ``render`` / ``mime``  templates → MIME bytes (sandboxed Jinja2);
- ``outbox``     the queue table: enqueue once, back-off, outcomes;
- ``dispatch``   claim → SMTP (``smtp``, ``replies``) → Sent folder (``sentfolder``),
                 with the crash-safety argument in its docstring;
- ``cli``        ``invitebot preview`` and ``invitebot send``.

Public API used elsewhere: ``plan.plan_invitations``, ``reminders.enqueue_reminders``,
``reminders.enqueue_acknowledgement``, ``outbox.enqueue_message``, ``dispatch.dispatch``,
``dispatch.recover_sending``, ``compose.check_templates``, ``compose.render_invitation``,
``tokens.normalize_token`` / ``find_tokens`` / ``find_candidates`` / ``correct_token``.
"""
