"""
PluginHost: loading, lifecycle, dispatch, failures, events.
"""

import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from acc_plugins.errors import (
    BudgetExceeded,
    LoadError,
    PluginCallError,
    PluginNotFoundError,
    ToolArgumentError,
)
from acc_plugins.host import FakeClaude, PluginHost, State
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.sdk import Event


def write_plugin(
    root: Path,
    name: str,
    source: str,
    *,
    extra: str = "",
    version: str = "1.0.0",
    entry: str = "main:Main",
) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(
        textwrap.dedent(
            f"""\
            [plugin]
            name = "{name}"
            version = "{version}"
            description = "A test plugin."
            entry = "{entry}"
            kind = "tool"
            """
        )
        + textwrap.dedent(extra)
    )
    (folder / "main.py").write_text(textwrap.dedent(source))
    return folder


# Run a test in both tiers: its plugin's [plugin] table gets *isolation*.
BOTH_TIERS = pytest.mark.parametrize(
    "isolation",
    ["", 'isolation = "subprocess"\n'],
    ids=["in-process", "isolated"],
)


def started_host(home: Path, **kwargs: object) -> PluginHost:
    """
    A started host over ``home/plugins``, its cache and data in *home*.
    """
    host = PluginHost(
        [home / "plugins"],
        cache_dir=home / "cache",
        data_dir=home / "data",
        config_dir=home / "config",
        **kwargs,  # type: ignore[arg-type]
    )
    host.start()
    return host


ECHO = """
from acc_plugins.sdk import Plugin, ToolError, tool

class Main(Plugin):
    def __init__(self):
        self._calls = 0

    @tool
    def echo(self, text: str, times: int = 1) -> list[str]:
        \"\"\"Repeat a text.\"\"\"
        self._calls += 1
        if times < 0:
            raise ToolError("times must not be negative")
        return [text] * times

    @tool
    def calls(self) -> int:
        \"\"\"How often echo ran.\"\"\"
        return self._calls

    @tool
    def crash(self) -> int:
        \"\"\"Fail like a bug.\"\"\"
        return 1 // 0
"""


@pytest.fixture(name="host")
def _host(tmp_path):
    made = []

    def make(**kwargs):
        host = PluginHost(
            [tmp_path / "plugins"],
            cache_dir=tmp_path / "cache",
            data_dir=tmp_path / "data",
            **kwargs,
        )
        host.start()
        made.append(host)
        return host

    yield make
    for host in made:
        host.stop()


def test_a_plugin_loads_activates_and_serves(tmp_path, host):
    """Discovery to active, then its tools answer."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()

    assert h.state("echo") is State.ACTIVE
    assert [t.name for t in h.tools()] == [
        "echo.calls",
        "echo.crash",
        "echo.echo",
    ]
    assert h.call_tool("echo.echo", text="hi", times=2) == ["hi", "hi"]
    assert h.call_tool("echo.calls") == 1
    assert [
        (t.source.value, t.target.value) for t in h.info("echo").transitions
    ] == [
        ("discovered", "loaded"),
        ("loaded", "active"),
    ]


def test_arguments_are_validated_before_plugin_code_runs(tmp_path, host):
    """Every problem is reported together; the plugin never sees bad input."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()

    with pytest.raises(ToolArgumentError) as info:
        h.call_tool("echo.echo", txt="hi", times="2")

    assert sorted(info.value.problems) == sorted(
        [
            "argument 'text': required",
            "argument 'times': expected integer, got string",
            "argument 'txt': unknown; did you mean 'text'?",
        ]
    )
    assert h.call_tool("echo.calls") == 0


