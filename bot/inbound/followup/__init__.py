"""Follow-ups: what each reply does to its mission's delegation (see operation.py)."""
