"""
Reports that flag a registry's plugins for its administrators:
``reports.json``, appended to under the registry's lock.

Why a file of its own rather than part of the index: anyone who can write
the folder may report, but only the owner signs the index; the owner's
next change counts the reports into each listing (`Listing.reports`), so
that users see that a plugin is under question.
"""

from __future__ import annotations

import collections
import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import MarketplaceError

from ._changes import check_text, listing_of
from ._layout import REPORTS
from ._regfolder import RegistryFolder, json_lines


if TYPE_CHECKING:
    from pathlib import Path

MAX_REASON: Final = 2000
"""The longest reason, in characters."""

_MAX_REPORTER: Final = 64
_MAX_FILE: Final = 64 * 1024 * 1024
_FIELDS: Final = frozenset({"plugin", "reason", "reporter", "reported_at"})


@attrs.frozen(kw_only=True)
class Report:
    """
    One report.

    Attributes:
        plugin: The plugin reported.

        reason: Why.

        reporter: Who says so, as they give their name.

        reported_at: When, ISO 8601 in UTC.
    """

    plugin: str
    reason: str
    reporter: str
    reported_at: str

    def to_json(self) -> dict[str, Any]:
        """
        The report as stored.
        """
        return attrs.asdict(self)


@attrs.frozen
class ReportBook:
    """
    The reports of a directory registry.

    Attributes:
        root: The registry's folder.
    """

    root: Path

    def entries(self) -> list[Report]:
        """
        Every report, oldest first.

        Raises:
            MarketplaceError: If ``reports.json`` is not a list of reports.
        """
        where = self.root / REPORTS
        data = RegistryFolder(self.root).read_list(
            REPORTS, _MAX_FILE, "reports"
        )
        reports = []
        for number, entry in enumerate(data):
            if (
                not isinstance(entry, dict)
                or set(entry) != _FIELDS
                or not all(isinstance(value, str) for value in entry.values())
            ):
                msg = (
                    f"{where}: entry {number} is not a report (expected "
                    f"the text fields {', '.join(sorted(_FIELDS))})"
                )
                raise MarketplaceError(msg)
            reports.append(Report(**entry))
        return reports

    def counts(self) -> dict[str, int]:
        """
        How many reports each reported plugin has.
        """
        return dict(collections.Counter(r.plugin for r in self.entries()))

    def add(
        self,
        name: str,
        reason: str,
        reporter: str,
        *,
        now: dt.datetime | None = None,
    ) -> Report:
        """
        Report plugin *name* for *reason*.

        Raises:
            MarketplaceError: If the registry has no such plugin, or the
                reason or name is empty, too long or not printable.
        """
        moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        report = Report(
            plugin=name,
            reason=check_text("the reason", reason, MAX_REASON),
            reporter=check_text("the reporter", reporter, _MAX_REPORTER),
            reported_at=moment.isoformat(timespec="seconds"),
        )
        folder = RegistryFolder(self.root)
        with folder.locked():
            listing_of(folder.signed().index, name)
            reports = [*self.entries(), report]
            data = json_lines([entry.to_json() for entry in reports])
            folder.write({REPORTS: data})
        return report
