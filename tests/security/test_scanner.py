import ast
import json
import string
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.cli._scan import scan
from acc_plugins.security import _checks
from acc_plugins.security._rules import RULES, RULES_BY_ID, Severity
from acc_plugins.security._scanner import (
    Finding,
    ScanReport,
    scan_plugin,
    scan_source,
)


REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
HOSTILE = EXAMPLES / "hostile"
BENIGN_PLUGINS = ["text-tools", "code-reviewer", "review-pipeline"]
COMPAT_PROGRAMS = sorted((REPO / "tests/compat/programs").glob("*.py"))

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

EXEC_BUILT = 'code = "pri" + "nt(1)"\nexec(code)\n'
EVAL_LITERAL = 'eval("1 + 1")\n'
COMPILE_BUILT = 'compile(text, "<x>", "exec")\n'
BASE64_BLOB = 'import base64\npayload = base64.b64decode("cHJpbnQoMSk=")\n'
ZLIB_BLOB = 'from zlib import decompress\ndata = decompress(b"x\\x9c")\n'
CODECS_BLOB = 'import codecs\ncode = codecs.decode("cevag", "rot13")\n'
CHR_JOIN = 'name = "".join(chr(c) for c in [111, 115])\n'
CHR_ADD = "name = chr(111) + chr(115)\n"
MAP_CHR = 'name = "".join(map(chr, [111, 115]))\n'
BYTES_LIST = "name = bytes([111, 115, 46]).decode()\n"
LONG_BLOB = 'blob = "' + "QUJD" * 300 + '"\n'
HIGH_ENTROPY = f'key = "{string.ascii_letters + string.digits}"\n'
IMPORT_OS = "import os.path\n"
FROM_CTYPES = "from ctypes import CDLL\n"
IMPORT_PICKLE = "import pickle as p\n"
DUNDER_IMPORT = 'mod = __import__("o" + "s")\n'
IMPORTLIB_CALL = "import importlib\nmod = importlib.import_module(name)\n"
DUNDER_ATTR = "bases = ().__bases__.__bases__\n"
DUNDER_GLOBALS = "g = run.__globals__\n"
DUNDER_NAME = "b = __builtins__\n"
FRAME_ATTR = "def gen():\n    yield 1\n\n\nframe = gen().gi_frame\n"
MRO_CALL = "order = int.mro()\n"
GETATTR_COMPUTED = "value = getattr(obj, name)\n"
GETATTR_PRIVATE = 'value = getattr(obj, "_secret")\n'
SETATTR_PIECES = 'setattr(obj, "lo" + "ads", None)\n'
GETATTR_DUNDER = 'cls = getattr(obj, "__bases__")\n'
HASATTR_FRAME = 'hasattr(gen, "gi_frame")\n'
GETATTR_PIECES = 'host = getattr(ctx, "_" + "host")\n'
STRING_DUNDER = 'NAME = "__globals__"\n'
STRING_FRAME = 'ATTR = "f_back"\n'
STRING_PIECES = 'ATTR = "__sub" + "classes__"\n'
DEL_METHOD = "class A:\n    def __del__(self):\n        pass\n"
GETATTR_METHOD = (
    "class A:\n    def __setattr__(self, name, value):\n        pass\n"
)
GLOBALS_CALL = "g = globals()\n"
OPEN_CALL = 'text = open("notes.txt").read()\n'
DIR_CALL = "names = dir(obj)\n"
CLAUDE_QUERY = "class P:\n    def run(self):\n        return self.ctx.claude.query('hi')\n"
EVENTS_EMIT = "def run(ctx):\n    ctx.events.emit('done')\n"
FS_READ = "def run(self):\n    return self.ctx.fs.read('a.txt')\n"
HTTP_GET = "def run(self):\n    return self.ctx.http.get('https://x.org')\n"
ENV_GET = "def run(self):\n    return self.ctx.env.get('HOME')\n"
PROCESS_RUN = "def run(self):\n    return self.ctx.process.run('git')\n"
OS_SYSTEM = 'import os\nos.system("ls")\n'
SUBPROCESS_POPEN = 'import subprocess as sp\nsp.Popen(["ls"])\n'
FROM_SUBPROCESS = 'from subprocess import run\nrun(["ls"])\n'
SSH_KEY = 'KEY = "~/.ssh/id_rsa"\n'
SYSTEM_USERS = 'USERS = "/etc/passwd"\n'
AWS_CREDENTIALS = 'AWS = "~/.aws/credentials"\n'
MONKEYPATCH = "import json\njson.loads = str\n"
SETATTR_MODULE = 'import json\nsetattr(json, "loads", str)\n'
BARE_EXCEPT = "try:\n    import yaml\nexcept:\n    yaml = None\n"
BASE_EXCEPT = (
    "try:\n    import yaml\nexcept (ImportError, BaseException):\n    pass\n"
)
NOT_PYTHON = "def broken(:\n    pass\n"