def test_text_arguments_are_converted_by_schema(tmp_path, host):
    """The command line passes strings; the schema turns them into types."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()

    assert (
        h.call_tool_text("echo.echo", {"text": "a", "times": "3"}) == ["a"] * 3
    )


def test_tool_error_is_reported_without_failing_the_plugin(tmp_path, host):
    """A ToolError is an answer, not a crash."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()

    with pytest.raises(PluginCallError, match="times must not be negative"):
        h.call_tool("echo.echo", text="x", times=-1)

    assert h.state("echo") is State.ACTIVE
    assert h.info("echo").last_error is None


def test_a_crashing_tool_is_located_and_contained(tmp_path, host):
    """A bug is reported with file and line; the plugin keeps serving."""
    folder = write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()

    with pytest.raises(PluginCallError) as info:
        h.call_tool("echo.crash")

    line = (
        textwrap.dedent(ECHO).splitlines().index("        return 1 // 0") + 1
    )
    assert info.value.location == f"{folder / 'main.py'}:{line}"
    assert "ZeroDivisionError" in str(info.value)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert h.info("echo").stats.errors == 1
    assert h.call_tool("echo.echo", text="ok") == ["ok"]


def test_failures_at_every_load_step_are_contained(tmp_path, host):
    """Bad manifest, refused source, raising constructor: each in error,
    the good plugin active."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "good", ECHO)
    bad_manifest = plugins / "bad-manifest"
    bad_manifest.mkdir()
    (bad_manifest / "plugin.toml").write_text("[plugin]\nname = 'Bad Name'\n")
    write_plugin(plugins, "refused", "import subprocess\n")
    write_plugin(
        plugins,
        "raises",
        "from acc_plugins.sdk import Plugin\nclass Main(Plugin):\n"
        "    def __init__(self):\n        raise RuntimeError('no')\n",
    )
    write_plugin(plugins, "noentry", "x = 1\n")
    h = host()

    states = {p.name: p.state for p in h.plugins()}
    errors = {p.name: str(p.last_error) for p in h.plugins()}
    assert states == {
        "bad-manifest": State.ERROR,
        "good": State.ACTIVE,
        "noentry": State.ERROR,
        "raises": State.ERROR,
        "refused": State.ERROR,
    }
    assert "plugin.name" in errors["bad-manifest"]
    assert errors["refused"].endswith("(permission process:<program>)")
    assert (
        "main.py:1: No module named 'subprocess': import of 'subprocess' is "
        "not available in the sandbox; use self.ctx.process"
    ) in errors["refused"]
    assert errors["raises"].endswith("main.py:4: no")
    assert "has no 'Main'" in errors["noentry"]
    assert h.call_tool("good.echo", text="still") == ["still"]


def test_a_sandbox_violation_at_run_time_moves_the_plugin_to_error(
    tmp_path, host
):
    """Trying something refused quarantines the plugin; release brings it
    back."""
    write_plugin(
        tmp_path / "plugins",
        "sneaky",
        """
        from acc_plugins.sdk import Plugin, tool
        class Main(Plugin):
            @tool
            def escape(self) -> str:
                try:
                    setattr(print, "x", 1)
                except BaseException:
                    return "caught"
                return "imported"
            @tool
            def fine(self) -> str:
                return "fine"
        """,
    )
    h = host()

    with pytest.raises(PluginCallError, match="modifying a "):
        h.call_tool("sneaky.escape")

    assert h.state("sneaky") is State.QUARANTINED
    assert "modifying" in h.quarantine_list.entries()["sneaky"]["reason"]
    with pytest.raises(PluginNotFoundError):
        h.call_tool("sneaky.fine")
    h.release("sneaky")
    assert h.call_tool("sneaky.fine") == "fine"


DEPENDENT = """
from acc_plugins.sdk import Plugin, tool
class Main(Plugin):
    @tool
    def shout(self, text: str) -> str:
        return self.ctx.tools.call("base.echo", text=text)[0].upper()
