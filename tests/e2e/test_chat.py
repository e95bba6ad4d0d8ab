"""Scripted conversations through ``sourcewise chat`` in a subprocess with piped stdin.

Both ways into the engine (contact volumes, today's team size), in all three locales; back,
edit and what-if; end of input; Ctrl-C; and ``kill -9`` in the middle of a conversation,
after which a new process resumes at the same question with every answer kept.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from bot.render.catalog import catalog
from bot.render.conversation import action_choice
from bot.render.env import renderer
from bot.render.labels import labels_for
from tests.e2e.chat_driver import Chat, action_key, current_question, word

pytestmark = pytest.mark.slow

PNG = b"\x89PNG\r\n\x1a\n"

VOLUMES_EN = {
    "kind": "1",
    "region": "Poland",
    "channels": "1 3",  # phone, email
    "sizing": "2",
    "volume": ["12000", "3000"],
    "aht_mode": "1",
    "languages": "English, Polish",
    "agent_languages": "1",  # each agent speaks both
    "hours": "3",  # 24/7
    "timezone": "skip",
    "currency": "skip",
    "service_level": "1",
    "current_cost": "150000",
}


#: How the answer to "why?" opens.
WHY_OPENING = {"en": "Why ", "pl": "Dlaczego ", "zh": "为什么选"}


def result_first_line(locale: str) -> str:
    return {"en": "Recommended: ", "pl": "Zalecany model: ", "zh": "推荐方案："}[locale]


def label(locale: str, section: str, key: str) -> str:
    return labels_for(renderer(), locale).get(section, key)


def button(locale: str, value: str) -> str:
    """A follow-up's label: the same under a result as anywhere in the conversation."""
    return action_choice(value, locale).label


def chart_paths(output: str) -> list[Path]:
    return [Path(found) for found in re.findall(r"(/\S*?sourcewise-costs\.png)", output)]


def assert_result(output: str, locale: str) -> None:
    lines = [line for line in output.splitlines() if line.startswith(result_first_line(locale))]
    assert lines, output
    paths = chart_paths(output)
    assert paths, output
    assert paths[-1].read_bytes().startswith(PNG)
    for value in ("why", "details", "restart"):
        assert button(locale, value) in output


def test_kill_9_then_resume_and_finish_by_volumes_in_english(tmp_path: Path) -> None:
    """The happy path by volumes, killed with SIGKILL half way: the new process re-asks the
    same question, keeps every answer, and the conversation ends in a result."""
    database = tmp_path / "db.sqlite"
    with Chat(database, tmp_path, locale="en") as chat:
        output = chat.read_turn()
        for line in ("1", "Poland", "1 3", "", "2", "12000", "3000", "1"):
            output = chat.say(line)
        assert current_question(output, "en") == "languages"
        assert chat.kill(signal.SIGKILL) == -signal.SIGKILL

    with Chat(database, tmp_path, locale="en") as chat:
        resumed = chat.read_turn()
        assert current_question(resumed, "en") == "languages"
        summary = chat.answer(resumed, VOLUMES_EN)
        for kept in ("Poland", "Phone", "Email", "12,000", "3,000", "24/7"):
            assert kept in summary
        result = chat.say(word("en", "compute"))
        assert_result(result, "en")
        assert "PLN" in result
        working = chat.say(action_key(result, button("en", "why")))
        assert "Where the money goes:" in working and "\nSources:\n1. " in working
        details = chat.say(action_key(working, button("en", "details")))
        assert "What if the inputs are off?" in details and "Assumptions" in details
        status, _ = chat.close()
    assert status == 0


def test_ctrl_c_then_resume_and_finish_by_team_size_in_polish(tmp_path: Path) -> None:
    """The happy path by team size, interrupted with Ctrl-C after the first answer."""
    database = tmp_path / "db.sqlite"
    with Chat(database, tmp_path, locale="pl") as chat:
        chat.read_turn()
        asked = chat.say("1")
        assert current_question(asked, "pl") == "region"
        assert chat.kill(signal.SIGINT) == 130
        assert "rozmowa jest zapisana" in chat.rest().casefold()
        assert "Traceback" not in chat.stderr()

    answers = {
        "region": "Polska",
        "channels": "telefon, czat",
        "sizing": "1",
        "team_size": "8",
        "aht_mode": "1",
        "languages": "polski",
        "hours": "1",
        "timezone": "pomiń",
        "currency": "pomiń",
        "service_level": "pomiń",
        "current_cost": "pomiń",
    }
    with Chat(database, tmp_path, locale="pl") as chat:
        resumed = chat.read_turn()
        assert current_question(resumed, "pl") == "region"
        summary = chat.answer(resumed, answers)
        assert "Polska" in summary
        result = chat.say(word("pl", "compute"))
        assert_result(result, "pl")
        assert "Twój obecny zespół (8\u00a0osób)" in result
        what_if = chat.say(action_key(result, button("pl", "whatif:hours=24x7")))
        assert_result(what_if, "pl")
        assert label("pl", "hours", "24x7") in what_if
        status, _ = chat.close()
    assert status == 0


