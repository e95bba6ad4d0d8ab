"""slack-manifest.yaml stays in step with the code that serves it."""

from __future__ import annotations

import re
from pathlib import Path

from bot.adapters.slack.app import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH

MANIFEST = Path(__file__).resolve().parents[3] / "slack-manifest.yaml"


def _list_under(text: str, heading: str) -> list[str]:
    """The ``- item`` lines right under ``heading:`` (the manifest uses plain YAML lists)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{heading}:")
    items = []
    for line in lines[start + 1 :]:
        if not line.strip().startswith("- "):
            break
        items.append(line.strip()[2:])
    return items


def test_bot_scopes_match_what_the_oauth_flow_requests() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert _list_under(text, "bot") == list(BOT_SCOPES)


def test_events_command_and_interactivity_point_at_our_routes() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert set(_list_under(text, "bot_events")) == {"message.im", "app_home_opened"}
    assert "command: /sourcewise" in text
    urls = re.findall(r"(?:url|request_url): (\S+)", text)
    assert urls and all(url.endswith(EVENTS_PATH) for url in urls)
    assert _list_under(text, "redirect_urls")[0].endswith(REDIRECT_PATH)
    assert re.search(r"interactivity:\s+is_enabled: true", text)
    assert "home_tab_enabled: true" in text
