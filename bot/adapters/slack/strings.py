"""The Slack adapter's own words: button and view labels no core reply carries.

The core renders every question, answer and result; the adapter only adds Slack chrome (the
"Done" under a multi-select, "Share in channel", the App Home and modal titles). Those live
as data in ``templates/<locale>/slack.toml`` beside the core's templates, so translators find
every string of a locale in one folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

from bot.render.env import DEFAULT_LOCALE, normalize_locale

__all__ = ["SlackStrings", "strings"]


@dataclass(frozen=True, slots=True)
class SlackStrings:
    done: str
    choose: str
    choose_many: str
    summary_edit: str  # above the summary's edit buttons
    share: str
    shared_by: str  # "{user}" is replaced by the member id
    dm_started: str
    failed: str
    home_title: str
    home_intro: str
    home_recent: str
    home_entry: str  # "{model}" and "{amount}" are replaced (already escaped for mrkdwn)
    home_empty: str
    home_new: str
    home_form: str
    modal_title: str
    modal_submit: str
    modal_close: str
    handoff_disabled: str
    handoff_modal_title: str
    handoff_modal_submit: str

    def shared(self, user_id: str) -> str:
        return self.shared_by.replace("{user}", user_id)

    def entry(self, model: str, amount: str) -> str:
        return self.home_entry.replace("{model}", model).replace("{amount}", amount)


def _load(locale: str) -> dict[str, str]:
    path = files("templates").joinpath(locale, "slack.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if isinstance(value, str)}


@cache
def strings(locale: str | None) -> SlackStrings:
    """The labels for ``locale`` ("pl-PL", "zh", None...), English for anything missing."""
    code = normalize_locale(locale)
    merged = _load(DEFAULT_LOCALE)
    if code != DEFAULT_LOCALE:
        merged.update(_load(code))
    return SlackStrings(**{f.name: merged[f.name] for f in fields(SlackStrings)})
