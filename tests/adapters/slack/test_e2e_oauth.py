"""OAuth mode: two workspaces install the app through /slack/install and
/slack/oauth_redirect; each request is then answered with its own workspace's token."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from pydantic import SecretStr

from bot.adapters.slack.installations import StoreInstallations
from bot.store import Store
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import SIGNING_SECRET, DmUser, HarnessFactory, SlackHarness
from tests.fakes.slack_server import FakeSlackServer

# slack_sdk sends the OAuth client credentials with aiohttp's BasicAuth, which aiohttp 3.14
# deprecates; the library's warning is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret-value-42"


async def install(harness: SlackHarness, api: FakeSlackServer, team: str) -> None:
    """What a browser does: open /slack/install, come back from Slack with a code."""
    token = f"xoxb-{team.lower()}-installed-token"
    api.add_oauth_code(f"code-{team}", team_id=team, bot_token=token)
    async with harness.session.get(f"{harness.url}/slack/install", allow_redirects=False) as r:
        assert r.status == 302
        location = urlparse(r.headers["Location"])
        cookie = r.headers["Set-Cookie"].split(";")[0]
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert "chat:write" in query["scope"][0]
    state = query["state"][0]
    async with harness.session.get(
        f"{harness.url}/slack/oauth_redirect",
        params={"code": f"code-{team}", "state": state},
        headers={"Cookie": cookie},
        allow_redirects=False,
    ) as r:
        assert r.status == 200, await r.text()


@pytest.fixture
async def oauth(make_harness: HarnessFactory) -> SlackHarness:
    return await make_harness(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=SecretStr(CLIENT_SECRET),
    )


async def test_two_workspaces_install_and_are_answered_with_their_own_tokens(
    oauth: SlackHarness, api: FakeSlackServer, store: Store
) -> None:
    await install(oauth, api, "T7")
    await install(oauth, api, "T8")
    exchanges = api.calls_of("oauth.v2.access")
    assert [c.params.get("code") for c in exchanges] == ["code-T7", "code-T8"]

    bot7 = await StoreInstallations(store).async_find_bot(enterprise_id=None, team_id="T7")
    assert bot7 is not None and bot7.bot_token == "xoxb-t7-installed-token"

    await oauth.event(payloads.message_event("hi", team="T7", user="U1", channel="D71"))
    await oauth.event(payloads.message_event("hi", team="T8", user="U1", channel="D81"))
    await oauth.bot.drain()
    posts = {c.params["channel"]: c.token for c in api.calls_of("chat.postMessage")}
    assert posts == {"D71": "xoxb-t7-installed-token", "D81": "xoxb-t8-installed-token"}


async def test_a_workspace_that_never_installed_gets_nothing(
    oauth: SlackHarness, api: FakeSlackServer
) -> None:
    await install(oauth, api, "T7")
    posted = await oauth.event(payloads.message_event("hi", team="T9", user="U1"))
    await oauth.bot.drain()
    assert "reinstall" in posted.text  # bolt's own answer to an unknown workspace
    assert api.calls_of("chat.postMessage") == []


async def test_a_forged_state_is_refused(oauth: SlackHarness, api: FakeSlackServer) -> None:
    api.add_oauth_code("code-T5", team_id="T5", bot_token="xoxb-t5")
    async with oauth.session.get(
        f"{oauth.url}/slack/oauth_redirect",
        params={"code": "code-T5", "state": "made-up"},
        headers={"Cookie": "slack-app-oauth-state=made-up"},
        allow_redirects=False,
    ) as r:
        assert r.status >= 400
    assert api.calls_of("oauth.v2.access") == []


async def test_the_client_secret_and_tokens_stay_out_of_the_logs(
    oauth: SlackHarness, api: FakeSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    await install(oauth, api, "T7")
    await oauth.event(payloads.message_event("hi", team="T7", user="U1"))
    await api.wait_for("chat.postMessage")
    await oauth.bot.drain()
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "oauth.v2.access" in text
    for secret in (CLIENT_SECRET, SIGNING_SECRET, "xoxb-t7-installed-token"):
        assert secret not in text
    assert not re.search(r"xox[bp]-[A-Za-z0-9]", text)


async def test_each_workspace_sees_only_its_own_conversations_and_estimates(
    oauth: SlackHarness, api: FakeSlackServer
) -> None:
    await install(oauth, api, "T7")
    await install(oauth, api, "T8")
    # The same member id in two workspaces is two different people.
    in_t7 = DmUser(oauth, api, team="T7", user="U1", channel="D71")
    in_t8 = DmUser(oauth, api, team="T8", user="U1", channel="D81")
    await in_t7.say("hello")
    await in_t7.press("kind", "customer_service")
    assert in_t7.last_prompt() == "region"
    await in_t8.say("hello")
    assert in_t8.last_prompt() == "kind"  # T8's conversation starts afresh

    await oauth.command(
        payloads.slash_command("8 agents phone Poland 24/7", team="T7", user="U1", channel="C7")
    )
    await oauth.bot.drain()
    await oauth.event(payloads.app_home_opened(team="T7", user="U1"))
    await oauth.event(payloads.app_home_opened(team="T8", user="U1"))
    await oauth.bot.drain()
    homes = {c.token: json.dumps(c.json_param("view")) for c in api.calls_of("views.publish")}
    assert "a month" in homes["xoxb-t7-installed-token"]
    assert "No estimates yet" in homes["xoxb-t8-installed-token"]
    assert "a month" not in homes["xoxb-t8-installed-token"]