"""


def test_dependencies_activate_first_and_deactivate_last(tmp_path, host):
    """Order follows the graph, not discovery."""
    plugins = tmp_path / "plugins"
    write_plugin(
        plugins, "aaa", DEPENDENT, extra='[dependencies]\nbase = ">=1"\n'
    )
    write_plugin(plugins, "base", ECHO.replace("self._calls += 1", "pass"))
    events: list[tuple[str, object]] = []
    h = PluginHost(
        [plugins], cache_dir=tmp_path / "c", data_dir=tmp_path / "d"
    )

    def listen(event: Event) -> None:
        if event.name.startswith("plugin.") and isinstance(
            event.payload, dict
        ):
            events.append((event.name, event.payload["plugin"]))

    h.subscribe(listen)
    h.start()

    assert h.call_tool("aaa.shout", text="hey") == "HEY"
    h.stop()
    activated = [p for n, p in events if n == "plugin.activated"]
    deactivated = [p for n, p in events if n == "plugin.deactivated"]
    assert activated == ["base", "aaa"]
    assert deactivated == ["aaa", "base"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '[dependencies]\nmissing = ">=1"\n',
            "requires 'missing' (>=1), which is not installed",
        ),
        (
            '[dependencies]\nbase = ">=2"\n',
            "requires 'base' >=2, but version 1.0.0 is installed",
        ),
    ],
)
def test_unmet_dependencies_are_named(tmp_path, host, extra, message):
    """The error says which dependency and why."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "base", ECHO)
    write_plugin(plugins, "dependent", DEPENDENT, extra=extra)
    h = host()

    assert h.state("dependent") is State.ERROR
    assert message in str(h.info("dependent").last_error)
    assert h.state("base") is State.ACTIVE


def test_dependency_cycles_are_reported_with_the_chain(tmp_path, host):
    """Both plugins of a cycle fail; the message shows the loop."""
    plugins = tmp_path / "plugins"
    write_plugin(
        plugins,
        "one",
        ECHO,
        extra='[dependencies]\ntwo = "*"\n'.replace('"*"', '">=0"'),
    )
    write_plugin(plugins, "two", ECHO, extra='[dependencies]\none = ">=0"\n')
    h = host()

    assert (
        str(h.info("one").last_error) == "dependency cycle: one -> two -> one"
    )
    assert (
        str(h.info("two").last_error) == "dependency cycle: two -> one -> two"
    )


def test_calling_tools_of_undeclared_plugins_needs_a_grant(tmp_path, host):
    """ctx.tools reaches dependencies only, unless granted."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "base", ECHO)
    write_plugin(plugins, "dependent", DEPENDENT)
    h = host()

    with pytest.raises(
        PluginCallError, match=r"lacks permission 'host:tools:base\.echo'"
    ):
        h.call_tool("dependent.shout", text="x")


HOOKS = """
from acc_plugins.sdk import Plugin, hook, tool
class Main(Plugin):
    def __init__(self):
        self.seen = []
    @hook("session.*")
    def on_session(self, event):
        self.seen.append([event.name, event.payload, event.source])
        event.payload["mutated"] = True
    @hook("session.started")
    def broken(self, event):
        raise ValueError("hook bug")
    @tool
    def seen_events(self) -> list:
        return self.seen
"""


def test_events_reach_hooks_and_failures_stay_isolated(tmp_path, host):
    """A failing hook is counted; the others still run; payloads are copies."""
    write_plugin(tmp_path / "plugins", "hooks", HOOKS)
    h = host()
    payload = {"id": 1}

    delivered = h.emit("session.started", payload)

    assert delivered == 2
    assert payload == {"id": 1}
    assert h.call_tool("hooks.seen_events") == [
        ["session.started", {"id": 1, "mutated": True}, "host"]
    ]
    assert h.info("hooks").stats.errors == 1
    assert h.state("hooks") is State.ACTIVE


AGENTS = """
from acc_plugins.sdk import Agent, Plugin, Step, Workflow, agent, tool
class Main(Plugin):
    agents = (Agent(name="plain", system_prompt="Please review this."),)
    workflows = (
        Workflow(
            name="flow",
            inputs=("word",),
            steps=(
                Step(tool="upper", arguments={"text": "${input.word}"}, save_as="up"),
                Step(agent="helper", task="go ${up}", save_as="answer"),
            ),
            output="${answer}",
        ),
    )
    @tool
    def upper(self, text: str) -> str:
        return text.upper()
    @agent(system_prompt="Be brief.")
    def helper(self, task: str) -> str:
        return self.ctx.claude.query(task)