@pytest.mark.parametrize(
    ("source", "rule", "line", "severity"),
    [
        (EXEC_BUILT, "ACC101", 2, C),
        (COMPILE_BUILT, "ACC101", 1, C),
        (EVAL_LITERAL, "ACC102", 1, H),
        (BASE64_BLOB, "ACC103", 2, H),
        (ZLIB_BLOB, "ACC103", 2, H),
        (CODECS_BLOB, "ACC103", 2, H),
        (CHR_JOIN, "ACC104", 1, M),
        (CHR_ADD, "ACC104", 1, M),
        (MAP_CHR, "ACC104", 1, M),
        (BYTES_LIST, "ACC104", 1, M),
        (LONG_BLOB, "ACC105", 1, M),
        (HIGH_ENTROPY, "ACC106", 1, L),
        (IMPORT_OS, "ACC201", 1, H),
        (FROM_CTYPES, "ACC201", 1, H),
        (IMPORT_PICKLE, "ACC201", 1, H),
        (DUNDER_IMPORT, "ACC202", 1, H),
        (IMPORTLIB_CALL, "ACC202", 2, H),
        (DUNDER_GLOBALS, "ACC301", 1, H),
        (DUNDER_NAME, "ACC301", 1, H),
        (FRAME_ATTR, "ACC302", 5, H),
        (MRO_CALL, "ACC302", 1, H),
        (GETATTR_COMPUTED, "ACC303", 1, M),
        (GETATTR_PRIVATE, "ACC303", 1, M),
        (SETATTR_PIECES, "ACC303", 1, M),
        (GETATTR_DUNDER, "ACC304", 1, H),
        (HASATTR_FRAME, "ACC304", 1, H),
        (GETATTR_PIECES, "ACC304", 1, H),
        (STRING_DUNDER, "ACC305", 1, M),
        (STRING_FRAME, "ACC305", 1, M),
        (STRING_PIECES, "ACC305", 1, M),
        (DEL_METHOD, "ACC306", 2, H),
        (GETATTR_METHOD, "ACC306", 2, H),
        (GLOBALS_CALL, "ACC307", 1, H),
        (OPEN_CALL, "ACC307", 1, H),
        (DIR_CALL, "ACC307", 1, H),
        (CLAUDE_QUERY, "ACC401", 3, M),
        (EVENTS_EMIT, "ACC401", 2, M),
        (FS_READ, "ACC401", 2, M),
        (HTTP_GET, "ACC401", 2, M),
        (ENV_GET, "ACC401", 2, M),
        (PROCESS_RUN, "ACC401", 2, M),
        (OS_SYSTEM, "ACC501", 2, H),
        (SUBPROCESS_POPEN, "ACC501", 2, H),
        (FROM_SUBPROCESS, "ACC501", 2, H),
        (SSH_KEY, "ACC502", 1, H),
        (SYSTEM_USERS, "ACC502", 1, H),
        (AWS_CREDENTIALS, "ACC502", 1, H),
        (MONKEYPATCH, "ACC503", 2, H),
        (SETATTR_MODULE, "ACC503", 2, H),
        (BARE_EXCEPT, "ACC504", 3, L),
        (BASE_EXCEPT, "ACC504", 3, L),
        (NOT_PYTHON, "ACC001", 1, M),
    ],
)
def test_rule_fires_on_hostile_snippet(source, rule, line, severity):
    """Each rule reports its snippet once, on the right line and severity."""
    found = scan_source(source, "m.py")

    assert [(f.rule, f.line, f.severity) for f in found if f.rule == rule] == [
        (rule, line, severity)
    ]


