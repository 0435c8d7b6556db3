"""
AnthropicProvider with the real ``anthropic`` SDK against a local HTTP
server that answers like the Messages API: answers, usage and cost,
streaming, the count endpoint, failures, the key and where it comes from,
and a plugin whose model budget counts real usage.
"""

import stat

import pytest


pytest.importorskip("anthropic")
pytest.importorskip("pytest_httpserver")

from tests.claude.asker import asker_host
from tests.claude.messages_api import MessagesApi

from acc_plugins.claude import AnthropicProvider
from acc_plugins.errors import ClaudeError, ConfigError, PluginCallError
from acc_plugins.host.config._claudekey import find_api_key, store_api_key


KEY = "sk-ant-local-test-0123456789"


@pytest.fixture(name="api")
def _api(httpserver):
    return MessagesApi(httpserver)


def provider(api, **options):
    options.setdefault("max_retries", 0)
    return AnthropicProvider(KEY, base_url=api.url, **options)


def test_a_query_sends_the_prompt_the_system_and_the_model(api):
    api.answer("Hello there.")
    claude = provider(api, model="claude-haiku-4-5")
    assert claude.query("Say hello", system="Be brief.", max_tokens=50) == (
        "Hello there."
    )
    path, body, headers = api.requests[-1]
    assert path == "messages"
    assert body["model"] == "claude-haiku-4-5"
    assert body["max_tokens"] == 50
    assert body["system"] == "Be brief."
    assert body["messages"] == [{"role": "user", "content": "Say hello"}]
    sent = {k.lower(): v for k, v in headers.items()}
    auth = sent.get("authorization", "").removeprefix("Bearer ")
    assert KEY in (sent.get("x-api-key"), auth)


def test_the_reply_carries_usage_and_the_cost_at_the_model_price(api):
    api.answer("ok", input_tokens=1000, output_tokens=200, cache_reads=5000)
    reply = provider(api, model="claude-sonnet-4-5").reply("hi")
    assert (reply.text, reply.model, reply.stop_reason) == (
        "ok",
        "claude-sonnet-4-5",
        "end_turn",
    )
    assert (reply.input_tokens, reply.output_tokens) == (6000, 200)
    # $3 per million in, $15 out, cache reads at a tenth of input.
    expected = (1000 * 3 + 5000 * 0.3 + 200 * 15) / 1_000_000
    assert reply.cost_usd == pytest.approx(expected)


def test_a_ceiling_caps_what_each_query_asks(api):
    provider(api, max_tokens=100).query("hi", max_tokens=5000)
    assert api.requests[-1][1]["max_tokens"] == 100


def test_streaming_hands_out_the_pieces_and_the_final_usage(api):
    api.answer("a streamed answer", input_tokens=7, output_tokens=4)
    pieces: list[str] = []
    reply = provider(api).reply("stream it", on_text=pieces.append)
    assert api.requests[-1][1]["stream"] is True
    assert len(pieces) > 1
    assert "".join(pieces) == reply.text == "a streamed answer"
    assert (reply.input_tokens, reply.output_tokens) == (7, 4)


def test_stream_true_streams_every_query(api):
    assert provider(api, stream=True).query("two words") == "echo: two words"
    assert api.requests[-1][1]["stream"] is True


def test_tokens_are_counted_by_the_api_count_endpoint(api):
    counted = provider(api).count_prompt_tokens("one two three", system="four")
    assert counted == 4
    path, body, _ = api.requests[-1]
    assert path == "count_tokens"
    assert "max_tokens" not in body


@pytest.mark.parametrize(
    ("status", "kind", "said"),
    [
        (401, "authentication_error", "invalid x-api-key"),
        (429, "rate_limit_error", "slow down"),
        (529, "overloaded_error", "Overloaded"),
    ],
)
def test_an_api_error_is_one_clear_claude_error_without_the_key(
    api, status, kind, said
):
    api.fail(status, kind, said)
    with pytest.raises(ClaudeError) as caught:
        provider(api).query("hi")
    message = str(caught.value)
    assert message.startswith(f"anthropic: the Messages API answered {status}")
    assert said in message
    assert KEY not in message
    assert caught.value.__context__ is None  # no SDK object rides along


def test_the_sdk_retries_what_the_api_says_to_retry(api):
    api.fail(529, "overloaded_error", "Overloaded")
    claude = provider(api, max_retries=1)
    assert claude.query("again") == "echo: again"
    assert [path for path, _, _ in api.requests] == ["messages", "messages"]


def test_an_unreachable_api_names_its_address():
    claude = AnthropicProvider(
        KEY, base_url="http://127.0.0.1:9", max_retries=0, timeout=5
    )
    with pytest.raises(ClaudeError, match=r"could not reach .*127\.0\.0\.1:9"):
        claude.query("hi")


def test_the_key_comes_from_the_environment_before_the_secret_store(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert find_api_key(tmp_path) is None
    store_api_key(tmp_path, "  sk-stored  ")
    store = tmp_path / "secrets.json"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert find_api_key(tmp_path) == ("sk-stored", "the secret store")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env")
    assert find_api_key(tmp_path) == ("sk-env", "ANTHROPIC_API_KEY")
    claude = AnthropicProvider(data_dir=tmp_path)
    assert "sk-env" not in repr(claude)
    assert "ANTHROPIC_API_KEY" in repr(claude)


def test_a_secret_store_others_can_read_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    store_api_key(tmp_path, "sk-stored")
    (tmp_path / "secrets.json").chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        AnthropicProvider(data_dir=tmp_path)


def test_no_key_anywhere_says_how_to_give_one(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="claude key set"):
        AnthropicProvider(data_dir=tmp_path)


@pytest.mark.parametrize("key", ["", "   ", "two\nlines"])
def test_a_key_that_is_not_one_line_is_refused(tmp_path, key):
    with pytest.raises(ValueError, match="one line"):
        store_api_key(tmp_path, key)
    assert not (tmp_path / "secrets.json").exists()


def test_a_plugin_budget_counts_the_usage_the_api_reports(tmp_path, api):
    host = asker_host(tmp_path, "model-tokens = 1000", provider(api))
    try:
        api.answer("first", input_tokens=600, output_tokens=300)
        api.answer("second", input_tokens=40, output_tokens=10)
        # 900 then 950 of 1000: the estimate would have been a few tokens.
        assert host.call_tool("asker.ask", prompt="hi", times=2) == (
            "first second"
        )
        api.answer("third", input_tokens=900, output_tokens=50)
        with pytest.raises(PluginCallError, match="model budget of 1000"):
            host.call_tool("asker.ask", prompt="hi", times=2)
        # The bound refused the second query, and the API's count (1
        # token and up to 50 more, with 50 left) confirmed it.
        assert [path for path, _, _ in api.requests[-2:]] == [
            "messages",
            "count_tokens",
        ]
        # A new call starts afresh.
        assert host.call_tool("asker.ask", prompt="hi") == "echo: hi"
    finally:
        host.stop()