"""


def test_agents_and_workflows(tmp_path, host):
    """Agents with run() and declarative ones; workflows pass results on."""
    write_plugin(
        tmp_path / "plugins",
        "agents",
        AGENTS,
        extra='[permissions]\nhost = ["claude.query"]\n',
    )
    claude = FakeClaude()
    h = host(claude=claude)

    assert h.agents() == ["agents.helper", "agents.plain"]
    result = h.run_workflow("agents.flow", word="hey")
    assert result.startswith("[fake-claude] 2 words received")
    assert claude.queries[-1] == (None, "go HEY")
    assert "Review of 1 lines" in h.run_agent("agents.plain", "x = 1")
    with pytest.raises(ToolArgumentError, match="input 'word': required"):
        h.run_workflow("agents.flow")


def test_claude_needs_its_permission(tmp_path, host):
    """Without host:claude.query the capability refuses."""
    write_plugin(tmp_path / "plugins", "agents", AGENTS)
    h = host(claude=FakeClaude())

    with pytest.raises(
        PluginCallError, match=r"lacks permission 'host:claude\.query'"
    ):
        h.run_agent("agents.helper", "hi")


STORE = """
from acc_plugins.sdk import Plugin, tool
class Main(Plugin):
    @tool
    def remember(self, value: int) -> list:
        self.ctx.storage.set("v", [value])
        return self.ctx.storage.keys()
    @tool
    def recall(self) -> list:
        return self.ctx.storage.get("v", [])
"""


def test_storage_survives_a_restart_of_the_host(tmp_path, host):
    """Per-plugin values persist in SQLite."""
    write_plugin(tmp_path / "plugins", "store", STORE)
    first = host()
    assert first.call_tool("store.remember", value=7) == ["v"]
    first.stop()

    second = host()

    assert second.call_tool("store.recall") == [7]


SETTINGS = """
from acc_plugins.sdk import Plugin, tool
class Main(Plugin):
    @tool
    def width(self) -> int:
        return self.ctx.settings["width"]
"""


def test_settings_have_defaults_and_validated_overrides(tmp_path, host):
    """Overrides are checked against the manifest's declaration."""
    extra = '[settings.width]\ntype = "int"\ndefault = 72\nmin = 10\n'
    write_plugin(tmp_path / "plugins", "cfg", SETTINGS, extra=extra)

    assert host().call_tool("cfg.width") == 72
    assert host(settings={"cfg": {"width": 100}}).call_tool("cfg.width") == 100
    bad = host(settings={"cfg": {"width": 1}})
    assert bad.state("cfg") is State.ERROR


def test_lookups_of_unknown_names_suggest(tmp_path, host):
    """A typo gets a did-you-mean."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()

    with pytest.raises(
        PluginNotFoundError, match=r"did you mean 'echo\.echo'"
    ):
        h.call_tool("echo.ecko")
    with pytest.raises(LoadError, match="only a plugin in error"):
        h.restart("echo")


def test_warm_start_uses_the_bytecode_cache(tmp_path, host):
    """The second host compiles nothing."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    first = host()
    assert (first.cache.hits, first.cache.misses) == (0, 1)

    second = host()

    assert (second.cache.hits, second.cache.misses) == (1, 0)


EMITTER = """
from acc_plugins.sdk import Plugin, tool
class Main(Plugin):
    @tool
    def shout(self) -> int:
        return self.ctx.events.emit("shouted", {"loud": True})
"""


