"""
``acc-plugins audit``: list the audit trail and verify its hash chain.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from acc_plugins.security import AuditEntry, AuditKind, AuditLog


_SPAN = re.compile(r"([0-9]+)\s*([smhdw])")
_UNITS = {
    "s": "seconds",
    "m": "minutes",
    "h": "hours",
    "d": "days",
    "w": "weeks",
}
_DIRECTORY_KEY = "acc_plugins.audit.directory"


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """
    A moment from ISO 8601 (local time unless it says otherwise) or a span
    back from *now* such as ``10m``, ``2h``, ``3d``.

    Raises:
        ValueError: For anything else.
    """
    if match := _SPAN.fullmatch(text.strip()):
        span = timedelta(**{_UNITS[match[2]]: int(match[1])})
        return (now or datetime.now(UTC)) - span
    moment = datetime.fromisoformat(text.strip())
    # astimezone() reads a naive time as local time.
    return moment if moment.tzinfo else moment.astimezone()


def _since(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_since(value)
    except ValueError:
        msg = f"{value!r} is neither ISO 8601 nor a span such as 10m, 2h, 3d"
        raise click.BadParameter(msg) from None


def _directory(ctx: click.Context, audit_dir: Path | None) -> Path:
    if audit_dir is not None:
        return audit_dir
    data_dir = (ctx.obj or {}).get("data_dir")
    if data_dir is None:
        import platformdirs  # noqa: PLC0415 -- keeps --help fast

        data_dir = platformdirs.user_data_path("acc-plugins", appauthor=False)
    return Path(data_dir) / "audit"


def _line(entry: AuditEntry) -> str:
    detail = " ".join(
        f"{key}={json.dumps(value, ensure_ascii=False)}"
        for key, value in entry.detail.items()
    )
    # Seconds are enough to read; --json gives the stored microseconds.
    when = entry.time[:19].replace("T", " ") + "Z"
    return f"{entry.seq:>6}  {when}  {entry.kind.value:<10}  {entry.plugin or '-'}  {detail}".rstrip()


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@click.group(invoke_without_command=True)
@click.option(
    "--audit-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The audit directory (default: audit/ in the data directory).",
)
@click.option("--plugin", help="Only entries about this plugin.")
@click.option(
    "--since",
    callback=_since,
    help="Only entries since an ISO 8601 date or time, or a span back "
    "from now: 10m, 2h, 3d.",
)
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in AuditKind]),
    help="Only entries of this kind.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Only the newest N matching entries.",
)
@click.pass_context
def audit(
    ctx: click.Context,
    *,
    audit_dir: Path | None,
    plugin: str | None,
    since: datetime | None,
    kind: str | None,
    as_json: bool,
    limit: int | None,
) -> None:
    """
    List the audit trail, oldest first; `audit verify` checks it.

    \b
    Example:
      acc-plugins audit --plugin text-tools --since 2h --json
    """
    ctx.meta[_DIRECTORY_KEY] = _directory(ctx, audit_dir)
    if ctx.invoked_subcommand is not None:
        given = [plugin, since, kind, limit, as_json or None]
        if any(option is not None for option in given):
            ctx.fail("--plugin/--since/--kind/--json/--limit are for listing")
        return
    log = AuditLog(ctx.meta[_DIRECTORY_KEY])
    try:
        matching = log.entries(plugin=plugin, kind=kind, since=since)
        entries = list(collections.deque(matching, maxlen=limit))
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(
            json.dumps(
                [e.as_dict() for e in entries], indent=2, ensure_ascii=False
            )
        )
    elif not entries:
        click.echo("no audit entries", err=True)
    else:
        for entry in entries:
            click.echo(_line(entry))


@audit.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the result as JSON: {"ok", "entries", "files", "file", '
    '"line", "problem"}; the exit status is the same.',
)
@click.pass_context
def verify(ctx: click.Context, as_json: bool) -> None:
    """
    Check the hash chain; exit 1 naming the first broken entry.

    Detects edited, reordered, deleted and truncated entries, across
    rotated files.  Exits 2 if the directory cannot be read.

    \b
    Example:
      acc-plugins audit verify --json
    """
    try:
        result = AuditLog(ctx.meta[_DIRECTORY_KEY]).verify()
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "entries": result.entries,
                    "files": result.files,
                    "file": None if result.file is None else str(result.file),
                    "line": result.line,
                    "problem": result.problem,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        sys.exit(0 if result.ok else 1)
    entries = _plural(result.entries, "entry", "entries")
    files = _plural(result.files, "file", "files")
    if result.ok:
        click.echo(f"ok: {entries} in {files}, chain intact")
        return
    click.echo(f"broken: {result.file}:{result.line}: {result.problem}")
    click.echo(f"({entries} intact before it)", err=True)
    sys.exit(1)
