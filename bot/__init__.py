"""invitebot: send meeting invitations by email and track the answers."""

__version__ = "0.1.0"