def test_emitting_events_needs_its_permission(tmp_path, host):
    """host:events.emit is checked; with it, events are namespaced."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "quiet", EMITTER)
    write_plugin(
        plugins,
        "loud",
        EMITTER,
        extra='[permissions]\nhost = ["events.emit"]\n',
    )
    h = host()
    seen: list[str] = []
    h.subscribe(lambda event: seen.append(event.name))

    with pytest.raises(
        PluginCallError, match=r"lacks permission 'host:events\.emit'"
    ):
        h.call_tool("quiet.shout")
    h.call_tool("loud.shout")

    assert "loud.shouted" in seen


def test_a_failing_listener_breaks_nothing(tmp_path):
    """A host listener that raises is logged; plugins still load."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    )

    def broken(event: Event) -> None:
        msg = "listener bug"
        raise RuntimeError(msg)

    h.subscribe(broken)
    h.start()
    try:
        assert h.state("echo") is State.ACTIVE
        assert h.call_tool("echo.echo", text="x") == ["x"]
    finally:
        h.stop()


SPINNER = """
from acc_plugins.sdk import Plugin, tool
class Main(Plugin):
    @tool
    def spin(self, forever: bool = True) -> str:
        while forever:
            pass
        return "done"
"""


def test_a_runaway_tool_is_stopped_and_the_plugin_keeps_serving(
    tmp_path, host
):
    """The budget from [limits] stops the call; nothing else is affected."""
    plugins = tmp_path / "plugins"
    write_plugin(
        plugins, "spinner", SPINNER, extra="[limits]\ntimeout-ms = 100\n"
    )
    write_plugin(plugins, "echo", ECHO)
    h = host()
    wall, cpu = time.perf_counter(), time.thread_time()

    with pytest.raises(
        PluginCallError, match="exceeded its time budget of 100 ms"
    ) as stop:
        h.call_tool("spinner.spin")

    # The clock stopped it.  The CPU it burnt is a bound a busy neighbour
    # cannot break (it only lowers it); wall-clock time only shows that
    # the host does not hang.
    assert isinstance(stop.value.__cause__, BudgetExceeded)
    assert stop.value.__cause__.resource == "time"
    assert time.thread_time() - cpu < 0.25
    assert time.perf_counter() - wall < 5
    assert h.state("spinner") is State.ACTIVE
    assert h.info("spinner").stats.breaches == 1
    assert h.call_tool("spinner.spin", forever=False) == "done"
    assert h.call_tool("echo.echo", text="alive") == ["alive"]


def test_stats_count_calls_errors_and_latency(tmp_path, host):
    """host.stats() reports each plugin's figures with percentiles."""
    write_plugin(tmp_path / "plugins", "echo", ECHO)
    h = host()
    for _ in range(5):
        h.call_tool("echo.echo", text="x")
    with pytest.raises(PluginCallError):
        h.call_tool("echo.crash")

    (figures,) = [s for s in h.stats() if s.name == "echo"]

    # The constructor and on_activate count as calls too.
    assert (figures.calls, figures.errors) == (8, 1)
    assert figures.p50_ms is not None
    assert figures.p99_ms is not None
    assert 0 < figures.p50_ms <= figures.p99_ms


def test_a_revoked_permission_is_denied_without_quarantine(tmp_path, host):
    """Requested but not granted: refused, audited, not quarantined."""
    write_plugin(
        tmp_path / "plugins",
        "agents",
        AGENTS,
        extra='[permissions]\nhost = ["claude.query"]\n',
    )
    first = host(claude=FakeClaude())
    assert first.permissions("agents")["effective"] == ["host:claude.query"]
    first.revoke("agents", ["host:claude.query"])
    first.stop()

    second = host(claude=FakeClaude())

    with pytest.raises(
        PluginCallError, match=r"lacks permission 'host:claude\.query'"
    ):
        second.run_agent("agents.helper", "hi")
    assert second.state("agents") is State.ACTIVE
    assert second.permissions("agents") == {
        "requested": ["host:claude.query"],
        "granted": [],
        "blocked by policy": [],
        "effective": [],
    }


