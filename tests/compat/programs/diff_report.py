"""Compare two revisions of a short document and produce a review report:
unified diff, opcodes, similarity ratios, fuzzy matches and wrapped
summaries.

Exercises: difflib.SequenceMatcher/unified_diff/ndiff/get_close_matches,
textwrap.wrap/fill/indent/shorten/dedent, string.Template and
string.capwords, str.format with alignment specs, %-formatting,
a context manager class (__enter__/__exit__) that collects sections,
enumerate with start, zip_longest, Counter arithmetic, re.split.
"""

import difflib
import re
import string
import textwrap
from collections import Counter
from itertools import zip_longest

OLD = textwrap.dedent(
    """\
    The plugin loader reads the manifest file and validates it.
    Each plugin declares a name, a version and a list of entry points.
    Entry points are resolved lazily when the host first needs them.
    Errors during loading are reported to the user with a short message.
    Plugins may depend on other plugins by name.
    The loader refuses cycles in the dependency graph.
    """
)

NEW = textwrap.dedent(
    """\
    The plugin loader reads the manifest file and validates it strictly.
    Each plugin declares a name, a version and a list of entry points.
    Entry points are resolved eagerly when the plugin is activated.
    Errors during loading are reported to the user with a detailed message.
    Plugins may depend on other plugins by name and version range.
    The loader refuses cycles in the dependency graph.
    Deprecated fields produce warnings instead of errors.
    """
)

HEADER = string.Template("Review of $name: $changed line(s) changed, similarity $ratio")


class Report:
    """Collects titled sections; used as a context manager per section."""

    def __init__(self, width=60):
        self.width = width
        self.sections = []
        self._current = None
        self._pending_title = "untitled"
        self.errors = []

    def section(self, title):
        self._pending_title = title
        return self

    def __enter__(self):
        self._current = (string.capwords(self._pending_title), [])
        return self

    def add(self, text, indent=0):
        lines = textwrap.wrap(text, width=self.width - indent) or [""]
        prefix = " " * indent
        self._current[1].extend(textwrap.indent(line, prefix) if line else line for line in lines)

    def __exit__(self, exc_type, exc, tb):
        title, lines = self._current
        if exc_type is not None:
            self.errors.append(f"{title}: {exc}")
            lines.append("[section aborted]")
        self.sections.append({"title": title, "lines": lines})
        self._current = None
        return exc_type is KeyError  # swallow KeyErrors only


def word_changes(a: str, b: str):
    sm = difflib.SequenceMatcher(None, a.split(), b.split())
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            old = " ".join(a.split()[i1:i2])
            new = " ".join(b.split()[j1:j2])
            out.append("%-7s %r -> %r" % (tag, old, new))
    return out


def main() -> object:
    old_lines = OLD.splitlines()
    new_lines = NEW.splitlines()
    unified = list(
        difflib.unified_diff(old_lines, new_lines, fromfile="a/doc.txt", tofile="b/doc.txt", lineterm="", n=1)
    )
    matcher = difflib.SequenceMatcher(None, OLD, NEW, autojunk=False)
    line_matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in line_matcher.get_opcodes() if tag != "equal")

    report = Report(width=56)
    header = HEADER.substitute(name="doc.txt", changed=changed, ratio=f"{matcher.ratio():.3f}")
    with report.section("line by line changes"):
        for n, (a, b) in enumerate(zip_longest(old_lines, new_lines, fillvalue=""), start=1):
            if a != b:
                report.add(f"line {n}:", indent=0)
                for change in word_changes(a, b):
                    report.add(change, indent=4)
    with report.section("vocabulary drift"):
        old_words = Counter(w.lower() for w in re.split(r"\W+", OLD) if w)
        new_words = Counter(w.lower() for w in re.split(r"\W+", NEW) if w)
        gained = sorted((new_words - old_words).items())
        lost = sorted((old_words - new_words).items())
        report.add("gained: " + ", ".join(f"{w}x{c}" for w, c in gained))
        report.add("lost: " + ", ".join(f"{w}x{c}" for w, c in lost))
    with report.section("missing data"):
        report.add("this section looks up an unknown key")
        {"known": 1}["unknown"]
    with report.section("table"):
        for tag, i1, i2, j1, j2 in line_matcher.get_opcodes():
            report.add("{:<8}|{:>3}:{:<3}|{:>3}:{:<3}".format(tag, i1, i2, j1, j2))

    close = {
        word: difflib.get_close_matches(word, sorted(set(re.findall(r"[a-z]+", NEW))), n=2, cutoff=0.6)
        for word in ("lazily", "mesage", "plugn", "xyz")
    }
    ndiff_tags = Counter(line[:1] for line in difflib.ndiff(old_lines, new_lines))
    summary = textwrap.fill(
        "The new revision makes loading stricter, activates entry points eagerly and "
        "adds version ranges for dependencies while deprecating some fields.",
        width=40,
        initial_indent="* ",
        subsequent_indent="  ",
    )
    return {
        "header": header,
        "unified": unified,
        "ratio": round(matcher.ratio(), 6),
        "quick_ratio_ge": matcher.quick_ratio() >= matcher.ratio(),
        "sections": report.sections,
        "errors": report.errors,
        "close_matches": close,
        "ndiff_tags": dict(sorted(ndiff_tags.items())),
        "summary": summary.splitlines(),
        "shortened": textwrap.shorten(NEW, width=50, placeholder=" [...]"),
        "blocks": [list(b) for b in line_matcher.get_matching_blocks()],
    }
