"""The inbound stages, one module each, in the order ``bot.inbound.pipeline.STAGES`` runs them.

``classify`` → ``read`` → ``match`` → ``extract`` → ``record`` → ``acknowledge``.
Each module opens with what its stage decides and where the message goes next.
"""
