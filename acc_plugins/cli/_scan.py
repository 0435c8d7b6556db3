"""
``acc-plugins scan``: the static scanner's report, as text, JSON or SARIF.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from acc_plugins.security._rules import Severity
from acc_plugins.security._scanner import ScanReport, scan_plugin

from ._folder import not_a_plugin_folder
from ._log import say


_LEVELS = [severity.value for severity in Severity]


def _text(report: ScanReport, root: Path, threshold: Severity) -> str:
    lines = [
        f"{(root / f.path).as_posix()}:{f.line}:{f.column}: "
        f"{f.rule} [{f.severity.value}] {f.message}"
        for f in report.findings
    ]
    counts = Counter(f.severity for f in report.findings)
    by_level = ", ".join(
        f"{counts[s]} {s.value}" for s in reversed(Severity) if counts[s]
    )
    total = len(report.findings)
    summary = f"{total} finding{'' if total == 1 else 's'}"
    if by_level:
        summary += f" ({by_level})"
    files = f"{report.files} file{'' if report.files == 1 else 's'}"
    summary += f" in {files}, {report.suppressed} suppressed"
    blocking = len(report.blocking(threshold))
    verdict = "fails" if blocking else "passes"
    lines.append(f"{summary}; {verdict} at --fail-on {threshold.value}")
    return "\n".join(lines)


@click.command("scan")
@click.argument(
    "path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: the same as --format json.",
)
@click.option(
    "--fail-on",
    type=click.Choice(_LEVELS),
    default="high",
    show_default=True,
    help="Exit 1 if any finding is at or above this severity.",
)
@click.pass_context
def scan(
    ctx: click.Context, path: Path, output: str, as_json: bool, fail_on: str
) -> None:
    """
    Scan a plugin folder for malicious or sandbox-escaping code.

    Runs none of the plugin's code.  Exits 1 if a finding is at or above
    --fail-on, 2 if PATH is not a folder or holds no Python file.  Silence one finding with a
    "# acc: ignore[ACC101]" comment on its line.

    \b
    Example:
      acc-plugins scan ./my-plugin --json
    """
    if as_json:
        output = "json"
    report = scan_plugin(path)
    if report.files == 0:
        # Nothing scanned is not a pass: a mistyped path must not look
        # like a clean plugin.
        problem = not_a_plugin_folder(path) or f"{path}: no Python file"
        say(f"error: {problem} (nothing to scan)")
        ctx.exit(2)
    threshold = Severity(fail_on)
    if output == "json":
        document = report.to_json()
        document["fail_on"] = threshold.value
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif output == "sarif":
        click.echo(json.dumps(report.to_sarif(), indent=2, ensure_ascii=False))
    else:
        click.echo(_text(report, path, threshold))
    ctx.exit(1 if report.blocking(threshold) else 0)
