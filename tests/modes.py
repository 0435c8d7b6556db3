"""
Whether file modes bind this process: root with its usual capabilities
reads and writes every file whatever its mode, so the tests of unreadable
files and read-only folders skip there.  ``.ci/run`` runs them again as
root without those capabilities.
"""

import tempfile
from pathlib import Path

import pytest


def permissions_enforced() -> bool:
    """
    Whether a file of mode 000 is unreadable to this process.
    """
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


needs_permissions = pytest.mark.skipif(
    not permissions_enforced(),
    reason="file modes do not bind this process (root with CAP_DAC_OVERRIDE)",
)
