"""
The scanner's rules and pattern tables, literal and sorted.

Each rule has one id and one severity; where a construct is worse in one
shape than another (``exec`` of a built string against ``exec`` of a
literal) the shapes are two rules.  The policy, not the scanner, decides
which severity blocks an install.
"""

from __future__ import annotations

import enum
import functools
from typing import Final

import attrs


@functools.total_ordering
class Severity(enum.Enum):
    """
    How bad a finding is, ordered ``info < low < medium < high < critical``.
    """

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """
        The position in the order, ``0`` for info to ``4`` for critical.
        """
        return _RANKS.index(self.value)

    @property
    def sarif_level(self) -> str:
        """
        The SARIF ``level``: ``error``, ``warning`` or ``note``.
        """
        return ("note", "note", "warning", "error", "error")[self.rank]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANKS: Final = ("info", "low", "medium", "high", "critical")


@attrs.frozen
class Rule:
    """
    One thing the scanner looks for.

    Attributes:
        id: Stable identifier such as ``"ACC101"``, used in suppressions.

        severity: How bad a finding of this rule is.

        title: A few words, for tables and SARIF ``shortDescription``.

        explanation: Why it matters, for ``fullDescription`` and docs.

        template: The finding's message, a ``str.format`` template.
    """

    id: str
    severity: Severity
    title: str
    explanation: str
    template: str

    def message(self, **fields: object) -> str:
        """
        The message of one finding, with *fields* filled in.
        """
        return self.template.format(**fields)


_C, _H, _M, _L = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
)

# Sorted by id.  The hundreds group the rules: 0 the scan itself,
# 1 obfuscation, 2 imports, 3 introspection, 4 capabilities, 5 known-bad.
RULES: Final[tuple[Rule, ...]] = (
    Rule("ACC001", _M, "unparsable file",
         "A file that does not parse or decode cannot be checked; the sandbox refuses it too.",
         "the file cannot be {action} ({reason}), so it cannot be checked; the sandbox refuses it too"),
    Rule("ACC002", _L, "unreadable manifest",
         "Without a valid plugin.toml, capability use is checked against no permissions.",
         "plugin.toml is invalid ({reason}), so capability use is checked against no permissions; run 'acc-plugins validate'"),
    Rule("ACC101", _C, "exec/eval of built code",
         "exec(), eval() or compile() of a string built at run time hides what the plugin does.",
         "{name}() of a string built at run time hides what the plugin does"),
    Rule("ACC102", _H, "exec/eval of literal code",
         "exec(), eval() or compile() of a literal string runs code past the compiler's checks.",
         "{name}() of a literal string runs code past the sandbox compiler's checks; write the code directly"),
    Rule("ACC103", _H, "encoded blob decoded",
         "Decoding a base64, zlib, marshal, pickle or codecs blob is how payloads are smuggled past review.",
         "{call}() of a literal blob is how payloads are smuggled past review; ship the code as source"),
    Rule("ACC104", _M, "string built from code points",
         "A string built with chr() or bytes([...]) from numbers hides its text from readers and scanners.",
         "a string built from numeric code points hides its text from readers and scanners; write the text as a literal"),
    Rule("ACC105", _M, "very long string literal",
         "A very long literal without spaces is typical of an embedded, encoded payload.",
         "a {length}-character literal with almost no spaces looks like an embedded payload; ship data as a file"),
    Rule("ACC106", _L, "high-entropy string literal",
         "A long literal with high Shannon entropy looks like an encoded or encrypted payload.",
         "a literal with {bits:.1f} bits of entropy per character looks encoded or encrypted; say what it is in a comment"),
    Rule("ACC201", _H, "dangerous module import",
         "The module reaches the interpreter, the OS or the network; the sandbox refuses the import at run time.",
         "import of {module!r} reaches the interpreter, the OS or the network and is refused by the sandbox; use the ctx capabilities instead"),
    Rule("ACC202", _H, "dynamic import",
         "__import__() or importlib loads modules by name, around the import gate.",
         "{call} loads modules by a name chosen at run time, around the import gate"),
    Rule("ACC301", _H, "dunder access",
         "A dunder outside the sandbox's allowed sets leads from ordinary objects to classes, globals and builtins.",
         "{what} leads from ordinary objects to classes, globals or builtins; it is a sandbox escape step"),
    Rule("ACC302", _H, "frame or code attribute",
         "Frame, code and generator internals expose the host's globals and call stack.",
         "access to .{attr} exposes frames, code or the class hierarchy, and with them the host's globals"),
    Rule("ACC303", _M, "computed attribute name",
         "getattr(), setattr(), hasattr() or delattr() with a computed or private name hides which attribute is used.",
         "{call}() with {what} hides which attribute is used from review; use plain attribute access"),
    Rule("ACC304", _H, "hidden dunder or private attribute",
         "getattr() and friends with a dunder or frame attribute, or a private name assembled from pieces, is an escape attempt.",
         "{call}() with the name {name!r}{how} reaches what the sandbox guards; it is a sandbox escape attempt"),
    Rule("ACC305", _M, "attribute name in a string",
         "A string that names a dunder or frame attribute is an attribute name hidden from the compiler.",
         "the string names {name!r}, an attribute the sandbox guards, hidden from the compiler"),
    Rule("ACC306", _H, "forbidden dunder method",
         "The method runs outside the budget or when the host touches the object (__del__, __getattr__, __reduce__ ...).",
         "{name} runs outside the plugin's budget or when the host touches the object; the sandbox refuses to define it"),
    Rule("ACC307", _H, "introspection or I/O builtin",
         "globals(), locals(), vars(), dir(), breakpoint(), open() and input() reach state or I/O behind the capabilities.",
         "{name}() reaches interpreter state or I/O behind the capabilities; plugins get data through ctx"),
    Rule("ACC401", _M, "capability without permission",
         "The code uses a capability that plugin.toml does not request, so the call will be refused.",
         "{use} needs permission {needed!r}, which plugin.toml does not request, so the call will be refused; add it to [permissions]"),
    Rule("ACC501", _H, "shell or process call",
         "os.system, os.popen, subprocess and friends run programs outside every permission.",
         "{call}() runs a program outside every permission; request 'process:<command>' and use ctx.process"),
    Rule("ACC502", _H, "sensitive path",
         "The string names credentials or system secrets (~/.ssh, id_rsa, /etc/passwd, ~/.aws).",
         "the string names {secret!r}, a credential or system secret no plugin needs to read"),
    Rule("ACC503", _H, "module monkeypatch",
         "Assigning to an imported module's attribute changes it for the host and every other plugin.",
         "{what} changes the module for the host and every other plugin"),
    Rule("ACC504", _L, "broad except around import",
         "A bare except or except BaseException around an import tries to swallow the import gate's refusal.",
         "{what} around an import tries to swallow the import gate's refusal; catch ImportError"),
)  # fmt: skip

