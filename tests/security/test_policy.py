"""
The administrator's policy: the third term of effective grants, and the
settings a manifest or a user cannot loosen.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.host.test_host import BOTH_TIERS, started_host, write_plugin

from acc_plugins.errors import PermissionDenied, PluginCallError, PolicyError
from acc_plugins.host import State
from acc_plugins.manifest import IsolationMode, Limits
from acc_plugins.security import Policy, Severity


ENVY = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def home(self) -> object:
        return self.ctx.env.get("HOME")

    @tool
    def ping(self) -> str:
        return "pong"
"""


def test_a_policy_file_is_read(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(
        '[permissions]\nallow = ["fs:read:*", "host:*"]\ndeny = ["host:tools:*"]\n'
        '[isolation]\nrequire = "subprocess"\n'
        '[scan]\nblocks = "high"\n'
        "[quarantine]\nbreaches = 2\n"
    )
    policy = Policy.load(path)
    assert policy.isolation is IsolationMode.SUBPROCESS
    assert policy.scan_blocks is Severity.HIGH
    assert policy.breach_limit == 2
    assert policy.permits("host:claude.query")
    assert policy.permits("fs:read:/work/x")
    assert not policy.permits("host:tools:other.x")  # deny wins
    assert not policy.permits("env:HOME")  # not allowed


def test_every_problem_in_a_policy_is_named_at_once(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(
        '[permissions]\nallow = "fs:*"\nlimit = 1\n'
        '[isolation]\nrequire = "vm"\n'
        "[quarantine]\nbreaches = 0\n"
        "[extra]\n"
    )
    with pytest.raises(PolicyError) as caught:
        Policy.load(path)
    text = str(caught.value)
    for expected in (
        "permissions.limit: unknown key",
        "permissions.allow: must be a list",
        "isolation.require: 'vm' is not one of",
        "quarantine.breaches: 0 is not",
        "extra: unknown table",
    ):
        assert expected in text
    assert text.startswith(str(path))


def test_a_policy_that_is_not_toml_is_one_clear_error(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[permissions\n")
    with pytest.raises(PolicyError, match="is not valid TOML"):
        Policy.load(path)


permission = st.from_regex(
    r"(fs:read:/[a-z/]{0,12}|env:[A-Z_]{1,8}|host:[a-z.]{1,12})",
    fullmatch=True,
)


@given(
    perm=permission,
    allow=st.lists(
        st.sampled_from(["*", "env:*", "fs:*", "host:*", "host:claude.query"]),
        max_size=3,
    ),
    deny=st.lists(
        st.sampled_from(["*", "env:*", "fs:read:*", "host:tools:*"]),
        max_size=2,
    ),
)
def test_deny_always_wins_and_allow_is_a_ceiling(perm, allow, deny):
    policy = Policy(allow=tuple(allow), deny=tuple(deny))
    denied = (
        Policy(allow=tuple(deny), deny=()).permits(perm) if deny else False
    )
    allowed = Policy(allow=tuple(allow)).permits(perm)
    assert policy.permits(perm) == (allowed and not denied)


@pytest.fixture(name="plugins")
def _plugins(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "envy",
        ENVY,
        extra='[permissions]\nenvironment = ["HOME"]\n',
    )
    return tmp_path


def _host(tmp_path, policy):
    return started_host(tmp_path, policy=policy)


def test_a_denied_permission_is_never_effective(plugins):
    host = _host(plugins, Policy(deny=("env:*",)))
    try:
        with pytest.raises(
            PluginCallError, match="lacks permission 'env:HOME'"
        ):
            host.call_tool("envy.home")
        shown = host.permissions("envy")
        assert shown["granted"] == ["env:HOME"]  # the user's consent stands
        assert shown["blocked by policy"] == ["env:HOME"]
        assert shown["effective"] == []
    finally:
        host.stop()


def test_without_a_policy_the_grant_applies(plugins):
    host = _host(plugins, None)
    try:
        assert host.call_tool("envy.home") is not None
    finally:
        host.stop()


def test_a_required_tier_overrides_the_manifest(plugins):
    host = _host(
        plugins, Policy(isolation=IsolationMode.SUBPROCESS, deny=("env:*",))
    )
    try:
        assert host._plugins.records["envy"].remote is not None
        assert host.call_tool("envy.ping") == "pong"
        # The worker's own host applies the same policy.
        with pytest.raises(
            PluginCallError, match="lacks permission 'env:HOME'"
        ):
            host.call_tool("envy.home")
        assert host.state("envy") is State.ACTIVE
    finally:
        host.stop()


def test_the_host_refuses_a_worker_request_the_policy_denies(
    plugins, tmp_path
):
    write_plugin(
        tmp_path / "plugins",
        "asker",
        ENVY,
        extra='[permissions]\nhost = ["claude.query"]\n',
    )
    host = _host(tmp_path, Policy(deny=("host:claude.*",)))
    try:
        forged = {"op": "claude.query", "prompt": "hi"}
        with pytest.raises(PermissionDenied):
            host._parts.tier.serve(host._plugins.records["asker"], forged)
    finally:
        host.stop()


def test_limit_ceilings_are_read_and_lower_what_manifests_ask():
    policy = Policy.from_dict(
        {"limits": {"timeout-ms": 200, "steps": 5000, "model-cost-usd": 0.5}},
        source="test",
    )
    asked = Limits(timeout_ms=60_000, memory_mb=64, model_cost_usd=0.25)

    clamped = policy.clamp(asked)

    assert clamped.timeout_ms == 200  # lowered
    assert clamped.memory_mb == 64  # no ceiling
    assert clamped.model_cost_usd == 0.25  # already below
    assert clamped.steps == 5000  # imposed: the manifest counted none
    assert policy.clamp(Limits(steps=10)).steps == 10


def test_every_bad_ceiling_is_named():
    with pytest.raises(PolicyError) as caught:
        Policy.from_dict(
            {
                "limits": {
                    "timeout-ms": "fast",
                    "memory-mb": 10**9,
                    "steps": 0,
                    "speed": 3,
                }
            },
            source="policy.toml",
        )
    problems = "\n".join(caught.value.problems)
    assert "limits.timeout-ms" in problems
    assert "limits.memory-mb" in problems
    assert "limits.steps" in problems
    assert "limits.speed: unknown key" in problems


SPINNER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def spin(self) -> int:
        n = 0
        while True:
            n += 1

    @tool
    def ping(self) -> str:
        return "pong"
"""


@BOTH_TIERS
def test_ceilings_hold_in_process_and_in_workers(tmp_path, isolation):
    write_plugin(
        tmp_path / "plugins",
        "spinner",
        SPINNER,
        extra=f"{isolation}\n[limits]\ntimeout-ms = 60000\n",
    )
    policy = Policy(ceilings=(("timeout_ms", 300), ("steps", 100_000)))
    host = started_host(tmp_path, policy=policy)
    try:
        with pytest.raises(PluginCallError, match="100000 steps"):
            host.call_tool("spinner.spin")
        assert host.call_tool("spinner.ping") == "pong"
        assert host.stats()[0].steps > 100_000
    finally:
        host.stop()
