"""
Which Claude plugins get from the command line (``--claude``), and the
``claude`` commands: ``status``, ``key set``, ``key unset`` and ``ask``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from acc_plugins.errors import ClaudeError, ConfigError

from ._done import done, json_flag
from ._errors import config_dir, data_dir
from ._format import print_json
from ._log import fail


if TYPE_CHECKING:
    from acc_plugins.host import ClaudeProvider
    from acc_plugins.host.config._claudesettings import ClaudeSettings


def _settings(ctx: click.Context) -> ClaudeSettings:
    from acc_plugins.host.config._claudesettings import read_claude_settings  # noqa: PLC0415

    try:
        return read_claude_settings(
            config_dir(ctx) / "config.toml",
            Path.cwd() / ".acc" / "config.toml",
        )
    except ConfigError as exc:
        fail(str(exc))


def _choice(ctx: click.Context, *, demo: bool = False) -> tuple[str, str]:
    root = ctx.find_root()
    options = root.obj or {}
    given = options.get("claude")
    if given is not None:
        source = root.get_parameter_source("claude")
        via = (
            "ACC_PLUGINS_CLAUDE"
            if source is ParameterSource.ENVIRONMENT
            else "--claude"
        )
        return given, via
    if not options.get("fake_claude", True):
        return "none", "--no-fake-claude"
    if demo:  # the demo runs offline unless asked otherwise
        return "fake", "the demo's default"
    settings = _settings(ctx)
    if settings.provider != "fake":
        return settings.provider, "[claude] provider in config.toml"
    return "fake", "the default"


def chosen_provider(
    ctx: click.Context, *, demo: bool = False
) -> ClaudeProvider | None:
    """
    The provider ``--claude``, ``ACC_PLUGINS_CLAUDE`` or ``[claude]
    provider`` chooses (the fake by default, and always for the demo
    unless ``--claude`` says otherwise), set up from ``[claude]``; a
    provider that cannot be set up ends the command with its reason.
    """
    from acc_plugins.claude._choose import provider_for  # noqa: PLC0415

    name, _ = _choice(ctx, demo=demo)
    try:
        return provider_for(name, _settings(ctx), data_dir=data_dir(ctx))
    except ConfigError as exc:
        fail(str(exc))


@click.group()
def claude() -> None:
    """
    The Claude plugins get: which provider, its key, a direct question.

    \b
    Example:
      acc-plugins --claude anthropic claude status
    """


@claude.command()
@json_flag('"provider", "chosen_by", "model", "key", "command"')
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """
    Which provider plugins get, why, and where its key comes from (never
    the key itself).

    \b
    Example:
      acc-plugins claude status --json
    """
    from acc_plugins.claude._claudecode import find_claude  # noqa: PLC0415
    from acc_plugins.host.config._claudekey import find_api_key  # noqa: PLC0415

    from ._policy import effective_policy  # noqa: PLC0415

    effective_policy(ctx)  # says, once, if config.toml cannot be read
    name, via = _choice(ctx)
    settings = _settings(ctx)
    try:
        found = find_api_key(data_dir(ctx))
    except ConfigError as exc:
        fail(str(exc))
    facts = {
        "provider": name,
        "chosen_by": via,
        "model": settings.model,
        "key": None if found is None else found[1],
        "command": settings.command or find_claude(),
    }
    if as_json:
        print_json(facts)
        return
    click.echo(f"provider: {name} (chosen by {via})")
    if name == "anthropic":
        click.echo(f"model: {settings.model or 'claude-sonnet-4-5 (default)'}")
        key = (
            facts["key"]
            or "none: set ANTHROPIC_API_KEY or run `acc-plugins claude key set`"
        )
        click.echo(f"key: {key}")
    elif name == "claude-code":
        default = "Claude Code's default"
        click.echo(f"model: {settings.model or default}")
        click.echo(
            f"command: {facts['command'] or 'not found: install Claude Code'}"
        )


@claude.group()
def key() -> None:
    """
    The Anthropic API key in the user-only secret store.

    \b
    Example:
      acc-plugins claude key set
    """


@key.command(name="set")
@json_flag('"stored", "path"')
@click.pass_context
def set_key(ctx: click.Context, as_json: bool) -> None:
    """
    Keep an API key in the secret store (mode 0600, in the data folder),
    read from a hidden prompt, or from standard input when it is not a
    terminal.  ANTHROPIC_API_KEY, when set, still comes first.

    \b
    Example:
      acc-plugins claude key set
    """
    from acc_plugins.host.config._claudekey import secret_store, store_api_key  # noqa: PLC0415

    if sys.stdin.isatty():
        given = click.prompt("Anthropic API key", hide_input=True, err=True)
    else:
        given = sys.stdin.readline()
    try:
        store_api_key(data_dir(ctx), given)
    except ValueError as exc:
        fail(str(exc))
    path = secret_store(data_dir(ctx)).path
    done(
        as_json,
        f"stored the API key in {path} (readable by you only)",
        {"stored": True, "path": str(path)},
    )


@key.command(name="unset")
@json_flag('"stored", "path"')
@click.pass_context
def unset_key(ctx: click.Context, as_json: bool) -> None:
    """
    Forget the API key the secret store holds.

    \b
    Example:
      acc-plugins claude key unset
    """
    from acc_plugins.host.config._claudekey import secret_store, store_api_key  # noqa: PLC0415

    store_api_key(data_dir(ctx), None)
    path = secret_store(data_dir(ctx)).path
    done(
        as_json,
        f"no API key in {path} any more",
        {"stored": False, "path": str(path)},
    )


@claude.command()
@click.argument("prompt")
@click.option("--system", help="A system prompt.")
@click.option(
    "--max-tokens",
    type=click.IntRange(1, 200_000),
    default=1024,
    show_default=True,
    help="At most how many tokens the answer may have.",
)
@click.option(
    "--stream/--no-stream",
    default=True,
    show_default=True,
    help="Print the answer as it comes, where the provider can.",
)
@json_flag(
    '"provider", "text", "input_tokens", "output_tokens", "cost_usd", "model"'
)
@click.pass_context
def ask(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    prompt: str,
    system: str | None,
    max_tokens: int,
    stream: bool,
    as_json: bool,
) -> None:
    """
    Ask the chosen provider directly, outside any plugin, to check that
    it works; prints the answer, then its tokens and cost.

    \b
    Example:
      acc-plugins --claude anthropic claude ask "Say hello"
    """
    from acc_plugins.host.capabilities._allowance import ask as ask_provider  # noqa: PLC0415

    name, _ = _choice(ctx)
    provider = chosen_provider(ctx)
    if provider is None:
        fail("no Claude provider: choose one with --claude")
    live = stream and not as_json and name == "anthropic"
    try:
        if live:
            from acc_plugins.claude._anthropic import AnthropicProvider  # noqa: PLC0415

            assert isinstance(provider, AnthropicProvider)  # noqa: S101 -- chosen by name
            reply = provider.reply(
                prompt,
                system=system,
                max_tokens=max_tokens,
                on_text=lambda piece: click.echo(piece, nl=False),
            )
            click.echo()
        else:
            reply = ask_provider(
                provider, prompt, system=system, max_tokens=max_tokens
            )
    except ClaudeError as exc:
        fail(str(exc))
    facts = {
        "provider": name,
        "text": reply.text,
        "input_tokens": reply.input_tokens,
        "output_tokens": reply.output_tokens,
        "cost_usd": reply.cost_usd,
        "model": reply.model or None,
    }
    if as_json:
        print_json(facts)
        return
    if not live:
        click.echo(reply.text)
    cost = "" if reply.cost_usd is None else f", ${reply.cost_usd:.6f}"
    click.echo(
        f"({name}: {reply.input_tokens} tokens in, "
        f"{reply.output_tokens} out{cost})",
        err=True,
    )
