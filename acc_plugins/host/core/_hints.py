"""
What to do instead, when a plugin's call fails for a built-in that the
sandbox leaves out: ``name 'open' is not defined`` alone sends an author
looking for a typo; the hint names the capability meant for the job.
"""

from __future__ import annotations

from typing import Final


_USE_CTX: Final = "plugins reach state and I/O through self.ctx"
# The built-ins the sandbox leaves out (sandbox/_builtins.py), and why.
_WITHHELD: Final = {
    "open": "the sandbox has no open(): read and write files with "
    "self.ctx.fs (read_text, write_text, ...), within the [permissions] "
    "fs grants",
    "input": "a plugin has no terminal: take what it needs as a tool "
    "argument or a setting",
    "exec": "the sandbox runs no text as code",
    "eval": "the sandbox runs no text as code",
    "compile": "the sandbox runs no text as code",
    "globals": f"the sandbox offers no namespace introspection; {_USE_CTX}",
    "locals": f"the sandbox offers no namespace introspection; {_USE_CTX}",
    "vars": f"the sandbox offers no namespace introspection; {_USE_CTX}",
    "dir": f"the sandbox offers no namespace introspection; {_USE_CTX}",
    "breakpoint": "a plugin cannot stop in a debugger: use self.ctx.log, "
    "and acc-plugins inspect or logs",
    "help": "the sandbox has no help()",
    "exit": "a plugin cannot end the host: return, or raise an exception",
    "quit": "a plugin cannot end the host: return, or raise an exception",
    "memoryview": "the sandbox has no memoryview(): use bytes or bytearray",
}


def hint_for(exc: BaseException) -> str | None:
    """
    A hint for *exc* when it is Python's own ``NameError`` for a built-in
    the sandbox leaves out; None otherwise.
    """
    if type(exc) is not NameError:
        return None
    name = getattr(exc, "name", None)
    if type(name) is not str:
        return None
    return _WITHHELD.get(name) or None
