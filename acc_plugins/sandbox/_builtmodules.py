"""
Modules the sandbox builds itself for each plugin, beside the allowlist
of standard-library members: ``asyncio`` (stand-ins driven within the
budget) and a small ``os`` (constants and path arithmetic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ._asyncio import ASYNCIO_NAMES, asyncio_members
from ._osfacade import OS_MEMBERS, PATH_MEMBERS


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._coroutines import Driver


# Each module and how one sandbox's members are made.
BUILT_MODULES: Final[
    Mapping[str, Callable[[Driver], Mapping[str, object]]]
] = {
    "asyncio": asyncio_members,
    "os": lambda _: OS_MEMBERS,
    "os.path": lambda _: PATH_MEMBERS,
}

# The same modules with their member names, for ``acc-plugins validate``
# and ``acc-plugins modules``.
SANDBOX_MODULES: Final[Mapping[str, tuple[str, ...]]] = {
    "asyncio": ASYNCIO_NAMES,
    "os": tuple(sorted(OS_MEMBERS)),
    "os.path": tuple(sorted(PATH_MEMBERS)),
}
