"""Format readers behind ``bot.inbound.attachments.read_attachment``: one module per format."""
