"""Fonts bundled for the charts (see ``NOTICE`` and ``subset.py``)."""
