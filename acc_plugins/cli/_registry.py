"""
``acc-plugins registry``: the registries a user (or a team, through a
shared config folder) installs from, kept in ``registries.json`` in the
user config folder; the owner's commands (``_owner``) join the group.

Adding one reads its signed index first, so that what is added is a
registry and its owner's key is pinned: given with ``--key``, or shown
with its fingerprint for the user to confirm (trust on first use).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from acc_plugins.errors import MarketplaceError

from ._done import done, json_flag
from ._find import registries as open_registries
from ._format import console, print_json
from ._log import fail, say


if TYPE_CHECKING:
    from acc_plugins.market._indexfile import Seen, SignedIndex
    from acc_plugins.market._keys import PublicKey
    from acc_plugins.market._registries import RegistryEntry


def _shown(location: str) -> str:
    from acc_plugins.market._registries import shown  # noqa: PLC0415 -- keeps --help fast

    return shown(location)


class _FirstLook:
    """
    The `SeenMemory` of a registry not added yet: nothing seen, and
    nothing remembered until the user says yes.
    """

    def seen(self, registry: str) -> Seen | None:  # noqa: ARG002 -- the protocol's shape
        return None

    def remember(self, registry: str, seen: Seen) -> None:
        """Remembered by `Registries.add`, once confirmed."""


def _read_index(
    name: str, location: str, key: PublicKey | None
) -> SignedIndex:
    from acc_plugins.market._registries import is_url, transport_for  # noqa: PLC0415
    from acc_plugins.market._registry import RegistryClient  # noqa: PLC0415

    if not is_url(location) and not Path(location).is_dir():
        fail(f"{location}: no such folder")
    client = RegistryClient(name, transport_for(location), key, _FirstLook())
    return client.index()


def _plugins(count: int) -> str:
    return f"{count} plugin{'s' if count != 1 else ''}"


def _confirm(name: str, location: str, signed: SignedIndex) -> None:
    index, key = signed.index, signed.key
    click.echo(
        f"registry {name!r} at {_shown(location)}\n"
        f"  calls itself: {index.registry}\n"
        f"  serial {index.serial}, {_plugins(len(index.plugins))}, "
        f"signed until {index.expires_at}\n"
        f"  owner key:    {key.text}\n"
        f"  fingerprint:  {key.fingerprint}\n"
        f"Compare the fingerprint with the one the registry's owner "
        f"published: every index from {name!r} must be signed by this "
        f"key from now on."
    )
    try:
        accepted = click.confirm("Trust this key?", default=False)
    except click.Abort:
        accepted = False
    if not accepted:
        fail(
            f"registry {name!r} not added (pass --yes to accept the key, "
            f"or --key to give it)"
        )


@click.group()
def registry() -> None:
    """
    Registries of plugins: a folder, or a static HTTP(S) URL.  Users add
    the registries they install from (each with its owner's key pinned);
    a registry's owner creates and signs one.

    \b
    Examples:
      acc-plugins registry add team https://plugins.example.org
      acc-plugins registry init ./registry --name Team --key me
    """


@registry.command()
@click.argument("name")
@click.argument("location")
@click.option(
    "--key",
    metavar="ed25519:...",
    help="The owner's public key; the index must be signed by it.",
)
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="Accept the owner key the index names, without asking.",
)
@json_flag(
    '"name", "location", "owner_key_id", "owner_key", "serial", '
    '"added_at", "plugins"'
)
@click.pass_context
def add(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    name: str,
    location: str,
    key: str | None,
    yes: bool,
    as_json: bool,
) -> None:
    """
    Add the registry at LOCATION (a folder or an http(s) URL) as NAME.

    Its signed index is read first.  With --key the index must be signed
    by that key; without, its owner key's fingerprint is shown and you are
    asked to confirm it (trust on first use; --yes accepts it in scripts).
    From then on every index from NAME must be signed by that key, and
    one older than the newest seen is refused.

    \b
    Example:
      acc-plugins registry add team https://plugins.example.org \\
          --key ed25519:Lx8...=
    """
    from acc_plugins.market._keys import PublicKey  # noqa: PLC0415
    from acc_plugins.market._registries import (  # noqa: PLC0415
        check_registry_name,
        is_url,
        normal_location,
    )

    registries = open_registries(ctx)
    try:
        check_registry_name(name)
        pinned = None if key is None else PublicKey.parse(key)
        taken = {entry.name: entry for entry in registries.entries()}
        if name in taken:
            fail(
                f"a registry called {name!r} is already added "
                f"({_shown(taken[name].location)}); remove it first"
            )
        where = normal_location(location)
        signed = _read_index(name, where, pinned)
    except MarketplaceError as exc:
        fail(str(exc))
    if pinned is None and where.lower().startswith("http://"):
        say(
            "warning: plain HTTP: anyone on the network path could "
            "substitute their own owner key; check the fingerprint with "
            "the owner, or give it with --key"
        )
    if pinned is None and not yes:
        _confirm(name, where, signed)
    try:
        entry = registries.add(name, where, signed.key, seen=signed.seen)
    except MarketplaceError as exc:
        fail(str(exc))
    kind = "URL" if is_url(where) else "folder"
    done(
        as_json,
        f"added registry {entry.name} ({kind} {_shown(entry.location)}): "
        f"serial "
        f"{signed.index.serial}, {_plugins(len(signed.index.plugins))}, "
        f"owner key {entry.key.key_id}",
        {**_row(entry), "plugins": len(signed.index.plugins)},
    )


@registry.command()
@click.argument("name")
@json_flag(
    '"name", "location", "owner_key_id", "owner_key", "serial", "added_at"'
)
@click.pass_context
def remove(ctx: click.Context, name: str, as_json: bool) -> None:
    """
    Stop using the registry NAME; installed plugins stay installed.

    Its pinned key and the newest serial seen from it are forgotten.

    \b
    Example:
      acc-plugins registry remove team
    """
    try:
        entry = open_registries(ctx).remove(name)
    except MarketplaceError as exc:
        fail(str(exc))
    done(
        as_json,
        f"removed registry {entry.name} ({_shown(entry.location)})",
        _row(entry),
    )


def _row(entry: RegistryEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "location": _shown(entry.location),
        "owner_key_id": entry.key.key_id,
        "owner_key": entry.key.text,
        "serial": None if entry.seen is None else entry.seen.serial,
        "added_at": entry.added_at,
    }


@registry.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """
    The registries added, in the order they are searched: location, owner
    key id, newest index serial seen, when added.

    \b
    Example:
      acc-plugins registry list --json
    """
    from rich.table import Table  # noqa: PLC0415

    try:
        rows = [_row(entry) for entry in open_registries(ctx).entries()]
    except MarketplaceError as exc:
        fail(str(exc))
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(
            "no registries added; add one with "
            "`acc-plugins registry add NAME LOCATION`"
        )
        return
    table = Table(title="registries", title_justify="left")
    for column in ("name", "location", "owner key", "serial", "added"):
        table.add_column(column, overflow="fold")
    for row in rows:
        serial = "-" if row["serial"] is None else str(row["serial"])
        table.add_row(
            row["name"],
            row["location"],
            row["owner_key_id"],
            serial,
            row["added_at"],
        )
    console().print(table)
