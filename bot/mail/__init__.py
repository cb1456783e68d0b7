"""Mail the bot writes, shared by outbound, inbound and the digest.

``render`` (the one sandboxed Jinja2 renderer), ``compose`` / ``mime`` / ``dates``
(templates → MIME bytes), ``outbox`` (the queue table; ``hotpath`` holds the raw-SQL
twins of its state changes for the send loop) and ``reminders`` (queueing reminders
and acknowledgements). Inbound's acknowledge stage and outbound's planning both
queue through here, so neither imports the other.
"""