def test_a_caught_refused_import_is_audited_not_quarantined(tmp_path, host):
    """try: import numpy / except ImportError: loads and serves; the
    refusal is in the plugin's log and the audit trail, and no violation."""
    write_plugin(
        tmp_path / "plugins",
        "optional",
        """
        from acc_plugins import Plugin, tool
        try:
            import numpy
        except ImportError:
            numpy = None
        class Main(Plugin):
            @tool
            def has_numpy(self) -> bool:
                return numpy is not None
        """,
    )
    h = host()

    answer = h.call_tool("optional.has_numpy")

    denials = list(h.audit_log.entries(plugin="optional", kind="denial"))
    assert answer is False
    assert h.state("optional") is State.ACTIVE
    assert h.info("optional").stats.violations == 0
    assert [entry.detail["permission"] for entry in denials] == [
        "import:numpy"
    ]
    assert any(
        line.startswith("IMPORT REFUSED: ")
        and "main.py:4: import of 'numpy'" in line
        for line in h.info("optional").log
    )


NEW_MODULES = """
from acc_plugins import Plugin, tool
import array, html, io, logging, sys, types, warnings

log = logging.getLogger(__name__)

class Main(Plugin):
    @tool
    def use(self) -> list:
        buffer = io.StringIO()
        buffer.write(html.escape("<b>"))
        log.warning("used")
        warnings.warn("careful")
        sys.stdout.write("out\\n")
        numbers = array.array("i", [1, 2]) * 2
        space = types.SimpleNamespace(n=len(numbers))
        return [buffer.getvalue(), space.n, sys.maxsize > 0]
"""


@BOTH_TIERS
def test_the_new_modules_serve_in_both_tiers(tmp_path, isolation):
    """io, array, html, logging, warnings, sys and types work in process
    and in a worker."""
    write_plugin(tmp_path / "plugins", "modern", NEW_MODULES, extra=isolation)
    host = started_host(tmp_path)
    try:
        answer = host.call_tool("modern.use")
        state = host.state("modern")
    finally:
        host.stop()

    assert answer == ["&lt;b&gt;", 4, True]
    assert state is State.ACTIVE


def test_a_first_start_writes_the_grants_file_once(tmp_path, monkeypatch):
    """Five plugins seen for the first time: one write holds all five."""
    for n in range(5):
        write_plugin(
            tmp_path / "plugins",
            f"p{n}",
            ECHO,
            extra='[permissions]\nhost = ["events.emit"]\n',
        )
    writes: list[str] = []
    real_update = GrantStore.update

    def counted(store: GrantStore, change: Any) -> Any:
        writes.append(store.path.name)
        return real_update(store, change)

    monkeypatch.setattr(GrantStore, "update", counted)
    first = started_host(tmp_path)
    first.stop()
    second = started_host(tmp_path)
    second.stop()

    assert writes == ["grants.json"]
    assert [second.permissions(f"p{n}")["granted"] for n in range(5)] == [
        ["host:events.emit"]
    ] * 5


def test_calling_into_a_plugin_in_error_names_its_state_and_why(
    tmp_path, host
):
    """Not 'no such tool': the plugin is there, in error, for a reason."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "refused", "import subprocess\n")
    h = host()

    for call in (
        lambda: h.call_tool("refused.echo", text="x"),
        lambda: h.run_agent("refused.review", "x"),
        lambda: h.run_workflow("refused.flow"),
    ):
        with pytest.raises(PluginNotFoundError) as caught:
            call()
        message = str(caught.value)
        assert "plugin 'refused' is in state 'error': " in message
        assert "subprocess" in message
