"""Audit log: who did what to which thing, and when."""
