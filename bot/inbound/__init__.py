"""Inbound mail: fetch, store, parse, classify, match, read and extract replies."""