def test_every_rule_has_a_snippet():
    """The parametrised table above covers every rule but the manifest's."""
    tested = {
        f.rule
        for source in [v for k, v in globals().items() if k.isupper()]
        if isinstance(source, str)
        for f in scan_source(source, "m.py")
    }

    assert {rule.id for rule in RULES} - tested == {"ACC002"}


def test_dunder_attributes_each_reported_at_their_name():
    """Each step of a dunder chain is a finding that points at its name."""
    found = scan_source(DUNDER_ATTR, "m.py")

    assert [(f.rule, f.column) for f in found] == [
        ("ACC301", 12),
        ("ACC301", 22),
    ]


def test_literal_exec_is_high_and_built_exec_is_critical():
    """exec of a literal is high; exec of anything else is critical."""
    literal = scan_source('exec("x = 1")\n', "m.py")
    built = scan_source('exec("x = " + str(1))\n', "m.py")

    assert [f.severity for f in literal] == [H]
    assert [f.severity for f in built] == [C]


def test_requested_permissions_silence_capability_findings():
    """A capability the manifest requests is not reported."""
    requested = frozenset({"host:claude.query", "fs:read:${workspace}/**"})

    assert scan_source(CLAUDE_QUERY, "m.py", requested=requested) == []
    assert scan_source(FS_READ, "m.py", requested=requested) == []
    assert [
        f.rule for f in scan_source(HTTP_GET, "m.py", requested=requested)
    ] == ["ACC401"]


def test_capability_message_names_the_permission_to_add():
    """The message says which permission plugin.toml lacks."""
    (finding,) = scan_source(EVENTS_EMIT, "m.py")

    assert "'host:events.emit'" in finding.message
    assert "[permissions]" in finding.message


def test_messages_say_what_and_why():
    """A message names the construct and why it matters."""
    (finding,) = scan_source(EXEC_BUILT, "m.py")

    assert finding.message == (
        "exec() of a string built at run time hides what the plugin does"
    )


def test_docstrings_and_plain_strings_are_not_findings():
    """Docstrings that mention dunders and ordinary strings pass."""
    source = (
        '"""Implements __eq__ and reads ~/.ssh in its docs; '
        + "x" * 1200
        + '"""\n'
        "def __init__(self):\n"
        '    """Uses __class__ in prose."""\n'
        'MESSAGE = "use __init__ and __name__, see __main__"\n'
        "if __name__ == '__main__':\n"
        "    pass\n"
        "import re\n"
        "PATTERN = re.compile(r'[a-z]+')\n"
        "name = chr(10).join(['a', 'b'])\n"
    )

    assert scan_source(source, "m.py") == []


def test_suppression_comment_hides_only_the_named_rule():
    """# acc: ignore[ID] hides that rule on that line, nothing else."""
    source = (
        "eval(text)  # acc: ignore[ACC101]\n"
        "eval(text)  # acc: ignore[ACC307]\n"
        "import os; eval(x)  # acc: ignore[ACC101, ACC201]\n"
    )

    found = scan_source(source, "m.py")

    assert [(f.rule, f.line) for f in found] == [("ACC101", 2)]


def test_report_counts_suppressed_findings(tmp_path):
    """The plugin report says how many findings comments hid."""
    (tmp_path / "m.py").write_text("eval(text)  # acc: ignore[ACC101]\n")

    report = scan_plugin(tmp_path)

    assert (report.findings, report.suppressed, report.files) == ((), 1, 1)


@pytest.mark.parametrize("name", BENIGN_PLUGINS)
def test_example_plugins_have_nothing_above_low(name):
    """The shipped example plugins scan clean."""
    report = scan_plugin(EXAMPLES / name)

    assert report.blocking(Severity.MEDIUM) == []
    assert report.files >= 1


