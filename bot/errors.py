"""Exception types: user errors (bad input, said in one line) versus system errors."""


class InvitebotError(Exception):
    """Base class of the errors invitebot reports to its user."""


class ConfigError(InvitebotError):
    """The campaign file, mission list, templates or environment are wrong."""


class TemplateError(ConfigError):
    """A template failed to render for a mission."""


class NotFoundError(InvitebotError):
    """A mission, message or review item named on the command line does not exist."""
