"""Configuration: the campaign schema (``campaign``), environment settings (``settings``)
and the config-to-database sync (``sync``).
"""