def test_compat_programs_have_nothing_above_low():
    """Everyday Python programs produce at most low findings."""
    found = [
        f
        for path in COMPAT_PROGRAMS
        for f in scan_source(path.read_text(encoding="utf-8"), path.name)
    ]

    assert len(COMPAT_PROGRAMS) > 10
    assert [f for f in found if f.severity > L] == []


def test_code_reviewer_without_its_manifest_is_reported(tmp_path):
    """The manifest's permissions are what silences capability use."""
    source = (EXAMPLES / "code-reviewer/reviewer.py").read_text()
    (tmp_path / "reviewer.py").write_text(source)

    report = scan_plugin(tmp_path)

    assert [f.rule for f in report.findings] == ["ACC401"]


def _ranges(path, names):
    tree = ast.parse(path.read_text())
    nodes = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Assign)
    ]
    found = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            label = ast.unparse(node.targets[0])
        else:
            label = node.name
        if label in names:
            found[label] = range(node.lineno, (node.end_lineno or 0) + 1)
    assert set(found) == set(names)
    return found


HOSTILE_ATTACKS = {
    "evil.py": {
        "read_secrets",
        "walk_objects",
        "steal_context",
        "poison_json",
        "swallow_refusal",
    },
    "backdoor.py": {"subclasses", "leak", "Finalizer", "exec_it"},
}


@pytest.mark.parametrize("filename", sorted(HOSTILE_ATTACKS))
def test_hostile_example_every_attack_is_high_or_critical(filename):
    """Each attack in the hostile plugin has a high or critical finding."""
    report = scan_plugin(HOSTILE)
    ranges = _ranges(HOSTILE / filename, HOSTILE_ATTACKS[filename])
    severe = [f for f in report.blocking(H) if f.path == filename]

    missed = [
        name
        for name, lines in ranges.items()
        if not any(f.line in lines for f in severe)
    ]

    assert missed == []
    assert report.max_severity is C


def test_findings_are_sorted_by_path_and_line():
    """A report's findings come in path, line, column order."""
    report = scan_plugin(HOSTILE)
    keys = [(f.path, f.line, f.column) for f in report.findings]

    assert keys == sorted(keys)


def test_severity_is_ordered():
    """Severities compare by badness, info lowest."""
    assert max(Severity) is C
    assert Severity.INFO < L < M < H < C
    assert Severity("high") <= H
    assert C >= H
    assert not (L > M)
    assert [s.value for s in sorted(Severity)] == [
        "info",
        "low",
        "medium",
        "high",
        "critical",
    ]


def test_blocking_and_max_severity():
    """blocking() returns findings at or above the threshold."""
    low = Finding("ACC106", L, "a.py", 1, 1, "x")
    high = Finding("ACC201", H, "a.py", 2, 1, "y")
    report = ScanReport("p", [high, low], 1)

    assert report.findings == (low, high)
    assert report.max_severity is H
    assert report.blocking(M) == [high]
    assert report.blocking(H) == [high]
    assert report.blocking(C) == []
    assert ScanReport("p", [], 0).max_severity is None


def test_finding_is_frozen():
    """Findings are values."""
    finding = Finding("ACC106", L, "a.py", 1, 1, "x")

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        finding.line = 2  # type: ignore[misc]


def test_rule_table_is_sorted_and_consistent():
    """Rules are sorted by id, unique, and each one's message formats."""
    ids = [rule.id for rule in RULES]

    assert ids == sorted(set(ids))
    assert set(RULES_BY_ID) == set(ids)


def test_json_round_trips():
    """to_json() is plain JSON with every field."""
    report = scan_plugin(HOSTILE)
    document = report.to_json()

    assert json.loads(json.dumps(document)) == document
    assert document["max_severity"] == "critical"
    assert document["files"] == 2
    assert document["findings"][0] == {
        "rule": "ACC301",
        "severity": "high",
        "title": "dunder access",
        "path": "backdoor.py",
        "line": 6,
        "column": 27,
        "message": report.findings[0].message,
    }


