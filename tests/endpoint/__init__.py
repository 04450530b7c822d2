"""The endpoint tier: every demonstration against a moto server on loopback."""
