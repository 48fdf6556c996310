"""The delivery engine shared by every mailing: ledger rows claimed with a lease, one
render per variant, one message per row through the pool, and a settled outcome."""
