"""Parsing: raw bytes → :class:`bot.inbound.parse.parsed.ParsedMessage`, within limits.

``message`` walks the MIME tree, ``mimetext`` decodes headers and bodies,
``rawlimits`` bounds hostile input before the parser sees it, ``parsed`` holds
the result types.
"""
