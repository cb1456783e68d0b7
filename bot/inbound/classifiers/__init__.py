"""One small rule per module; :mod:`bot.inbound.classifiers.registry` orders them."""