RULES_BY_ID: Final = {rule.id: rule for rule in RULES}

# Top-level modules whose import is reported (ACC201).
DANGEROUS_MODULES: Final = frozenset(
    {
        "builtins",
        "code",
        "codeop",
        "ctypes",
        "gc",
        "importlib",
        "inspect",
        "marshal",
        "multiprocessing",
        "os",
        "pickle",
        "posix",
        "pty",
        "shelve",
        "shutil",
        "socket",
        "subprocess",
        "sys",
    }
)

# Calls by name that run code (ACC101/ACC102) or reach state or I/O (ACC307).
CODE_BUILTINS: Final = frozenset({"compile", "eval", "exec"})
INTROSPECTION_BUILTINS: Final = frozenset(
    {"breakpoint", "dir", "globals", "input", "locals", "open", "vars"}
)
ATTRIBUTE_BUILTINS: Final = frozenset(
    {"delattr", "getattr", "hasattr", "setattr"}
)

# Decoders of encoded blobs (ACC103): module -> function names.
DECODERS: Final = {
    "base64": frozenset(
        {
            "a85decode",
            "b16decode",
            "b32decode",
            "b32hexdecode",
            "b64decode",
            "b85decode",
            "decodebytes",
            "standard_b64decode",
            "urlsafe_b64decode",
        }
    ),
    "binascii": frozenset({"a2b_base64", "a2b_hex", "unhexlify"}),
    "bz2": frozenset({"decompress"}),
    "codecs": frozenset({"decode"}),
    "lzma": frozenset({"decompress"}),
    "marshal": frozenset({"loads"}),
    "pickle": frozenset({"loads"}),
    "zlib": frozenset({"decompress"}),
}

# Calls that run programs (ACC501): module -> function names.
PROCESS_CALLS: Final = {
    "os": frozenset(
        {
            "execl",
            "execle",
            "execlp",
            "execv",
            "execve",
            "execvp",
            "fork",
            "popen",
            "posix_spawn",
            "spawnl",
            "spawnv",
            "system",
        }
    ),
    "pty": frozenset({"spawn"}),
    "subprocess": frozenset(
        {
            "Popen",
            "call",
            "check_call",
            "check_output",
            "getoutput",
            "getstatusoutput",
            "run",
        }
    ),
}

# Substrings of string literals that name secrets (ACC502), lower-cased.
SENSITIVE_PATHS: Final = (
    "/etc/passwd",
    "/etc/shadow",
    ".aws/config",
    ".aws/credentials",
    ".gnupg",
    ".netrc",
    "aws_secret_access_key",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_rsa",
    "~/.ssh",
)

# Capabilities (ACC401): facade -> method (None: any) -> permission prefix,
# and the permission to suggest.
CAPABILITIES: Final[tuple[tuple[str, str | None, str, str], ...]] = (
    ("claude", "query", "host:claude.query", "host:claude.query"),
    ("env", None, "env:", "env:<NAME>"),
    ("events", "emit", "host:events.emit", "host:events.emit"),
    ("fs", None, "fs:", "fs:read:<path>"),
    ("http", None, "net:", "net:https://<host>"),
    ("process", None, "process:", "process:<command>"),
)

LONG_LITERAL: Final = 1000
ENTROPY_MIN_LENGTH: Final = 40
ENTROPY_BITS: Final = 4.5
