"""Content domain: entries (news, events, open calls), their translations and topics."""
