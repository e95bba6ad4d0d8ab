"""Reply -> Block Kit: the shapes Slack accepts, and the round trip back to core events."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import (
    MAX_BUTTONS,
    escape,
    fallback_text,
    mark_answered,
    mrkdwn_sections,
    reply_blocks,
)
from bot.adapters.slack.strings import strings
from bot.adapters.slack.translate import from_block_action
from bot.core.events import Choice, Command, Pick, Reply, ReplyKind, Submit
from tests.adapters.slack import payloads

EN = strings("en")


def _choices(n: int) -> tuple[Choice, ...]:
    return tuple(Choice(value=f"v{i}", label=f"Label {i}") for i in range(n))


def _elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks for e in b.get("elements", ()) if "action_id" in e]


def test_text_is_escaped_mrkdwn() -> None:
    blocks = reply_blocks(Reply(text="Fewer than <5 agents & >2 sites"), EN)
    assert blocks == [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Fewer than &lt;5 agents &amp; &gt;2 sites"},
        }
    ]
    assert fallback_text(Reply(text="a<b")) == "a&lt;b"


def test_few_choices_are_buttons_that_click_back_to_picks() -> None:
    reply = Reply(text="Hours?", kind=ReplyKind.QUESTION, question="hours", choices=_choices(3))
    blocks = reply_blocks(reply, EN)
    buttons = _elements(blocks)
    assert [b["type"] for b in buttons] == ["button"] * 3
    assert [b["text"]["text"] for b in buttons] == ["Label 0", "Label 1", "Label 2"]
    for i, button in enumerate(buttons):
        inbound = from_block_action(payloads.click(button))
        assert inbound is not None and inbound.event == Pick("hours", f"v{i}")


def test_the_current_answer_is_highlighted() -> None:
    reply = Reply(text="Hours?", question="hours", choices=_choices(2), selected=frozenset({"v1"}))
    buttons = _elements(reply_blocks(reply, EN))
    assert "style" not in buttons[0] and buttons[1]["style"] == "primary"


def test_many_choices_become_a_static_select() -> None:
    reply = Reply(text="Country?", question="country", choices=_choices(MAX_BUTTONS + 1))
    (menu,) = _elements(reply_blocks(reply, EN))
    assert menu["type"] == "static_select"
    assert menu["placeholder"]["text"] == EN.choose
    assert len(menu["options"]) == MAX_BUTTONS + 1
    inbound = from_block_action(payloads.choose(menu, "v4"))
    assert inbound is not None and inbound.event == Pick("country", "v4")


def test_more_than_a_hundred_options_are_grouped() -> None:
    reply = Reply(text="Zone?", question="tz", choices=_choices(230))
    (menu,) = _elements(reply_blocks(reply, EN))
    assert "options" not in menu
    assert [len(g["options"]) for g in menu["option_groups"]] == [100, 100, 30]
    inbound = from_block_action(payloads.choose(menu, "v229"))
    assert inbound is not None and inbound.event == Pick("tz", "v229")


def test_multi_choice_is_a_multi_select_plus_done() -> None:
    reply = Reply(
        text="Channels?",
        question="channels",
        choices=_choices(4),
        multi=True,
        selected=frozenset({"v2"}),
    )
    blocks = reply_blocks(reply, EN)
    select, done = _elements(blocks)
    assert select["type"] == "multi_static_select"
    assert [o["value"] for o in select["initial_options"]] == ["v2"]
    assert done["text"]["text"] == EN.done
    block = payloads.block_of(blocks, select["action_id"])
    state = payloads.multi_state(block["block_id"], select, ["v0", "v3"])
    inbound = from_block_action(payloads.click(done, state=state))
    assert inbound is not None and inbound.event == Submit("channels", ("v0", "v3"))


def test_actions_become_buttons_that_click_back_to_commands() -> None:
    actions = tuple(Choice(value=f"why:{i}", label=f"Why {i}") for i in range(30))
    reply = Reply(text="Result", kind=ReplyKind.RESULT, actions=actions)
    blocks = reply_blocks(reply, EN)
    action_blocks = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in action_blocks] == [25, 5]
    assert len({b["block_id"] for b in action_blocks}) == 2
    last = action_blocks[1]["elements"][-1]
    inbound = from_block_action(payloads.click(last))
    assert inbound is not None and inbound.event == Command("why", "29")


def test_the_summary_groups_its_edit_buttons_and_calculate_is_primary() -> None:
    """Issue 15, point 10: at 7ff2637 the summary was fifteen buttons in one block, with
    Calculate looking like any edit."""
    edits = tuple(Choice(f"edit:q{i}", f"Edit {i}") for i in range(12))
    actions = (*edits, Choice("compute", "Calculate"), Choice("restart", "Start again"))
    blocks = reply_blocks(Reply(text="Summary", kind=ReplyKind.SUMMARY, actions=actions), EN)
    action_blocks = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in action_blocks] == [5, 5, 2, 2]
    heading = blocks[blocks.index(action_blocks[0]) - 1]
    assert heading["type"] == "context" and heading["elements"][0]["text"] == "Change an answer:"
    go = action_blocks[-1]["elements"]
    assert [e["value"] for e in go] == ["compute", "restart"]
    assert go[0]["style"] == "primary"
    assert [e for b in action_blocks[:-1] for e in b["elements"] if "style" in e] == []
    action_ids = [e["action_id"] for b in action_blocks for e in b["elements"]]
    assert len(set(action_ids)) == len(action_ids) == 14
    last_edit = action_blocks[2]["elements"][1]
    for element, expected in ((go[0], Command("compute")), (last_edit, Command("edit", "q11"))):
        inbound = from_block_action(payloads.click(element))
        assert inbound is not None and inbound.event == expected


def test_labels_are_truncated_to_slacks_limit() -> None:
    reply = Reply(text="?", question="q", choices=(Choice("v", "x" * 200),))
    (button,) = _elements(reply_blocks(reply, EN))
    assert len(button["text"]["text"]) == 75
    assert button["text"]["text"].endswith("…")


def test_errors_are_marked() -> None:
    blocks = reply_blocks(Reply(text="Not a number", kind=ReplyKind.ERROR), EN)
    assert blocks[0]["text"]["text"].startswith("⚠️ Not a number")


def test_results_separate_text_and_actions_with_a_divider() -> None:
    reply = Reply(text="In-house wins", kind=ReplyKind.RESULT, actions=(Choice("why", "Why?"),))
    assert [b["type"] for b in reply_blocks(reply, EN)] == ["section", "divider", "actions"]


@given(st.text(alphabet=st.sampled_from("ab<>& \n"), max_size=9000))
@settings(max_examples=60, deadline=None)
def test_sections_fit_slack_and_lose_nothing(text: str) -> None:
    sections = mrkdwn_sections(text)
    assert all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert all(s["text"]["text"] for s in sections)
    joined = "".join(s["text"]["text"] for s in sections)
    expected = escape(text.strip())
    assert re.sub(r"\s+", "", joined) == re.sub(r"\s+", "", expected)  # whitespace at a cut


def test_a_long_section_is_cut_at_a_line_end_and_never_inside_an_entity() -> None:
    """Issue 15, problem 4: in Slack a 3,000-character section was cut mid-line, and could
    split an escaped ``&amp;``. Lines of 57 characters with "&" and "<" in them: every
    section ends where a line of the original ends, and holds only whole entities."""
    lines = [f"• Line {n:03d}: phone & chat <5 s, {'x' * 24}" for n in range(150)]
    text = "\n".join(lines)
    assert len(escape(text)) > 2 * 3000
    sections = [s["text"]["text"] for s in mrkdwn_sections(text)]
    assert len(sections) >= 3
    escaped_lines = {escape(line) for line in lines}
    for section in sections:
        assert len(section) <= 3000
        assert all(line in escaped_lines for line in section.split("\n")), section[-80:]
        assert not re.search(r"&(?!amp;|lt;|gt;)", section)


def test_the_fallback_text_is_cut_before_escaping() -> None:
    """The notification text (3,000 characters) never ends in half an entity."""
    text = "a" * 2997 + " & more"  # escaped, "&amp;" straddles character 3,000
    fallback = fallback_text(Reply(text=text))
    assert len(fallback) <= 3000
    assert not re.search(r"&(?!amp;|lt;|gt;)", fallback)
    assert fallback.endswith("…")


def test_a_huge_reply_stays_within_fifty_blocks_and_keeps_its_buttons() -> None:
    text = "\n\n".join("p" * 2900 for _ in range(80))
    reply = Reply(text=text, question="q", choices=_choices(2))
    blocks = reply_blocks(reply, EN)
    assert len(blocks) == 50
    assert blocks[-1]["type"] == "actions"


def test_mark_answered_shows_the_answer_and_leaves_no_live_button() -> None:
    """Issue 15, point 10: an answered question kept a live "Back" at 7ff2637."""
    actions = (Choice("back", "Back"), Choice("skip", "Skip"))
    reply = Reply(text="Hours?", question="hours", choices=_choices(2), actions=actions)
    blocks = reply_blocks(reply, EN)
    assert [b["type"] for b in blocks] == ["section", "actions", "actions"]
    updated = mark_answered(blocks, "hours", "Label <1>")
    assert updated == [
        blocks[0],
        {
            "type": "context",
            "block_id": ids.question_block_id("hours"),
            "elements": [{"type": "mrkdwn", "text": "✓ *Label &lt;1&gt;*"}],
        },
    ]
    typed = reply_blocks(Reply(text="How many?", question="team_size", actions=actions), EN)
    assert mark_answered(typed, None, None) == [typed[0]]  # answered by typing: buttons gone


def test_a_question_names_itself_in_its_first_section() -> None:
    reply = Reply(text="How many agents?", kind=ReplyKind.QUESTION, question="team_size")
    (section,) = reply_blocks(reply, EN)
    assert section["block_id"] == ids.prompt_block_id("team_size")
    assert "block_id" not in reply_blocks(Reply(text="Note"), EN)[0]
