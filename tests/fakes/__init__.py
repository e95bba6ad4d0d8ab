"""Fake platform servers on 127.0.0.1 (port 0) for adapter tests."""
