"""
``acc-plugins registry init/refresh/publisher/reports``: a directory
registry, as its owner runs it.  Every change is signed with the owner's
key from the user's keyring; the commands only format what
`RegistryOwner` returns.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from acc_plugins.errors import MarketplaceError

from ._done import done, json_flag
from ._errors import data_dir
from ._format import print_json
from ._keys import PASSPHRASE_ENV
from ._log import fail, say


if TYPE_CHECKING:
    from acc_plugins.market._index import Index
    from acc_plugins.market._keyring import OwnKey
    from acc_plugins.market._owner import RegistryOwner

REGISTRY_DIR = click.Path(path_type=Path, file_okay=False)


def _passphrase(own: OwnKey) -> bytes:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value.encode()
    text: str = click.prompt(
        f"passphrase of key {own.name!r}", hide_input=True, err=True
    )
    return text.encode()


def registry_owner(ctx: click.Context, root: Path) -> RegistryOwner:
    """
    The owner's side of the registry in *root*, with the user's keyring;
    an encrypted key's passphrase comes from ``ACC_PLUGINS_KEY_PASSPHRASE``
    or is asked for (hidden); the last index signed for each registry is
    remembered in ``signed-registries.json`` of the data folder.
    """
    from acc_plugins.market._keyring import Keyring  # noqa: PLC0415 -- keeps --help fast
    from acc_plugins.market._owner import RegistryOwner  # noqa: PLC0415
    from acc_plugins.market._signedserials import (  # noqa: PLC0415
        SignedSerials,
    )

    data = data_dir(ctx)
    memory = SignedSerials(data / "signed-registries.json")
    return RegistryOwner(root, Keyring(data / "keys"), _passphrase, memory)


def _signed_line(index: Index) -> str:
    return f"index serial {index.serial}, valid until {index.expires_at}"


def _signed(index: Index) -> dict[str, object]:
    return {"serial": index.serial, "expires_at": index.expires_at}


def add_commands(group: click.Group) -> None:
    """
    Attach the owner's commands to the ``registry`` group.
    """
    for command in (init, refresh, publisher, reports):
        group.add_command(command)


@click.command()
@click.argument("directory", type=REGISTRY_DIR)
@click.option("--name", required=True, help="The registry's name.")
@click.option(
    "--key", "key_name", required=True, help="Your key that signs it."
)
@click.option(
    "--expires-days",
    type=int,
    default=90,
    show_default=True,
    help="How long a signed index stays valid; refresh before then.",
)
@json_flag('"name", "directory", "key_id", "serial", "expires_at"')
@click.pass_context
def init(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    directory: Path,
    name: str,
    key_name: str,
    expires_days: int,
    as_json: bool,
) -> None:
    """
    Create a registry in the empty folder DIRECTORY, owned by your key.

    \b
    Example:
      acc-plugins registry init ./registry --name Team --key me
    """
    owner = registry_owner(ctx, directory)
    try:
        index = owner.init(name, key_name, expires_days)
    except MarketplaceError as exc:
        fail(str(exc))
    key = owner.keyring.get(key_name).public_key
    done(
        as_json,
        f"created registry {name!r} in {directory}\n"
        f"owner key: {key.key_id} ({key_name}); {_signed_line(index)}",
        {
            "name": name,
            "directory": str(directory),
            "key_id": key.key_id,
            **_signed(index),
        },
    )


def _counts(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"{path}: not a JSON file of download counts: {exc}")
    if not isinstance(data, dict):
        fail(f"{path}: expected an object of plugin names to counts")
    return data


@click.command()
@click.argument("directory", type=REGISTRY_DIR)
@click.option(
    "--expires-days", type=int, help="A new validity period, in days."
)
@click.option(
    "--downloads",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=(
        "A JSON file of download counts by plugin name, tallied from the "
        "static host's logs (a registry with no server cannot count them)."
    ),
)
@json_flag('"serial", "expires_at", "reviews_not_counted"')
@click.pass_context
def refresh(
    ctx: click.Context,
    directory: Path,
    expires_days: int | None,
    downloads: Path | None,
    as_json: bool,
) -> None:
    """
    Sign the index again with a new expiry, recounting ratings and
    reports (and setting download counts).  Run it before the index
    expires (clients refuse it after).

    \b
    Example:
      acc-plugins registry refresh ./registry --downloads counts.json
    """
    from acc_plugins.market._reviews import ReviewBook  # noqa: PLC0415

    counts = None if downloads is None else _counts(downloads)
    try:
        index = registry_owner(ctx, directory).refresh(
            expires_days, downloads=counts
        )
        book = ReviewBook(directory)
        dropped = [
            d for name in index.plugins for d in book.read(name).dropped
        ]
    except MarketplaceError as exc:
        fail(str(exc))
    for line in dropped:
        say(f"warning: review not counted: {line}")
    done(
        as_json,
        f"signed again: {_signed_line(index)}",
        {**_signed(index), "reviews_not_counted": dropped},
    )


@click.group()
def publisher() -> None:
    """
    Who may publish to a registry you own, and whether you vouch for them.

    \b
    Example:
      acc-plugins registry publisher add ./registry alice alice.pub
    """


@publisher.command("add")
@click.argument("directory", type=REGISTRY_DIR)
@click.argument("name")
@click.argument("public_key", metavar="PUBLIC_KEY")
@click.option(
    "--vouch/--no-vouch",
    default=None,
    help="Vouch for the publisher: their releases show as verified.",
)
@json_flag('"publisher", "key_id", "vouched", "serial", "expires_at"')
@click.pass_context
def add(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    directory: Path,
    name: str,
    public_key: str,
    vouch: bool | None,
    as_json: bool,
) -> None:
    """
    List PUBLIC_KEY (ed25519:..., or a file holding it) under publisher
    NAME, who is created if new.

    \b
    Example:
      acc-plugins registry publisher add ./registry alice alice.pub \\
          --vouch
    """
    from ._keys import _public_key  # noqa: PLC0415 -- one parser of keys

    try:
        key = _public_key(public_key)
        index = registry_owner(ctx, directory).add_publisher(
            name, key, vouch=vouch
        )
    except MarketplaceError as exc:
        fail(str(exc))
    vouched = index.publishers[name].vouched
    state = "vouched for" if vouched else "not vouched"
    done(
        as_json,
        f"publisher {name}: key {key.key_id} listed; {state}",
        {
            "publisher": name,
            "key_id": key.key_id,
            "vouched": vouched,
            **_signed(index),
        },
    )


@publisher.command("remove")
@click.argument("directory", type=REGISTRY_DIR)
@click.argument("name")
@click.option("--key", "key_id", help="Remove only this key (its id).")
@json_flag('"publisher", "key_id"; key_id null when the publisher went')
@click.pass_context
def remove(
    ctx: click.Context,
    directory: Path,
    name: str,
    key_id: str | None,
    as_json: bool,
) -> None:
    """
    Remove publisher NAME, or only one of their keys; refused while a
    release needs it.

    \b
    Example:
      acc-plugins registry publisher remove ./registry alice
    """
    try:
        registry_owner(ctx, directory).remove_publisher(name, key_id)
    except MarketplaceError as exc:
        fail(str(exc))
    what = f"key {key_id} of publisher {name}" if key_id else name
    done(as_json, f"removed {what}", {"publisher": name, "key_id": key_id})


def _vouching(
    ctx: click.Context, directory: Path, name: str, *, on: bool, as_json: bool
) -> None:
    owner = registry_owner(ctx, directory)
    try:
        owner.vouch(name) if on else owner.unvouch(name)
    except MarketplaceError as exc:
        fail(str(exc))
    done(
        as_json,
        f"{'vouching' if on else 'no longer vouching'} for {name}",
        {"publisher": name, "vouched": on},
    )


@publisher.command()
@click.argument("directory", type=REGISTRY_DIR)
@click.argument("name")
@json_flag('"publisher", "vouched"')
@click.pass_context
def vouch(
    ctx: click.Context, directory: Path, name: str, as_json: bool
) -> None:
    """
    Vouch for publisher NAME: their releases show as verified.

    \b
    Example:
      acc-plugins registry publisher vouch ./registry alice
    """
    _vouching(ctx, directory, name, on=True, as_json=as_json)


@publisher.command()
@click.argument("directory", type=REGISTRY_DIR)
@click.argument("name")
@json_flag('"publisher", "vouched"')
@click.pass_context
def unvouch(
    ctx: click.Context, directory: Path, name: str, as_json: bool
) -> None:
    """
    Stop vouching for publisher NAME.

    \b
    Example:
      acc-plugins registry publisher unvouch ./registry alice
    """
    _vouching(ctx, directory, name, on=False, as_json=as_json)


@publisher.command("list")
@click.argument("directory", type=REGISTRY_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, directory: Path, *, as_json: bool) -> None:
    """
    List the registry's publishers, their keys and who is vouched for.

    \b
    Example:
      acc-plugins registry publisher list ./registry
    """
    try:
        index = registry_owner(ctx, directory).index()
    except MarketplaceError as exc:
        fail(str(exc))
    if as_json:
        print_json(
            {
                name: {"keys": entry.keys, "vouched": entry.vouched}
                for name, entry in index.publishers.items()
            }
        )
        return
    if not index.publishers:
        click.echo("no publishers")
    for name, entry in sorted(index.publishers.items()):
        mark = "vouched" if entry.vouched else "not vouched"
        click.echo(f"{name} ({mark}): {', '.join(entry.keys)}")


@click.command()
@click.argument("directory", type=REGISTRY_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def reports(directory: Path, *, as_json: bool) -> None:
    """
    List the reports that flag plugins of the registry, oldest first.

    \b
    Example:
      acc-plugins registry reports ./registry
    """
    from acc_plugins.market._regfolder import RegistryFolder  # noqa: PLC0415
    from acc_plugins.market._reports import ReportBook  # noqa: PLC0415

    try:
        RegistryFolder(directory).signed()
        entries = ReportBook(directory).entries()
    except MarketplaceError as exc:
        fail(str(exc))
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    if not entries:
        click.echo("no reports")
    for entry in entries:
        reason = entry.reason.replace("\n", " ")
        click.echo(
            f"{entry.reported_at}  {entry.plugin}  by {entry.reporter}: "
            f"{reason}"
        )
