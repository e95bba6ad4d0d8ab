"""Sourcewise chat assistant: conversation core, adapters, store, handoff scheduler."""
