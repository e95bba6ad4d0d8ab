"""The App Home tab: the user's recent estimates and buttons to start a new one (pure).

Built from ``Conversations.recent_estimates`` summaries (``recommended``, ``currency``,
``monthly_totals``, ``created_at``, ``scenario``, ``id``...), which carry stable keys, not
words: the model's name comes from the engine labels (``templates/<locale>/result.toml``),
the scenario in a few words from ``bot.render.saved`` (so two entries differ where their
scenarios do), and money and dates are formatted by Babel through the shared renderer, like
every other number the bot shows. Each entry has "Open" and "Delete" buttons: core actions
(``open:@<id>``, ``delete:@<id>``) whose answer arrives in the DM, numbered like "list".
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import Block, escape, plain
from bot.adapters.slack.strings import strings
from bot.render.catalog import lookup
from bot.render.env import renderer
from bot.render.labels import labels_for
from bot.render.saved import scenario_brief
from costengine.scenario import Scenario

__all__ = ["home_view"]


def _entry(number: int, estimate: Mapping[str, Any], locale: str | None) -> list[Block]:
    code = locale or "en"
    words = strings(locale)
    env = renderer().env(code)
    model = str(estimate.get("recommended", ""))
    model_label = labels_for(renderer(), code).get("model", model, default=model)
    totals = estimate.get("monthly_totals")
    currency = str(estimate.get("currency", ""))
    raw = totals.get(model) if isinstance(totals, Mapping) else None
    try:
        amount = env.filters["money"](Decimal(str(raw)), currency) if raw is not None else ""
    except (InvalidOperation, ValueError, KeyError):
        amount = f"{raw} {currency}"
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": words.entry(escape(model_label), escape(amount))},
        }
    ]
    about: list[str] = []
    created = estimate.get("created_at")
    if isinstance(created, str):
        try:
            about.append(env.filters["datetime"](datetime.fromisoformat(created)))
        except ValueError:
            about.append(created)
    scenario = estimate.get("scenario")
    if isinstance(scenario, Mapping):
        # an estimate of an older engine is shown without its scenario
        with contextlib.suppress(ValidationError):
            about.append(scenario_brief(Scenario.model_validate(scenario), code))
    if about:
        text = escape(" · ".join(about))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    estimate_id = estimate.get("id")
    if isinstance(estimate_id, int):
        blocks.append(
            {
                "type": "actions",
                "block_id": f"sw:home:entry:{estimate_id}",
                "elements": [
                    {
                        "type": "button",
                        "text": plain(lookup(code, f"actions.{name}_saved", number=number)),
                        "action_id": ids.action_id(ids.ACTION, index),
                        "value": f"{name}:@{estimate_id}",
                    }
                    for index, name in enumerate(("open", "delete"))
                ],
            }
        )
    return blocks


def home_view(
    estimates: Sequence[Mapping[str, Any]], locale: str | None, *, form: bool = True
) -> dict[str, Any]:
    """The ``home`` view for ``views.publish``: newest estimate first, at most ten."""
    words = strings(locale)
    buttons: list[Block] = [
        {
            "type": "button",
            "text": plain(words.home_new),
            "action_id": ids.HOME_START,
            "value": "start",
            "style": "primary",
        }
    ]
    if form:
        buttons.append(
            {
                "type": "button",
                "text": plain(words.home_form),
                "action_id": ids.HOME_FORM,
                "value": "form",
            }
        )
    blocks: list[Block] = [
        {"type": "header", "text": plain(words.home_title, 150)},
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(words.home_intro)}},
        {"type": "actions", "block_id": "sw:home", "elements": buttons},
        {"type": "divider"},
        {"type": "header", "text": plain(words.home_recent, 150)},
    ]
    if not estimates:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": escape(words.home_empty)}}
        )
    for number, estimate in enumerate(estimates[:10], start=1):
        blocks.extend(_entry(number, estimate, locale))
    return {"type": "home", "blocks": blocks}
