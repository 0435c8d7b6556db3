"""
How much memory the process holds now, read cheaply enough for the
watchdog to look several hundred times a second.
"""

from __future__ import annotations

import os
import sys
from typing import Final


_PAGE: Final = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _from_statm() -> int | None:
    # Linux: the second field of /proc/self/statm is resident pages.
    try:
        with open("/proc/self/statm", "rb") as handle:  # noqa: PTH123 -- one small read, hot path
            fields = handle.read().split()
        return int(fields[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


def _from_rusage() -> int | None:
    # Elsewhere on POSIX the peak is all there is: growth of the peak
    # still shows memory built up during a call (never a false alarm).
    try:
        import resource  # noqa: PLC0415 -- POSIX only

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):
        return None
    return peak if sys.platform == "darwin" else peak * 1024


def resident_bytes() -> int | None:
    """
    The process's resident memory in bytes (its peak where the current
    figure cannot be read), or None where neither can.
    """
    if sys.platform.startswith("linux"):
        found = _from_statm()
        if found is not None:
            return found
    return _from_rusage()
