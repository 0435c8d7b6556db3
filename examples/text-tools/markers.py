"""
Tables shared by the text tools.
"""

import re


MARKERS = re.compile(r"^(TODO|FIXME|XXX|HACK)\b(.*)$")

COMMENT_PREFIXES = {
    "javascript": ("//",),
    "python": ("#",),
    "rust": ("//",),
    "shell": ("#",),
    "sql": ("--",),
}
