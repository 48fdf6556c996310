"""GraphQL over service.feeds: the public `feeds` query."""