def test_sarif_structure():
    """to_sarif() is a SARIF 2.1.0 log with rules and located results."""
    report = scan_plugin(HOSTILE)
    sarif = json.loads(json.dumps(report.to_sarif()))

    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "acc-plugins scan"
    assert [r["id"] for r in driver["rules"]] == [r.id for r in RULES]
    assert driver["rules"][2] == {
        "id": "ACC101",
        "shortDescription": {"text": "exec/eval of built code"},
        "fullDescription": {"text": RULES_BY_ID["ACC101"].explanation},
        "defaultConfiguration": {"level": "error"},
        "properties": {"severity": "critical"},
    }
    assert len(run["results"]) == len(report.findings)
    first = run["results"][0]
    assert (first["ruleId"], first["level"]) == ("ACC301", "error")
    assert first["message"]["text"] == report.findings[0].message
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "backdoor.py"
    assert location["region"] == {"startLine": 6, "startColumn": 27}
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["ACC504"] == "note"


def test_scan_plugin_skips_hidden_and_cache_folders(tmp_path):
    """Only the plugin's own source files are scanned."""
    for folder in (".venv", "__pycache__", "pkg"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text("eval(x)\n")

    report = scan_plugin(tmp_path)

    assert [(f.path, f.rule) for f in report.findings] == [
        ("pkg/m.py", "ACC101")
    ]


def test_unreadable_files_and_manifests_are_findings(tmp_path):
    """Bad UTF-8, bad syntax and a bad manifest are findings, not errors."""
    (tmp_path / "plugin.toml").write_text("[plugin]\nname = 3\n")
    (tmp_path / "bad.py").write_bytes(b"x = '\xff'\n")
    (tmp_path / "broken.py").write_text(NOT_PYTHON)

    report = scan_plugin(tmp_path)

    assert [(f.path, f.rule) for f in report.findings] == [
        ("bad.py", "ACC001"),
        ("broken.py", "ACC001"),
        ("plugin.toml", "ACC002"),
    ]


def test_scan_plugin_refuses_a_file(tmp_path):
    """A root that is not a folder is a caller bug."""
    with pytest.raises(NotADirectoryError):
        scan_plugin(HOSTILE / "evil.py")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([str(HOSTILE)], 1),
        ([str(HOSTILE), "--fail-on", "critical"], 1),
        ([str(EXAMPLES / "text-tools")], 0),
        ([str(EXAMPLES / "text-tools"), "--fail-on", "info"], 0),
        (["/no/such/plugin"], 2),
        ([str(HOSTILE / "evil.py")], 2),
        ([str(HOSTILE), "--fail-on", "severe"], 2),
    ],
)
def test_cli_exit_codes(args, code):
    """0 passes, 1 has a finding at the threshold, 2 is a bad invocation."""
    result = CliRunner().invoke(scan, args)

    assert result.exit_code == code


def test_cli_threshold_decides(tmp_path):
    """A high finding passes --fail-on critical and fails --fail-on high."""
    (tmp_path / "m.py").write_text("import os\n")
    runner = CliRunner()

    assert (
        runner.invoke(scan, [str(tmp_path), "--fail-on", "critical"]).exit_code
        == 0
    )
    assert runner.invoke(scan, [str(tmp_path)]).exit_code == 1


def test_cli_text_output(tmp_path):
    """Text output is one line per finding and a summary."""
    (tmp_path / "m.py").write_text(
        "import os\neval(x)  # acc: ignore[ACC101]\n"
    )

    result = CliRunner().invoke(scan, [str(tmp_path)])

    assert result.output.splitlines() == [
        f"{tmp_path.as_posix()}/m.py:1:1: ACC201 [high] "
        + RULES_BY_ID["ACC201"].message(module="os"),
        "1 finding (1 high) in 1 file, 1 suppressed; fails at --fail-on high",
    ]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_cli_machine_formats(fmt):
    """--format json and sarif print one JSON document."""
    result = CliRunner().invoke(scan, [str(HOSTILE), "--format", fmt])
    document = json.loads(result.output)

    assert result.exit_code == 1
    if fmt == "json":
        assert document["fail_on"] == "high"
        assert len(document["findings"]) == 16
    else:
        assert document["version"] == "2.1.0"


