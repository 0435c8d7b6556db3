"""
Prompt contributions: text a plugin adds to an agent's system prompt, a
permission of its own when the agent belongs to another plugin.
"""

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.host import FakeClaude, State
from acc_plugins.security import AuditKind, Policy


REVIEWER = """
from acc_plugins.sdk import Agent, Plugin, agent, contribute_prompt

class Main(Plugin):
    agents = (Agent(name="reviewer", system_prompt="You review code."),)

    @contribute_prompt("reviewer.reviewer")
    def own_rules(self, task: str) -> str:
        return "Keep answers short."

    @agent(system_prompt="You summarise.")
    def summary(self, task: str) -> str:
        answer = self.ctx.claude.query(task, system="You summarise.")
        # A tool of another plugin that queries Claude itself: what was
        # added to this agent must not reach that query.
        self.ctx.tools.call("helper.ask", text=task)
        return answer
"""

REVIEWER_PERMISSIONS = """
[permissions]
host = ["claude.query", "tools:helper.ask"]
"""

CONVENTIONS = """
from acc_plugins.sdk import Plugin, contribute_prompt

class Main(Plugin):
    @contribute_prompt("reviewer.*")
    def conventions(self, task: str) -> str:
        return f"House style applies ({len(task)} characters to review)."
"""

CONVENTIONS_PERMISSIONS = """
[permissions]
host = ["prompt.inject:reviewer.*"]
"""

HELPER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ask(self, text: str) -> str:
        return self.ctx.claude.query(text, system="Helper.")
"""

HELPER_PERMISSIONS = """
[permissions]
host = ["claude.query"]
"""


def make_plugins(root, *, conventions=CONVENTIONS, permissions=None):
    plugins = root / "plugins"
    write_plugin(plugins, "reviewer", REVIEWER, extra=REVIEWER_PERMISSIONS)
    write_plugin(
        plugins,
        "conventions",
        conventions,
        extra=CONVENTIONS_PERMISSIONS if permissions is None else permissions,
    )
    write_plugin(plugins, "helper", HELPER, extra=HELPER_PERMISSIONS)


def systems(claude):
    return [system for system, _ in claude.queries]


def run_agent(home, agent, task, **host_options):
    """
    Start a host over *home*, run *agent* once, stop it; return the system
    prompts the fake Claude received.
    """
    claude = FakeClaude()
    host = started_host(home, claude=claude, **host_options)
    try:
        assert host.run_agent(agent, task)
    finally:
        host.stop()
    return systems(claude)


def test_a_declared_agent_gets_its_own_and_granted_contributions(tmp_path):
    make_plugins(tmp_path)

    received = run_agent(tmp_path, "reviewer.reviewer", "x = 1")

    expected = (
        "You review code.\n\n"
        "[Added by conventions]\nHouse style applies (5 characters to review)."
        "\n\n[Added by its own plugin]\nKeep answers short."
    )
    assert received == [expected]


def test_an_agent_run_by_its_plugin_carries_them_in_its_own_queries(tmp_path):
    make_plugins(tmp_path)

    own, helper = run_agent(tmp_path, "reviewer.summary", "abc")

    assert own.startswith("You summarise.\n\n[Added by conventions]\n")
    assert helper == "Helper."


def test_each_contribution_is_audited_with_its_hash(tmp_path):
    make_plugins(tmp_path)
    host = started_host(tmp_path, claude=FakeClaude())
    try:
        host.run_agent("reviewer.reviewer", "x = 1")
        entries = list(host.audit_log.entries(kind=AuditKind.PROMPT))
    finally:
        host.stop()

    assert [(e.plugin, e.detail["agent"]) for e in entries] == [
        ("conventions", "reviewer.reviewer"),
        ("reviewer", "reviewer.reviewer"),
    ]
    assert all(len(e.detail["sha256"]) == 64 for e in entries)


def test_a_contribution_the_manifest_does_not_request_is_refused_at_load(
    tmp_path,
):
    make_plugins(tmp_path, permissions="")
    host = started_host(tmp_path, claude=FakeClaude())
    try:
        info = host.info("conventions")
        assert info.state is State.ERROR
        assert info.last_error is not None
        assert "prompt.inject:reviewer.*" in info.last_error.message
        # The agent itself is unharmed.
        assert host.run_agent("reviewer.reviewer", "x")
    finally:
        host.stop()


def test_a_revoked_grant_leaves_the_text_out_and_is_audited(tmp_path):
    make_plugins(tmp_path)
    host = started_host(tmp_path, claude=FakeClaude())
    host.revoke("conventions", ["host:prompt.inject:reviewer.*"])
    host.stop()

    claude = FakeClaude()
    host = started_host(tmp_path, claude=claude)
    try:
        host.run_agent("reviewer.reviewer", "x = 1")
        denials = list(
            host.audit_log.entries(plugin="conventions", kind=AuditKind.DENIAL)
        )
        # Asked for and refused: counted, not quarantined.
        assert host.state("conventions") is State.ACTIVE
    finally:
        host.stop()

    assert "[Added by conventions]" not in systems(claude)[0]
    assert denials[-1].detail["permission"] == (
        "host:prompt.inject:reviewer.reviewer"
    )


def test_the_policy_can_forbid_prompt_injection(tmp_path):
    make_plugins(tmp_path)
    policy = Policy(deny=("host:prompt.inject:*",))

    (system,) = run_agent(tmp_path, "reviewer.reviewer", "x", policy=policy)

    assert "[Added by conventions]" not in system
    assert "[Added by its own plugin]" in system


FAILING = """
from acc_plugins.sdk import Plugin, contribute_prompt

class Main(Plugin):
    @contribute_prompt("reviewer.reviewer")
    def conventions(self, task: str) -> str:
        raise RuntimeError("no conventions today")
"""

NOT_TEXT = """
from acc_plugins.sdk import Plugin, contribute_prompt

class Main(Plugin):
    @contribute_prompt("reviewer.reviewer")
    def conventions(self, task: str) -> str:
        return {"not": "text"}
"""


@pytest.mark.parametrize("source", [FAILING, NOT_TEXT], ids=["raises", "dict"])
def test_a_failing_contributor_is_left_out(tmp_path, source):
    make_plugins(
        tmp_path,
        conventions=source,
        permissions='[permissions]\nhost = ["prompt.inject:reviewer.reviewer"]\n',
    )
    (system,) = run_agent(tmp_path, "reviewer.reviewer", "x = 1")

    assert "[Added by conventions]" not in system


def test_isolated_contributors_and_agents(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(
        plugins,
        "reviewer",
        REVIEWER,
        extra='isolation = "subprocess"\n' + REVIEWER_PERMISSIONS,
    )
    write_plugin(
        plugins,
        "conventions",
        CONVENTIONS,
        extra='isolation = "subprocess"\n' + CONVENTIONS_PERMISSIONS,
    )
    write_plugin(plugins, "helper", HELPER, extra=HELPER_PERMISSIONS)

    own, helper = run_agent(tmp_path, "reviewer.summary", "abc")

    assert "[Added by conventions]\nHouse style applies (3" in own
    assert "[Added by its own plugin]\nKeep answers short." not in own
    assert helper == "Helper."
