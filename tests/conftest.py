"""The course's pytest configuration: the lab's fixtures (sandbox, network guard) for every test."""

pytest_plugins = ["patterns.lab.testing"]
