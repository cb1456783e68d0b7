"""The results read back from the database: one record per mission (``records``) and
the exports built on them (``export``), used by the digest, status and the CLI.
"""
