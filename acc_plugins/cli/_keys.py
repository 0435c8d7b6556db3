"""
``acc-plugins keys``: the user's signing keys and the publisher keys they
trust.  Private keys never reach the terminal: only ids, fingerprints and
public keys are printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from acc_plugins.errors import KeyringError

from ._done import done, json_flag
from ._errors import data_dir
from ._format import print_json
from ._log import fail


if TYPE_CHECKING:
    from acc_plugins.market import Keyring, OwnKey, PublicKey, TrustStore

PASSPHRASE_ENV: Final = "ACC_PLUGINS_KEY_PASSPHRASE"  # noqa: S105 -- a variable name, not a secret
_MAX_KEY_FILE: Final = 4096


def _keyring(ctx: click.Context) -> Keyring:
    from acc_plugins.market import Keyring  # noqa: PLC0415 -- keeps --help fast

    return Keyring(data_dir(ctx) / "keys")


def _trust_store(ctx: click.Context) -> TrustStore:
    from acc_plugins.market import TrustStore  # noqa: PLC0415 -- likewise

    return TrustStore(data_dir(ctx) / "trusted-keys.json")


def _passphrase(passphrase_file: Path | None) -> bytes | None:
    """
    The passphrase from --passphrase-file, else from the environment.
    """
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_bytes()
        except OSError as exc:
            fail(f"--passphrase-file {passphrase_file}: {exc.strerror}")
        passphrase = text.rstrip(b"\r\n")
        where = f"--passphrase-file {passphrase_file}"
    else:
        value = os.environ.get(PASSPHRASE_ENV)
        if value is None:
            return None
        passphrase = value.encode()
        where = PASSPHRASE_ENV
    if not passphrase:
        fail(f"{where}: the passphrase is empty")
    return passphrase


def _public_key(argument: str) -> PublicKey:
    """
    The key *argument* spells, or the key in the file it names.
    """
    from acc_plugins.market import PublicKey  # noqa: PLC0415

    if argument.strip().startswith("ed25519:"):
        return PublicKey.parse(argument)
    path = Path(argument)
    if not path.is_file():
        fail(
            "PUBLIC_KEY is neither a public key (ed25519:...) nor a file "
            "holding one"
        )
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_KEY_FILE + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read a public key: {exc}")
    if len(data) > _MAX_KEY_FILE:
        fail(f"{path}: too large to hold a public key")
    try:
        return PublicKey.parse(text)
    except KeyringError as exc:
        fail(f"{path}: {exc}")


def _own(key: OwnKey) -> dict[str, Any]:
    return {
        "name": key.name,
        "key_id": key.public_key.key_id,
        "fingerprint": key.public_key.fingerprint,
        "public_key": key.public_key.text,
        "encrypted": key.encrypted,
        "path": str(key.path),
    }


@click.group()
def keys() -> None:
    """
    Signing keys: your own (generate, export) and the publishers' keys you
    trust (trust, untrust); `keys list` shows both.
    """


@keys.command()
@click.argument("name")
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=(
        f"Encrypt the private key with the passphrase in this file (its "
        f"first line). Also {PASSPHRASE_ENV}."
    ),
)
@json_flag(
    '"name", "key_id", "fingerprint", "public_key", "encrypted", "path"'
)
@click.pass_context
def generate(
    ctx: click.Context, name: str, passphrase_file: Path | None, as_json: bool
) -> None:
    """
    Make a new ed25519 key NAME; print its id and public key.

    The private key is written 0600 to the keys/ folder of the data
    folder and never printed.  An existing NAME is never overwritten.

    \b
    Example:
      acc-plugins keys generate release --passphrase-file ~/.acc-pass
    """
    passphrase = _passphrase(passphrase_file)
    try:
        own = _keyring(ctx).generate(name, passphrase)
    except KeyringError as exc:
        fail(str(exc))
    if as_json:
        print_json(_own(own))
        return
    secret = "encrypted" if own.encrypted else "not encrypted"
    click.echo(f"generated key {own.name}")
    click.echo(f"id:          {own.public_key.key_id}")
    click.echo(f"fingerprint: {own.public_key.fingerprint}")
    click.echo(f"public key:  {own.public_key.text}")
    click.echo(f"private key: {own.path} ({secret}; keep it secret)")


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, *, as_json: bool) -> None:
    """
    List your own keys and the keys you trust, with their ids.

    \b
    Example:
      acc-plugins keys list --json
    """
    try:
        own = _keyring(ctx).entries()
        trusted = _trust_store(ctx).trusted()
    except KeyringError as exc:
        fail(str(exc))
    if as_json:
        print_json(
            {
                "own": [_own(key) for key in own],
                "trusted": [
                    {
                        "key_id": key.key_id,
                        "fingerprint": key.public_key.fingerprint,
                        "name": key.name,
                        "added_at": key.added_at,
                        "public_key": key.public_key.text,
                    }
                    for key in trusted
                ],
            }
        )
        return
    click.echo("own keys:" if own else "own keys: none")
    for key in own:
        lock = "  (encrypted)" if key.encrypted else ""
        click.echo(
            f"  {key.public_key.key_id}  {key.name}  "
            f"{key.public_key.text}{lock}"
        )
    click.echo("trusted keys:" if trusted else "trusted keys: none")
    for entry in trusted:
        click.echo(
            f"  {entry.key_id}  {entry.name}  {entry.public_key.text}  "
            f"since {entry.added_at}"
        )


@keys.command()
@click.argument("public_key", metavar="PUBLIC_KEY")
@click.option(
    "--name", required=True, help="Whose key it is, as you will see it."
)
@json_flag('"key_id", "name", "added_at", "added"')
@click.pass_context
def trust(
    ctx: click.Context, public_key: str, name: str, as_json: bool
) -> None:
    """
    Trust a publisher's PUBLIC_KEY (ed25519:..., or a file holding it).

    Trusting a key that is trusted already changes nothing.

    \b
    Example:
      acc-plugins keys trust ada.pub --name "Ada Lovelace"
    """
    try:
        key = _public_key(public_key)
        entry, added = _trust_store(ctx).trust(key, name)
    except KeyringError as exc:
        fail(str(exc))
    message = (
        f"trusted key {entry.key_id} ({entry.name})"
        if added
        else f"key {entry.key_id} is trusted already, as {entry.name!r} "
        f"since {entry.added_at}; nothing changed"
    )
    facts = {
        "key_id": entry.key_id,
        "name": entry.name,
        "added_at": entry.added_at,
        "added": added,
    }
    done(as_json, message, facts)


@keys.command()
@click.argument("key_id")
@json_flag('"key_id", "name"')
@click.pass_context
def untrust(ctx: click.Context, key_id: str, as_json: bool) -> None:
    """
    Stop trusting the key KEY_ID (its id or full fingerprint).

    \b
    Example:
      acc-plugins keys untrust 3f2a9c1d
    """
    try:
        entry = _trust_store(ctx).untrust(key_id)
    except KeyringError as exc:
        fail(str(exc))
    done(
        as_json,
        f"no longer trusted: key {entry.key_id} ({entry.name})",
        {"key_id": entry.key_id, "name": entry.name},
    )


@keys.command()
@click.argument("name")
@json_flag(
    '"name", "key_id", "fingerprint", "public_key", "encrypted", "path"'
)
@click.pass_context
def export(ctx: click.Context, name: str, as_json: bool) -> None:
    """
    Print the public key of your key NAME, to give to others.

    \b
    Example:
      acc-plugins keys export release > release.pub
    """
    try:
        own = _keyring(ctx).get(name)
    except KeyringError as exc:
        fail(str(exc))
    done(as_json, own.public_key.text, _own(own))
