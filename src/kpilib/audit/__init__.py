"""Audit trail: who created, changed or deleted what, with before/after values."""
