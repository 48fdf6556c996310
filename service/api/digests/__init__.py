"""GraphQL for the digest tools (editors and admins): a thin adapter over service.audience."""
