"""Format readers behind ``bot.inbound.readers.attachments.read_attachment``.

One module per format."""