PYTHON_PIECES = st.sampled_from(
    [
        "import os\n",
        "eval(",
        "getattr(x, ",
        '"__cla" + "ss__"',
        "chr(65) + chr(66)",
        "self.ctx.claude.query(",
        ")",
        "\n",
        "    ",
        "def f():\n",
        "class A:\n",
        "try:\n",
        "except:\n",
        "x.__class__",
        "'\\x00'",
        ", ",
        "# acc: ignore[ACC101]",
    ]
)


@given(st.text())
def test_scan_source_never_raises_on_text(text):
    """Arbitrary text gives a list of findings, never an exception."""
    found = scan_source(text, "t.py")

    assert all(isinstance(f, Finding) for f in found)
    assert all(f.line >= 1 and f.column >= 1 for f in found)


@given(st.lists(PYTHON_PIECES, max_size=30).map("".join))
def test_scan_source_never_raises_on_python_like_text(text):
    """Python-shaped text gives findings; unparsable text gives ACC001."""
    found = scan_source(text, "t.py")

    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        assert [f.rule for f in found] == ["ACC001"]
    else:
        assert "ACC001" not in {f.rule for f in found}


class _PlainWalk(_checks._Visitor):
    """The scanner's visitor walking as ast.NodeVisitor does."""

    visit = ast.NodeVisitor.visit
    generic_visit = ast.NodeVisitor.generic_visit


@pytest.mark.parametrize(
    "path",
    sorted(EXAMPLES.rglob("*.py")) + COMPAT_PROGRAMS,
    ids=lambda p: p.name,
)
def test_the_quick_walk_finds_what_the_plain_walk_finds(path):
    """The visitor's own walks visit the same nodes, in order."""
    tree = ast.parse(path.read_text())
    plain = _PlainWalk(tree, frozenset())
    plain.visit(tree)

    assert _checks.check(tree, frozenset()) == plain.found
    assert _checks._statements(tree) == [
        n
        for n in ast.walk(tree)
        if isinstance(
            n, ast.Module | ast.stmt | ast.excepthandler | ast.match_case
        )
    ]


NESTED_BLOCKS = '''
"""Module docstring."""
import a
try:
    import b
except ImportError:
    import c as b
else:
    from d import e
finally:
    x = 1
match x:
    case 1:
        import f
    case _:
        def g():
            """Doc."""
            while True:
                import h
            else:
                import i
            f = lambda y: y if y else (lambda: 0)
            async def j():
                async with k() as m:
                    import n
                async for o in p:
                    import q
                else:
                    import r
class S:
    """Doc."""
    if x:
        import t
    else:
        import u
    with v:
        import a as w
'''


def test_the_first_pass_meets_every_statement_in_walk_order():
    """Imports in every kind of block are found, in ast.walk's order."""
    tree = ast.parse(NESTED_BLOCKS)

    statements = _checks._statements(tree)

    assert statements == [
        n
        for n in ast.walk(tree)
        if isinstance(
            n, ast.Module | ast.stmt | ast.excepthandler | ast.match_case
        )
    ]
    imports = [s for s in statements if isinstance(s, ast.Import)]
    imports_from = [s for s in statements if isinstance(s, ast.ImportFrom)]
    assert (len(imports), len(imports_from)) == (12, 1)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "not a plugin folder (it has no plugin.toml)"),
        ({"plugin.toml": "[plugin]\n"}, "no Python file (nothing to scan)"),
    ],
)
def test_cli_nothing_to_scan_is_an_error_not_a_pass(tmp_path, files, message):
    """A mistyped or empty folder must not look like a clean plugin."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    result = CliRunner().invoke(scan, [str(tmp_path)])

    assert result.exit_code == 2
    assert result.output.startswith(f"error: {tmp_path}: ")
    assert message in result.output
    assert result.output.count("\n") == 1
