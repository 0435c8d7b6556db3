"""
The base class that every kind of permission shares: its two spellings.
"""

from typing import ClassVar


class PermissionKind:
    """
    What every kind of permission offers.

    ``ENTRY_PATTERN`` feeds the JSON Schema; ``from_entry`` has the last word.
    """

    __slots__ = ()
    PREFIX: ClassVar[str]
    ENTRY_PATTERN: ClassVar[str]

    @property
    def entry(self) -> str:
        """
        The form written in the ``[permissions]`` table.
        """
        raise NotImplementedError

    @property
    def canonical(self) -> str:
        """
        The form that names the permission everywhere else.
        """
        return f"{self.PREFIX}:{self.entry}"
