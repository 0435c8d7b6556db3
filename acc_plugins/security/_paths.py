"""
Path canonicalisation and glob matching for filesystem grants.

Pure string logic plus the few ``stat`` calls that resolving symlinks and
detecting a case-insensitive filesystem need; nothing here creates files.
"""

import functools
import os
import re
import unicodedata
from pathlib import Path
from typing import Final


# Folding only ASCII letters: a wider fold (str.lower, str.casefold) equates
# names such as 'K' and the Kelvin sign that filesystems keep apart.
_ASCII_LOWER: Final = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
)
_ASCII_SWAP: Final = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def path_text(path: object) -> str:
    """
    Return the text of a path a plugin passed, NFC-normalised.

    Raises:
        TypeError: Not a ``str`` or ``os.PathLike[str]``.

        ValueError: Empty, or with a NUL character.
    """
    if not isinstance(path, str | os.PathLike):
        msg = f"a path must be str or os.PathLike[str], not {type(path)!r}"
        raise TypeError(msg)
    text = os.fspath(path)
    if not isinstance(text, str):
        msg = f"a path must be text, not {type(text)!r}"
        raise TypeError(msg)
    if not text:
        msg = "a path must not be empty"
        raise ValueError(msg)
    if "\x00" in text:
        msg = "a path must not contain NUL characters"
        raise ValueError(msg)
    return unicodedata.normalize("NFC", text)


def resolve(text: str, base: Path) -> str:
    """
    Resolve *text* against *base* the way the operating system would.

    Symlinks, ``.``, ``..`` and repeated separators are resolved through
    the deepest existing parent; the part that does not exist yet is
    appended as written, and may not contain ``..`` (the result would
    depend on directories that do not exist yet).

    Args:
        text: An absolute path, or one relative to *base*.

        base: An absolute, resolved directory.

    Returns:
        The absolute path with no symlink in its existing part.

    Raises:
        ValueError: ``..`` follows a part that does not exist.
    """
    full = text if os.path.isabs(text) else os.path.join(base, text)  # noqa: PTH118, PTH117 -- str in, str out
    drive, rest = os.path.splitdrive(full)
    current = os.path.realpath(drive + os.sep)
    missing = False
    for part in re.split(r"[\\/]" if os.altsep else "/", rest):
        if part in {"", "."}:
            continue
        if part == "..":
            if missing:
                msg = (
                    f"{text!r} uses '..' below a directory that does not"
                    " exist yet"
                )
                raise ValueError(msg)
            current = os.path.dirname(current)  # noqa: PTH120 -- current is resolved, so this is its real parent
            continue
        step = os.path.join(current, part)  # noqa: PTH118 -- str in, str out
        if missing or not os.path.lexists(step):
            missing = True
            current = step
            continue
        # Also resolves a dangling symlink, whose target a write would create.
        current = os.path.realpath(step)
        missing = not os.path.lexists(current)
    return current


def fold(text: str) -> str:
    """
    Lower-case the ASCII letters of *text*, and nothing else.
    """
    return text.translate(_ASCII_LOWER)


def is_case_insensitive(root: Path) -> bool:
    """
    Tell whether the filesystem holding *root* ignores case, creating nothing.

    The nearest existing directory at or above *root* whose name has an ASCII
    letter is compared, by ``stat``, with its case-swapped name.
    """
    text = str(root)
    if os.path.normcase(text) != text:
        return True
    for probe in (root, *root.parents):
        swapped = probe.name.translate(_ASCII_SWAP)
        if swapped == probe.name:
            continue
        try:
            original = probe.stat()
        except OSError:
            continue
        try:
            other = probe.with_name(swapped).stat()
        except OSError:
            return False
        return os.path.samestat(original, other)
    return False


def relative_to_root(
    path: str, root: str, *, case_insensitive: bool
) -> tuple[str, str] | None:
    """
    Split a resolved *path* into the root's own spelling and the rest.

    Returns:
        ``(path spelled with the root's exact prefix, remainder)``, the
        remainder being ``/``-separated and ``""`` for the root itself;
        ``None`` when *path* is not below *root*.
    """
    split = _split_root(path, root, case_insensitive=case_insensitive)
    if split is None or os.sep == "/":
        return split
    return split[0], split[1].replace(os.sep, "/")


def _split_root(
    path: str, root: str, *, case_insensitive: bool
) -> tuple[str, str] | None:
    if path == root:
        return path, ""
    prefix = root.rstrip(os.sep) + os.sep
    if path.startswith(prefix):
        return path, path[len(prefix) :]
    if not case_insensitive:
        return None
    head = path[: len(prefix)]
    if fold(head) != fold(prefix) and fold(path) != fold(root):
        return None
    # Only trust a case-insensitive match if the filesystem agrees: an
    # ancestor of the root may live on a case-sensitive filesystem.
    candidate = path[: len(root)]
    try:
        same = os.path.samestat(os.stat(candidate), os.stat(root))  # noqa: PTH116 -- str paths throughout
    except OSError:
        return None
    if not same:
        return None
    remainder = path[len(prefix) :] if len(path) > len(root) else ""
    spelled = os.path.join(root, remainder) if remainder else root  # noqa: PTH118 -- str in, str out
    return spelled, remainder


@functools.lru_cache(maxsize=1024)
def _segment_regex(segment: str, case_insensitive: bool) -> re.Pattern[str]:
    body = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char)
        for char in segment
    )
    flags = re.DOTALL | (re.ASCII | re.IGNORECASE if case_insensitive else 0)
    return re.compile(body, flags)


def glob_matches(
    pattern: str, remainder: str, *, case_insensitive: bool
) -> bool:
    """
    Tell whether *remainder*, a path below a root, matches a grant's pattern.

    ``**`` matches zero or more whole segments, ``*`` any run of characters
    within one segment, ``?`` one character; ``[`` has no special meaning.
    The empty pattern is the whole root, like ``**``.

    Args:
        pattern: ``/``-separated glob segments, as in the manifest.

        remainder: ``/``-separated segments, ``""`` for the root itself.

        case_insensitive: Whether ASCII letters match either case.
    """
    wanted = pattern.split("/") if pattern else ["**"]
    parts = remainder.split("/") if remainder else []

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(wanted):
            return j == len(parts)
        if wanted[i] == "**":
            return match(i + 1, j) or (j < len(parts) and match(i, j + 1))
        return (
            j < len(parts)
            and _segment_regex(wanted[i], case_insensitive).fullmatch(parts[j])
            is not None
            and match(i + 1, j + 1)
        )

    return match(0, 0)


_PATTERN_CHAR: Final = re.compile(r"[A-Za-z0-9._+@=,%-]")


def literal_pattern(remainder: str) -> str:
    """
    The narrowest manifest pattern that matches *remainder*.

    Characters the manifest grammar refuses (and the wildcards themselves)
    become ``?``, which matches exactly one character.
    """
    if not remainder:
        return ""
    return "/".join(
        "".join(c if _PATTERN_CHAR.fullmatch(c) else "?" for c in part)
        for part in remainder.split("/")
    )
