"""Rendering: Jinja2 templates per locale with Babel formatting."""

from bot.render.env import DEFAULT_LOCALE, LOCALES, Renderer, normalize_locale, renderer

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Renderer", "normalize_locale", "renderer"]
