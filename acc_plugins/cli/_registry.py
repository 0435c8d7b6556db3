"""
``acc-plugins registry``: the registries a user works with, and the
commands of a registry's owner.
"""

from __future__ import annotations

import click


@click.group()
def registry() -> None:
    """
    Registries of plugins: a folder, or a static HTTP(S) URL.

    \b
    Example:
      acc-plugins registry init ./registry --name Team --key me
    """
