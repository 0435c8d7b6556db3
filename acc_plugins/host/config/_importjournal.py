"""
Applying a checked ``config import`` all or nothing, across two files that
cannot be replaced in one rename: ``config.toml`` and the grant store.

Why a journal: a kill or a refused write between the two used to leave the
grants of one import beside the settings of another.  Before touching
either, ``import.journal`` (in the data folder, written atomically) names
the whole target state and what ``config.toml`` held before.  The
settings go in first; then the grants, with one audit entry that carries
the journal's id: that entry landing is the commit point.  If anything
fails before it, ``config.toml`` is put back as it was; after it, the
rest is applied again.  A host that finds a journal at start does the same:
forward if the trail holds the commit entry, back otherwise.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ._atomic import write_atomic
from ._config import ConfigFile
from ._tomledit import UNCHANGED


if TYPE_CHECKING:
    from collections.abc import Mapping

    from acc_plugins.host.gate._consent import GrantStore

JOURNAL: Final = "import.journal"


def _journal_path(store: GrantStore) -> Path:
    return store.path.parent / JOURNAL


def run_import(
    store: GrantStore,
    config: Path,
    plans: Mapping[str, Mapping[str, Any]],
    *,
    source: str,
) -> None:
    """
    Apply *plans* (checked already) to the configuration file *config* and
    the grant store, all or nothing.

    Args:
        store: The grant store; its folder holds the journal.

        config: The ``config.toml`` that gets the flags and settings.

        plans: By plugin: ``enabled``, ``settings`` and ``grants`` (the
            exact new set), each optional.

        source: Where the setup came from, for the audit entry.

    Raises:
        OSError: If a file cannot be written; nothing changed then, unless
            the message says the import will be finished at next start.
    """
    settle_import(store)  # an earlier import cut short comes first
    try:
        before: str | None = config.read_text(encoding="utf-8")
        mode = config.stat().st_mode & 0o777
    except FileNotFoundError:
        before, mode = None, 0o600
    journal: dict[str, Any] = {
        "id": secrets.token_hex(8),
        "after": store.audit.last_seq(),
        "source": source,
        "config": str(config),
        "before": before,
        "mode": mode,
        "plans": {
            name: {
                key: plan[key]
                for key in ("enabled", "settings")
                if key in plan
            }
            for name, plan in plans.items()
        },
        "grants": {
            name: sorted(plan["grants"])
            for name, plan in plans.items()
            if "grants" in plan
        },
    }
    path = _journal_path(store)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, json.dumps(journal).encode("utf-8"))
    try:
        _apply_settings(journal)
        store.replace(
            {
                name: frozenset(held)
                for name, held in journal["grants"].items()
            },
            by="import",
            source=source,
            journal=journal["id"],
        )
    except BaseException:
        _settle(store, journal, path)
        raise
    path.unlink(missing_ok=True)


def settle_import(store: GrantStore) -> bool:
    """
    Finish or undo an import that was cut short, if its journal is there.

    Returns:
        Whether there was one.

    Raises:
        OSError: If it cannot be finished or undone (the journal stays).
    """
    path = _journal_path(store)
    try:
        journal = json.loads(path.read_bytes())
    except FileNotFoundError:
        return False
    except ValueError:
        # Written atomically, so never torn: edited by hand.  Nothing was
        # applied on its strength that a journal could restore.
        path.unlink(missing_ok=True)
        return True
    _settle(store, journal, path)
    return True


def _settle(store: GrantStore, journal: dict[str, Any], path: Path) -> None:
    if _committed(store, journal):
        _apply_settings(journal)
    else:
        _restore(journal)
    path.unlink(missing_ok=True)


def _committed(store: GrantStore, journal: dict[str, Any]) -> bool:
    after = journal.get("after", 0)
    return any(
        entry.detail.get("journal") == journal.get("id")
        for entry in store.audit.entries()
        if entry.seq > after
    )


def _apply_settings(journal: dict[str, Any]) -> None:
    file = ConfigFile(Path(journal["config"]))
    for name, plan in sorted(journal["plans"].items()):
        file.change(
            name,
            enabled=plan.get("enabled", UNCHANGED),
            settings=plan.get("settings", {}),
        )


def _restore(journal: dict[str, Any]) -> None:
    config = Path(journal["config"])
    before = journal.get("before")
    if before is None:
        config.unlink(missing_ok=True)
    else:
        write_atomic(config, before.encode("utf-8"), mode=journal["mode"])
