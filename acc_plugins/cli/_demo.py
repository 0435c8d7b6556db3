"""
``acc-plugins demo``: the example plugins at work in a temporary home.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.rule import Rule

from acc_plugins.errors import PluginError
from acc_plugins.host import PluginHost, State, validate_plugin
from acc_plugins.manifest import IsolationMode
from acc_plugins.security import Policy, scan_plugin

from ._countedclaude import Counted
from ._demomarket import marketplace
from ._format import console, plugins_table


if TYPE_CHECKING:
    from rich.console import Console

    from acc_plugins.host import ClaudeProvider, PluginInfo

SAMPLE_CODE = textwrap.dedent(
    """\
    import json

    # Load the settings file.
    def load(path):
        try:
            return json.loads(open(path).read())
        except:
            return {}  # TODO: report the error instead of hiding it

    def total(items):
        # FIXME: floats lose cents
        return sum(item["price"] for item in items)
    """
)

HOSTILE_TOOLS = (
    ("read_secrets", "imports subprocess to read a private key"),
    ("walk_objects", "climbs from str to object's subclasses"),
    ("steal_context", "reads the host's private state behind self.ctx"),
    ("poison_json", "replaces json.loads for everyone"),
    ("swallow_refusal", "catches the sandbox's refusal to carry on"),
)


def examples_root() -> Path:
    """
    The example plugins shipped with the package (or in the checkout).
    """
    from importlib.resources import files  # noqa: PLC0415

    try:
        return Path(str(files("acc_plugins.examples")))
    except ModuleNotFoundError:
        # An editable install in compat mode puts the checkout on the
        # path, not the package-dir mapping: the examples are beside it.
        return Path(__file__).resolve().parents[2] / "examples"


def _copy_examples(target: Path) -> None:
    source = examples_root()
    target.mkdir(parents=True, exist_ok=True)
    for child in sorted(source.iterdir()):
        if (child / "plugin.toml").is_file():
            shutil.copytree(
                child,
                target / child.name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
                dirs_exist_ok=True,
            )


def _show(out: Console, label: str, value: object) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2)
    out.print(f"[bold]{label}[/bold]")
    out.print(textwrap.indent(text, "    "), markup=False, highlight=False)


def run_demo(
    keep: Path | None = None, claude: ClaudeProvider | None = None
) -> int:
    """
    Run the demo with *claude* (the offline fake by default); return the
    exit status (0 when everything behaved).
    """
    out = console()
    home = (
        keep
        if keep is not None
        else Path(tempfile.mkdtemp(prefix="acc-plugins-demo-"))
    )
    try:
        return _run(out, home, Counted(claude), kept=keep is not None)
    finally:
        if keep is None:
            shutil.rmtree(home, ignore_errors=True)


def _run(out: Console, home: Path, claude: Counted, *, kept: bool) -> int:
    plugins = home / "plugins"
    _copy_examples(plugins)
    problems: list[str] = []
    out.print(Rule("acc-plugins demo"))
    out.print(f"home: {home} (plugins, bytecode cache and storage live here)")
    with PluginHost(
        [plugins],
        claude=claude,
        cache_dir=home / "cache",
        data_dir=home / "data",
        config_dir=home / "config",
    ) as host:
        out.print(plugins_table(host.plugins()))

        out.print(Rule("tools: typed, validated, sandboxed"))
        _show(
            out,
            "text-tools.word_count(text=...)",
            host.call_tool("text-tools.word_count", text=SAMPLE_CODE),
        )
        _show(
            out,
            "text-tools.slugify(text='Héllo, Plugin Wörld!')",
            host.call_tool("text-tools.slugify", text="Héllo, Plugin Wörld!"),
        )
        _show(
            out,
            "text-tools.extract_todos(code=...)",
            host.call_tool("text-tools.extract_todos", code=SAMPLE_CODE),
        )
        try:
            host.call_tool("text-tools.wrap", text="x", width="wide")
            problems.append("a badly typed argument was accepted")
        except PluginError as exc:
            _show(
                out,
                "text-tools.wrap(width='wide') is refused before the plugin runs",
                str(exc),
            )

        out.print(
            Rule(
                f"agents: the code reviewer uses the host's Claude ({claude})"
            )
        )
        _show(
            out,
            "code-reviewer.review",
            host.run_agent("code-reviewer.review", SAMPLE_CODE),
        )
        _show(
            out,
            "code-reviewer.summarizer (declarative, driven by the host)",
            host.run_agent(
                "code-reviewer.summarizer",
                "Adds a load() helper and a total() function.",
            ),
        )

        out.print(Rule("workflows: steps pass results along"))
        report = host.run_workflow(
            "review-pipeline.review-file", code=SAMPLE_CODE
        )
        _show(out, "review-pipeline.review-file", report)

        out.print(Rule("a hostile plugin"))
        refusals = _hostile(out, host, home, problems)

        try:
            marketplace(out, home, problems, kept=kept)
        except PluginError as exc:  # MarketplaceError and the rest
            problems.append(f"the marketplace act failed: {exc}")

        out.print(Rule("summary"))
        infos = host.plugins()
        _summary(out, infos, refusals, claude, problems)
    return 1 if problems else 0


def _hostile(
    out: Console, host: PluginHost, home: Path, problems: list[str]
) -> int:
    root = home / "plugins" / "hostile"
    strip = str(root) + "/"
    report = validate_plugin(root)
    out.print(
        "[bold]1. acc-plugins validate hostile/[/bold] (compiles, runs nothing)"
    )
    for problem in report.problems:
        out.print(
            f"    {problem.replace(strip, '')}", markup=False, highlight=False
        )
    refusals = len(report.problems)

    scan = scan_plugin(root)
    out.print(
        f"[bold]2. acc-plugins scan hostile/[/bold]: {len(scan.findings)} findings, "
        f"worst {scan.max_severity.value if scan.max_severity else 'none'}"
    )
    for finding in sorted(scan.findings, key=lambda f: -f.severity.rank)[:4]:
        out.print(
            f"    {finding.path}:{finding.line}: {finding.rule} "
            f"[{finding.severity.value}] {finding.message}",
            markup=False,
            highlight=False,
        )
    state = host.state("sneaky")
    out.print(f"    so the host did not load it: sneaky is {state.value}")
    if state is not State.ERROR:
        problems.append("the scanner did not keep the hostile plugin out")

    out.print(
        "[bold]3. defence in depth[/bold]: the same plugin with the scanner "
        "off; the sandbox refuses each attempt at run time and quarantines "
        "the plugin (released again here, as an administrator would)"
    )
    # A data folder of its own: what this part quarantines stays here.
    with PluginHost(
        [root],
        cache_dir=home / "cache",
        data_dir=home / "data-unscanned",
        config_dir=home / "config",
        scan_threshold=None,
    ) as unscanned:
        for tool, attempt in HOSTILE_TOOLS:
            if unscanned.state("sneaky") is State.QUARANTINED:
                unscanned.release("sneaky")  # as an administrator would
            try:
                result = unscanned.call_tool(f"sneaky.{tool}")
            except PluginError as exc:
                refusals += 1
                message = str(exc).replace(strip, "")
                now = unscanned.state("sneaky").value
                out.print(
                    f"    sneaky.{tool} ({attempt}): [red]refused[/red], "
                    f"plugin {now}"
                )
                out.print(f"        {message}", markup=False, highlight=False)
            else:
                problems.append(f"sneaky.{tool} was not refused: {result!r}")
        audit = unscanned.audit_log.verify()
        out.print(
            f"    each refusal is in the audit trail: {audit.entries} entries, "
            f"chain {'intact' if audit.ok else 'BROKEN'}"
        )
    refusals += _isolated(out, root, home, problems)
    answer = host.call_tool("text-tools.word_count", text="still here")
    out.print(
        f"    the other plugins still answer: text-tools.word_count -> {answer}"
    )
    if json.loads('"ok"') != "ok":
        problems.append("the host's json module was changed")
    return refusals


def _isolated(
    out: Console, root: Path, home: Path, problems: list[str]
) -> int:
    out.print(
        "[bold]4. hard limits[/bold]: a policy requires the isolated tier, so "
        "the plugin runs in a worker process; a call that holds the "
        "interpreter in C ends with its worker"
    )
    with PluginHost(
        [root],
        cache_dir=home / "cache",
        data_dir=home / "data-isolated",
        config_dir=home / "config",
        scan_threshold=None,
        policy=Policy(isolation=IsolationMode.SUBPROCESS),
    ) as isolated:
        started = time.monotonic()
        try:
            isolated.call_tool("sneaky.stall")
        except PluginError as exc:
            took = time.monotonic() - started
            out.print(
                f"    sneaky.stall (sums ten million numbers a thousand times in one call into C): "
                f"[red]ended[/red] after {took:.1f} s, plugin "
                f"{isolated.state('sneaky').value}"
            )
            out.print(f"        {exc}", markup=False, highlight=False)
            return 1
        problems.append("sneaky.stall returned in the isolated tier")
        return 0


def _summary(
    out: Console,
    infos: list[PluginInfo],
    refusals: int,
    claude: Counted,
    problems: list[str],
) -> None:
    active = [i.name for i in infos if i.state is State.ACTIVE]
    calls = sum(i.stats.calls for i in infos)
    out.print(f"plugins active: {len(active)} ({', '.join(active)})")
    out.print(
        f"calls into plugin code: {calls}; {claude} queries: {claude.queries}"
    )
    out.print(f"hostile attempts refused: {refusals}; host still running: yes")
    for problem in problems:
        out.print(f"[red]UNEXPECTED:[/red] {problem}")
    out.print(
        "[green]demo finished: everything behaved as expected[/green]"
        if not problems
        else "[red]demo finished with problems[/red]"
    )
