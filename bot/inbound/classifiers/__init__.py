"""One small rule per module; :mod:`bot.inbound.classify` orders them."""
