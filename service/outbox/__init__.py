"""Transactional outbox: events written with the change, relayed to the workers after commit."""
