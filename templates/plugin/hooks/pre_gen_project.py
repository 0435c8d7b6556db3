"""
Refuse a plugin name the manifest would refuse, before any file is
written (plain ``cookiecutter`` runs this; ``acc-plugins new`` checks
the same pattern first).
"""

import re
import sys


NAME = "{{ cookiecutter.name }}"
# The manifest's plugin name pattern (acc_plugins.manifest), 64 at most.
PATTERN = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"

if len(NAME) > 64 or re.fullmatch(PATTERN, NAME) is None:
    sys.stderr.write(
        f"error: {NAME!r} is not a valid plugin name: lowercase letters "
        "and digits in words joined by '-', starting with a letter, "
        "64 characters at most\n"
    )
    sys.exit(1)
