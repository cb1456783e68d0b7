"""The staff console: ``invitebot web``, a small web application over the database.

Pages (``campaign``, ``mission``, ``review``), the files they serve
(``files``), staff accounts and sessions (``auth``), the security headers
and CSRF checks (``security``). Everything it needs from the rest of
invitebot goes through ``bot.web.data``, so a move elsewhere in the tree
changes imports there only.
"""
