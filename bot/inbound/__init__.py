"""Inbound mail: fetch and store (``intake``), parse (``parse``), then the stages
(``stages``: classify, read, match, extract, record, acknowledge) run by ``pipeline``.
"""
