"""
The ``acc-plugins`` command line, a thin layer over the Python API.
"""

from ._main import cli


def main() -> None:
    """
    Run the ``acc-plugins`` command.
    """
    cli()


__all__ = ["cli", "main"]
