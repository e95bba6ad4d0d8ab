"""Rendering: the core's structured replies in words, per locale (Jinja2 templates, Babel).

``bot.render.replies.render_replies`` is the entry point a turn calls; the views it uses
(``conversation``, ``answers``, ``result``, ``form``, ``chart``) may be called directly. This
package module stays light (the environment only) so importing a view costs just that view.
"""

from bot.render.env import DEFAULT_LOCALE, LOCALES, Renderer, normalize_locale, renderer

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Renderer", "normalize_locale", "renderer"]
