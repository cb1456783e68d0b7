"""Signing in to the mail servers: passwords, and OAuth2 for Microsoft 365 and Google Workspace.

``bot.config.auth`` reads the auth mode of each server from the environment;
here ``sources`` gets access tokens (msal, google-auth) and keeps them in the
``cache`` file, ``sasl`` builds the XOAUTH2 / OAUTHBEARER strings, ``login``
signs an IMAP or SMTP connection in with them, and ``errors`` turns what the
providers answer into one line a desk officer can act on; ``bot.commands.auth``
is ``invitebot auth login`` / ``status``.
"""
