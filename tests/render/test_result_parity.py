"""Every locale renders results from the same files and the same label keys, translated."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

import pytest
from jinja2 import meta

from bot.render.env import LOCALES, renderer
from bot.render.labels import LABELS_FILE, flatten, labels_for
from bot.render.result import DEFAULT_KEYS
from costengine.results import CostCategory
from costengine.scenario import Channel, DeliveryModel, HoursPreset, SupportKind

TEMPLATES = Path(str(files("templates")))
FORMS = ("nom", "gen", "ins", "loc")
RESULT_FILES = ("result.j2", "why.j2", "details.j2", "quick.j2", LABELS_FILE)

#: Labels that may legitimately read the same as English (codes, brand-like terms).
SAME_AS_ENGLISH_ALLOWED = {
    "input.fte",
    "text.list_separator",
    "text.provider",  # placeholders only
    "hours.24x7",
    "default.region",
    "model_forms.outsourced.nom",  # "outsourcing" is the Polish word too
}


def labels(locale: str) -> dict[str, str]:
    with (TEMPLATES / locale / LABELS_FILE).open("rb") as handle:
        return flatten(tomllib.load(handle))


@pytest.mark.parametrize("name", RESULT_FILES)
def test_every_locale_has_each_result_file(name: str) -> None:
    for locale in LOCALES:
        assert (TEMPLATES / locale / name).is_file(), f"{locale}/{name}"


@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != "en"])
def test_label_keys_match_english(locale: str) -> None:
    english, own = labels("en"), labels(locale)
    assert sorted(own.keys() - english.keys()) == []
    assert sorted(english.keys() - own.keys()) == []


@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != "en"])
def test_labels_are_translated(locale: str) -> None:
    english, own = labels("en"), labels(locale)
    same = {key for key, text in own.items() if text == english[key]}
    assert sorted(same - SAME_AS_ENGLISH_ALLOWED) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_engine_enum_and_action_has_a_label(locale: str) -> None:
    own = labels(locale)
    wanted = [f"model.{m.value}" for m in DeliveryModel]
    wanted += [f"category.{c.value}" for c in CostCategory]
    wanted += [f"channel.{c.value}" for c in Channel]
    wanted += [f"hours.{h.value}" for h in HoursPreset]
    wanted += [f"kind.{k.value}" for k in SupportKind]
    wanted += [f"factor.{f}" for f in ("volume", "wage", "provider_rate")]
    wanted += list(DEFAULT_KEYS)
    wanted += ["chart.title", "chart.alt", "chart.recommended", "chart.legend"]
    wanted += ["value.service_level", "text.provider"]
    wanted += [f"model_forms.{m.value}.{form}" for m in DeliveryModel for form in FORMS]
    assert [key for key in wanted if key not in own] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_label_snippets_compile_and_use_only_known_filters(locale: str) -> None:
    env = renderer().env(locale)
    for key, text in labels(locale).items():
        if "{{" in text or "{%" in text:
            ast = env.parse(text)
            assert meta.find_undeclared_variables(ast), key  # a snippet uses its params
            env.from_string(text)


@pytest.mark.parametrize("locale", LOCALES)
def test_english_snippet_params_are_the_same_in_every_locale(locale: str) -> None:
    env = renderer().env("en")
    english, own = labels("en"), labels(locale)
    for key, text in english.items():
        params = meta.find_undeclared_variables(env.parse(text))
        assert meta.find_undeclared_variables(env.parse(own[key])) == params, key


@pytest.mark.parametrize("locale", LOCALES)
def test_result_templates_compile(locale: str) -> None:
    env = renderer().env(locale)
    for name in RESULT_FILES[:-1]:
        env.get_template(name)


def test_labels_for_falls_back_to_english_then_key() -> None:
    pl = labels_for(renderer(), "pl")
    assert pl.get("model", "hosted") == "Platforma hostowana"
    assert pl.get("model", "model.hosted") == "Platforma hostowana"
    assert pl.get("line_item", "brand_new", "Brand new") == "Brand new"
    assert pl.get("reason", "reason.brand_new") == "brand_new"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_the_engine_can_produce_has_a_label(locale: str) -> None:
    from costengine.pricing import CHOICE_KEYS, LINE_ITEM_KEYS, NOTE_KEYS
    from costengine.pricing.outsourced import BILLING_MODELS
    from costengine.pricing.partial import SPLITS
    from costengine.recommend import REASON_KEYS, RISK_KEYS

    own = labels(locale)
    wanted = [f"line_item.{key}" for key in LINE_ITEM_KEYS]
    wanted += [*NOTE_KEYS, *REASON_KEYS, *RISK_KEYS]
    wanted += [f"split.{key}" for key in SPLITS]
    wanted += [f"billing.{key}" for key in BILLING_MODELS]
    wanted += list(CHOICE_KEYS)
    wanted += [f"working.{key}" for key in LINE_ITEM_KEYS]  # every item in plain words
    wanted += [f"location.{key}" for key in ("onshore", "nearshore", "offshore")]
    wanted += [f"outsourcing.{key}" for key in ("dedicated", "shared")]
    wanted += [f"team.{key}" for key in ("blended", "phone", "chat", "deferrable")]
    assert [key for key in wanted if key not in own] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_region_and_seed_source_has_words(locale: str) -> None:
    """A provider's destination reads "in the Philippines" / "na Filipinach"; our own seed
    notes are titled in the reader's language, never "basis: seed 004"."""
    import tomllib as toml

    from costengine.ratecard import available_regions

    own = labels(locale)
    assert [r for r in available_regions() if f"where.{r}" not in own] == []
    with (Path(str(files("costengine"))) / "data" / "sources.toml").open("rb") as handle:
        sources = toml.load(handle)
    seeds = [key for key, entry in sources.items() if entry.get("url") is None]
    assert seeds and [key for key in seeds if f"source.{key}" not in own] == []
