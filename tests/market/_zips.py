"""
Archives as an attacker writes them, byte by byte where ``zipfile`` would
not write them, and a fingerprint of a folder tree.
"""

import io
import os
import stat
import struct
import warnings
import zipfile
from pathlib import Path


MANIFEST = (
    b'[plugin]\nname = "demo"\nversion = "1.0.0"\ndescription = "Demo."\n'
    b'entry = "demo:Demo"\nkind = "tool"\n'
)
EPOCH = (1980, 1, 1, 0, 0, 0)


def entry(name, mode=stat.S_IFREG | 0o644):
    """A ZipInfo with *name* and Unix *mode*, as any zip tool may write."""
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.create_system = 3
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def make_zip(*entries, manifest=True):
    """
    A zip of (name or ZipInfo, bytes) pairs, after a valid plugin.toml
    unless *manifest* is false.  Duplicate names are written as given.
    """
    buffer = io.BytesIO()
    pairs = ([("plugin.toml", MANIFEST)] if manifest else []) + list(entries)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of duplicate names
        with zipfile.ZipFile(buffer, "w") as zipped:
            for name, data in pairs:
                info = entry(name) if isinstance(name, str) else name
                zipped.writestr(info, data)
    return buffer.getvalue()


def end_record(data):
    """The offset of the end-of-central-directory record."""
    return data.rfind(b"PK\x05\x06")


def with_declared_count(data, count):
    """*data* with the end record declaring *count* entries."""
    at = end_record(data)
    patched = bytearray(data)
    struct.pack_into("<HH", patched, at + 8, count, count)
    return bytes(patched)


def with_declared_size(data, name, size):
    """*data* with entry *name*'s uncompressed size declared as *size*,
    in both its local header and the central directory."""
    patched = bytearray(data)
    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + length] == encoded:
            struct.pack_into("<I", patched, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == encoded:
            struct.pack_into("<I", patched, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def fingerprint(root: Path):
    """Every path under *root* with its type, mode and content."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder, name)
            info = path.lstat()
            content = path.read_bytes() if path.is_file() else None
            found[path.relative_to(root).as_posix()] = (
                stat.S_IFMT(info.st_mode),
                stat.S_IMODE(info.st_mode),
                content,
            )
    return found