def test_happy_path_by_volumes_in_chinese(tmp_path: Path) -> None:
    answers = {
        "kind": "1",
        "region": "中国",
        "channels": "2 3",  # chat, email
        "sizing": "2",
        "volume": ["8000", "2000"],
        "aht_mode": "1",
        "languages": "中文",
        "hours": "2",
        "timezone": "跳过",
        "currency": "跳过",
        "service_level": "跳过",
        "current_cost": "跳过",
    }
    with Chat(tmp_path / "db.sqlite", tmp_path, locale="zh") as chat:
        summary = chat.answer(chat.read_turn(), answers)
        result = chat.say(word("zh", "compute"))
        assert_result(result, "zh")
        assert "8,000" in summary
        assert "¥" in result  # CNY, the region's own currency, formatted for zh_Hans_CN
        status, _ = chat.close()
    assert status == 0


def test_back_edit_and_what_if(tmp_path: Path) -> None:
    with Chat(tmp_path / "db.sqlite", tmp_path, locale="en") as chat:
        first = chat.read_turn()
        assert current_question(first, "en") == "kind"
        region = chat.say("1")
        assert current_question(region, "en") == "region"
        again = chat.say(action_key(region, "Back"))
        assert current_question(again, "en") == "kind"
        summary = chat.answer(again, VOLUMES_EN)
        edit = chat.say(action_key(summary, "Edit: Region"))
        assert current_question(edit, "en") == "region"
        summary = chat.say("UK")
        summary = chat.answer(summary, {"timezone": "skip", "currency": "skip"})
        assert "United Kingdom" in summary and "Poland" not in summary
        assert "12,000" in summary  # the other answers were kept
        result = chat.say(word("en", "compute"))
        assert_result(result, "en")
        assert "United Kingdom" in result
        business = chat.say(action_key(result, button("en", "whatif:hours=business")))
        assert_result(business, "en")
        assert label("en", "hours", "business") in business
        more = chat.say(action_key(business, button("en", "whatif:volume=+20%")))
        assert_result(more, "en")
        assert "18,000 contacts a month" in more  # 15,000 + 20%
        status, _ = chat.close()
    assert status == 0


def test_saved_estimates_are_listed_reopened_deleted_and_forgotten(tmp_path: Path) -> None:
    """Issue 15, point 3, in the terminal: "list", "open 1", "delete 1" and "delete my data"
    act on what the database keeps; after a confirmed delete, a new run starts afresh."""
    database = tmp_path / "db.sqlite"
    with Chat(database, tmp_path, locale="en") as chat:
        summary = chat.answer(chat.read_turn(), VOLUMES_EN)
        result = chat.say(word("en", "compute"))
        assert_result(result, "en")
        listing = chat.say("list")
        assert "Your saved estimates (newest first):" in listing
        assert "Poland · Phone and email · 15,000 contacts a month · 24/7" in listing
        assert action_key(listing, "Open 1") and action_key(listing, "Delete 1")
        reopened = chat.say(action_key(listing, "Open 1"))
        assert "Here is that estimate again" in reopened
        assert_result(reopened, "en")
        deleted = chat.say("delete 1")
        assert "Deleted that estimate." in deleted and "You have no saved estimates yet." in deleted
        asked = chat.say("delete my data")
        assert "This cannot be undone." in asked
        done = chat.say(action_key(asked, "Yes, delete everything"))
        assert "Done: your conversations and saved estimates are deleted." in done
        status, _ = chat.close()
    assert status == 0 and "12,000" in summary

    with Chat(database, tmp_path, locale="en") as chat:
        fresh = chat.read_turn()
        assert current_question(fresh, "en") == "kind"
        assert "Welcome back" not in fresh
        chat.close()


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("en", "8 agents phone and chat 24/7 in the US, English and Chinese"),
        ("pl", "5 konsultantów, telefon i czat, pon-pt 8-16, w Krakowie"),
        ("zh", "我们在上海有三个客服，电话和在线聊天"),
    ],
)
def test_quick_prints_its_reading_and_result_without_a_dead_menu(
    tmp_path: Path, locale: str, line: str
) -> None:
    """``sourcewise chat --quick`` (issue 15, point 1): what it read, the result, and how to
    carry on; no numbered actions nor a heading left without its buttons, since the process
    ends. Then ``sourcewise chat`` continues at that result."""
    import os
    import subprocess
    import sys

    database = tmp_path / "chat.db"
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("SOURCEWISE_DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "chat",
            "--database-url",
            f"sqlite+aiosqlite:///{database}",
            "--user",
            "tester",
            "--locale",
            locale,
            "--out-dir",
            str(tmp_path / "charts"),
            "--quick",
            line,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [text.rstrip() for text in done.stdout.splitlines() if text.strip()]
    assert any(text.startswith(result_first_line(locale)) for text in lines), done.stdout
    assert chart_paths(done.stdout)[-1].read_bytes().startswith(PNG)
    assert not any(re.match(r"^\s*[a-z]\) ", text) for text in lines), done.stdout
    # the heading of the follow-up buttons would head nothing
    offer = catalog().table(locale)["outsourcing.try"]
    assert isinstance(offer, str) and offer not in done.stdout, done.stdout
    chat = Chat(database, tmp_path, locale=locale)
    try:
        welcome = chat.read_turn()
        assert current_question(welcome, locale) is None, welcome  # not question 1 again
        why = chat.say(word(locale, "why"))
        assert why.startswith(WHY_OPENING[locale]), why
    finally:
        chat.close()
