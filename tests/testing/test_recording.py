"""
What a run recorded, as the smallest [permissions] block.
"""

import tomllib

from acc_plugins.manifest import parse_manifest
from acc_plugins.testing._recording import permissions_table, toml_block


USED = [
    "host:events.emit",
    "fs:read:${workspace}/notes.txt",
    "process:git",
    "env:HOME",
    "fs:read:${workspace}/notes.txt",
    "net:https://api.example.com:8443",
    "fs:read:/etc/passwd (outside ${workspace}, ${plugin} and ${data}: no root contains it)",
]


def test_each_use_is_one_entry_in_its_array_once():
    table, ungrantable = permissions_table(USED)

    assert table == {
        "filesystem": ["read:${workspace}/notes.txt"],
        "network": ["https://api.example.com:8443"],
        "environment": ["HOME"],
        "process": ["git"],
        "host": ["events.emit"],
    }
    assert ungrantable == [USED[-1]]


def test_the_block_is_a_permissions_table_a_manifest_accepts():
    table, _ = permissions_table(USED[:-1])
    head = '[plugin]\nname = "x"\nversion = "1.0.0"\n'
    head += 'description = "x"\nkind = "tool"\nentry = "x:X"\n'

    block = toml_block(table)
    manifest = parse_manifest(head + block)

    assert tomllib.loads(block) == {"permissions": table}
    assert sorted(p.canonical for p in manifest.permissions.all) == sorted(
        set(USED[:-1])
    )
