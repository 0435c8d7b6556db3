"""
The import allowlist's text and binary-data modules (``json``, ``re``,
``string``, ``struct``, ``unicodedata`` ...), as a literal table sorted by
module name, with the only members each proxy offers.

One family of the allowlist (``_allowlist`` joins them): split so that
each table can be read in one sitting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final


if TYPE_CHECKING:
    from collections.abc import Mapping


TEXT_MODULES: Final[Mapping[str, tuple[str, ...]]] = {
    "base64": (
        "b16decode",
        "b16encode",
        "b32decode",
        "b32encode",
        "b64decode",
        "b64encode",
        "standard_b64decode",
        "standard_b64encode",
        "urlsafe_b64decode",
        "urlsafe_b64encode",
    ),
    "difflib": (
        "Differ",
        "SequenceMatcher",
        "context_diff",
        "get_close_matches",
        "ndiff",
        "unified_diff",
    ),
    "html": ("escape", "unescape"),
    "json": (
        "JSONDecodeError",
        "JSONDecoder",
        "JSONEncoder",
        "dumps",
        "loads",
    ),
    "re": (
        "ASCII",
        "DOTALL",
        "IGNORECASE",
        "MULTILINE",
        "Match",
        "NOFLAG",
        "Pattern",
        "RegexFlag",
        "UNICODE",
        "VERBOSE",
        "A",
        "I",
        "M",
        "S",
        "U",
        "X",
        "compile",
        "error",
        "escape",
        "findall",
        "finditer",
        "fullmatch",
        "match",
        "search",
        "split",
        "sub",
        "subn",
    ),
    "string": (
        "Template",
        "ascii_letters",
        "ascii_lowercase",
        "ascii_uppercase",
        "capwords",
        "digits",
        "hexdigits",
        "octdigits",
        "printable",
        "punctuation",
        "whitespace",
    ),
    "struct": ("Struct", "calcsize", "error", "iter_unpack", "pack", "unpack"),
    "textwrap": ("TextWrapper", "dedent", "fill", "indent", "shorten", "wrap"),
    "unicodedata": (
        "bidirectional",
        "category",
        "combining",
        "decimal",
        "digit",
        "east_asian_width",
        "is_normalized",
        "lookup",
        "mirrored",
        "name",
        "normalize",
        "numeric",
        "unidata_version",
    ),
}
