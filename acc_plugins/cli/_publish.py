"""
``acc-plugins publish``, ``yank``, ``review`` and ``report``: putting a
plugin into a directory registry, taking a release out of service, and
what users say about plugins.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from acc_plugins.errors import MarketplaceError, PublishError

from ._done import done, json_flag
from ._format import print_json
from ._log import fail
from ._owner import REGISTRY_DIR, registry_owner


_registry_option = click.option(
    "--registry",
    "registry",
    type=REGISTRY_DIR,
    required=True,
    help="The registry's folder (the owner's side is a folder).",
)


@click.command()
@click.argument(
    "path", type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@_registry_option
@click.option(
    "--key", "key_name", required=True, help="Your key that signs it."
)
@click.option(
    "--publisher",
    help="Publish as this publisher (default: whoever the key is listed under).",
)
@click.option(
    "--skip-tests", is_flag=True, help="Do not run the plugin's own tests."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the release as JSON."
)
@click.pass_context
def publish(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    path: Path,
    registry: Path,
    key_name: str,
    publisher: str | None,
    skip_tests: bool,
    as_json: bool,
) -> None:
    """
    Publish the plugin in PATH to a registry you own or publish to.

    Validates it, scans it (high severity blocks), runs its tests/ with
    pytest, activates it in a throw-away host, writes its documentation
    page, packages and signs it, and adds it to the index.  A version
    published once is never replaced: raise the version to publish again.

    \b
    Example:
      acc-plugins publish ./hello --registry ./registry --key me
    """
    from acc_plugins.market._publish import STEPS  # noqa: PLC0415 -- keeps --help fast
    from acc_plugins.market._publish import publish as run  # noqa: PLC0415

    def progress(step: str, detail: str) -> None:
        number = STEPS.index(step) + 1
        click.echo(f"[{number}/{len(STEPS)}] {step}: {detail}", err=True)

    owner = registry_owner(ctx, registry)
    try:
        done = run(
            path,
            owner,
            key_name,
            publisher,
            run_tests=not skip_tests,
            progress=progress,
        )
    except PublishError as exc:
        fail(f"not published ({exc.step}): {exc}")
    except MarketplaceError as exc:
        fail(f"not published: {exc}")
    if as_json:
        from acc_plugins.market._index import (  # noqa: PLC0415
            index_to_json,
        )

        entry = index_to_json(owner.index())["plugins"][done.name]
        print_json(
            {
                "name": done.name,
                "version": str(done.version),
                "publisher": done.publisher,
                "serial": done.serial,
                "release": entry["versions"][str(done.version)],
            }
        )
        return
    if done.registered:
        click.echo(
            f"you own the registry: registered you as publisher "
            f"{done.publisher!r}, vouched for"
        )
    click.echo(
        f"published {done.name} {done.version} as {done.publisher} "
        f"(index serial {done.serial})"
    )
    click.echo(f"sha256  {done.release.sha256}")


def _pinned(requirement: str) -> tuple[str, str]:
    name, sep, version = requirement.partition("==")
    if not sep or not name or not version:
        fail(f"{requirement!r}: give NAME==VERSION, such as hello==1.0.0")
    return name.strip(), version.strip()


@click.command()
@click.argument("requirement", metavar="NAME==VERSION")
@_registry_option
@click.option("--reason", help="Why it must not be installed.")
@click.option(
    "--undo", is_flag=True, help="Put a yanked release back in service."
)
@json_flag('"name", "version", "yanked", "reason"')
@click.pass_context
def yank(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    requirement: str,
    registry: Path,
    reason: str | None,
    undo: bool,
    as_json: bool,
) -> None:
    """
    Mark a release as not to be installed (it stays in the registry, so
    installs pinned to it can still be checked); --undo reverses it.

    \b
    Example:
      acc-plugins yank hello==1.0.0 --registry ./registry \\
          --reason "leaks tokens"
    """
    name, version = _pinned(requirement)
    if undo == (reason is not None):
        fail("give --reason to yank, or --undo to put it back (not both)")
    owner = registry_owner(ctx, registry)
    try:
        if undo:
            owner.unyank(name, version)
        else:
            assert reason is not None  # noqa: S101 -- checked above
            owner.yank(name, version, reason)
    except MarketplaceError as exc:
        fail(str(exc))
    verb = "back in service" if undo else "yanked"
    done(
        as_json,
        f"{name} {version} {verb}",
        {
            "name": name,
            "version": version,
            "yanked": not undo,
            "reason": reason,
        },
    )


@click.command()
@click.argument("name")
@click.option(
    "--stars", type=click.IntRange(1, 5), required=True, help="1 to 5."
)
@click.option("--comment", required=True, help="What you think of it.")
@_registry_option
@click.option(
    "--key",
    "key_name",
    required=True,
    help="Your key: it signs the review, and is who you are.",
)
@click.option("--as", "reviewer", help="Your name (default: the key's).")
@json_flag('"name", "stars", "reviewer", "replaced", "rating_updated"')
@click.pass_context
def review(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    name: str,
    stars: int,
    comment: str,
    registry: Path,
    key_name: str,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """
    Review plugin NAME.  One review per key: a new one replaces yours.

    \b
    Example:
      acc-plugins review hello --stars 5 --comment "Works." \\
          --registry ./registry --key me
    """
    from acc_plugins.market._reviews import (  # noqa: PLC0415
        ReviewBook,
        write_review,
    )

    owner = registry_owner(ctx, registry)
    try:
        written = write_review(
            name,
            stars=stars,
            comment=comment,
            reviewer=reviewer or key_name,
            private_key=owner.signing_key(key_name),
        )
        replaced = ReviewBook(registry).add(written)
        counted = owner.holds_owner_key()
        if counted:
            owner.refresh()
    except MarketplaceError as exc:
        fail(str(exc))
    verb = "replaced your review" if replaced else "reviewed"
    rating = (
        "the rating in the index is updated (signed again)"
        if counted
        else "the rating in the index is updated at the owner's next "
        "change or refresh"
    )
    done(
        as_json,
        f"{verb} {name}: {stars} star{'s' if stars > 1 else ''}\n{rating}",
        {
            "name": name,
            "stars": stars,
            "reviewer": reviewer or key_name,
            "replaced": replaced,
            "rating_updated": counted,
        },
    )


@click.command()
@click.argument("name")
@click.option("--reason", required=True, help="What is wrong with it.")
@_registry_option
@click.option("--as", "reporter", help="Your name (default: your login).")
@json_flag('"name", "reason", "reporter"')
def report(
    name: str, reason: str, registry: Path, reporter: str | None, as_json: bool
) -> None:
    """
    Flag plugin NAME for the registry's administrators.

    \b
    Example:
      acc-plugins report hello --reason "phones home" \\
          --registry ./registry
    """
    from acc_plugins.market._reports import ReportBook  # noqa: PLC0415

    try:
        who = reporter or getpass.getuser()
    except (KeyError, OSError):  # no login name: a container, a service
        who = "anonymous"
    try:
        ReportBook(registry).add(name, reason, who)
    except MarketplaceError as exc:
        fail(str(exc))
    done(
        as_json,
        f"reported {name} to the registry's administrators",
        {"name": name, "reason": reason, "reporter": who},
    )
