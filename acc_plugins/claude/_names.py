"""
How the host's names become MCP tool names, and back.

Claude calls an MCP tool ``mcp__<server>__<tool>``, and some of the
platforms Claude runs on take at most 64 characters of letters, digits,
``_`` and ``-`` for a tool's name: a plugin with a long name would
otherwise offer names that are refused, and one refused name fails the
whole session's request, every other plugin's tools with it.  A name that would pass the limit is
therefore cut and given a digest of the full name, so that it stays
unique; the server keeps the table that maps it back.
"""

from __future__ import annotations

import hashlib
from typing import Final

import attrs


# The most characters Claude takes for a tool's name, ``mcp__server__``
# included.
CLAUDE_NAME_LIMIT: Final = 64
_DIGEST: Final = 4  # bytes: eight hex characters
_SHORTEST: Final = 16  # a budget below this leaves nothing readable


def claude_limit(server: str) -> int:
    """
    The most characters a tool of the MCP server called *server* may
    have, so that Claude's ``mcp__<server>__<tool>`` stays within the
    API's limit.
    """
    return max(CLAUDE_NAME_LIMIT - len(f"mcp__{server}__"), _SHORTEST)


@attrs.frozen
class McpNames:
    """
    How the host's names become MCP tool names, and back.

    With the default ``"."`` they stay as the host writes them
    (``text-tools.slugify``, ``agent.code-reviewer.review``); with
    ``"__"`` they read ``text-tools__slugify`` and
    ``agent__code-reviewer__review``, names the Messages API accepts as
    they are.  Plugin names hold no ``_`` and tool names no ``.``, so the
    first separator marks where the plugin's name ends and every name
    that was not shortened maps back with `target`.

    Attributes:
        separator: What stands for each dot of a host's name.

        limit: The most characters a name may have; a longer one keeps
            its start and its end, with a digest of the full name in
            between.  None for no limit.
    """

    separator: str = "."
    limit: int | None = None

    def tool(self, name: str) -> str:
        """
        The MCP name of the host's tool *name* (``plugin.tool``).
        """
        return self._fit(name.replace(".", self.separator, 1), name)

    def agent(self, name: str) -> str:
        """
        The MCP name of the tool that runs the host's agent *name*
        (``plugin.agent``).
        """
        wire = f"agent{self.separator}{name.replace('.', self.separator, 1)}"
        return self._fit(wire, f"agent:{name}")

    def target(self, mcp_name: str) -> tuple[bool, str]:
        """
        Whether the MCP name *mcp_name* runs an agent, and the host's name
        of that agent or tool (for a name that was not shortened).
        """
        sep = self.separator
        rest = mcp_name.removeprefix(f"agent{sep}")
        if rest != mcp_name and sep in rest:
            return True, rest.replace(sep, ".", 1)
        return False, mcp_name.replace(sep, ".", 1)

    def _fit(self, wire: str, full: str) -> str:
        if self.limit is None or len(wire) <= self.limit:
            return wire
        digest = hashlib.blake2s(
            full.encode("utf-8"), digest_size=_DIGEST
        ).hexdigest()
        # The start names the plugin and the end the tool: the middle goes.
        kept = self.limit - len(digest) - 2
        head = kept // 2
        return f"{wire[:head]}-{digest}-{wire[len(wire) - (kept - head) :]}"
