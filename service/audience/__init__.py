"""The newsletter's audience: subscribers, digests and their deliveries."""
