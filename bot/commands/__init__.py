"""The command-line verbs of each area, registered on the group in :mod:`bot.cli`.

``options`` holds the shared ``-c/--config`` option; ``check`` the ``invitebot check`` verb.
"""
