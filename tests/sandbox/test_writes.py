"""
Writes: a plugin modifies its own objects only, never shared ones.
"""

import json

import pytest

from acc_plugins.errors import SandboxViolation


POISON_MODULE = "import json\njson.loads = len\n"
POISON_MODULE_SETATTR = "import json\nsetattr(json, 'loads', len)\n"
POISON_CLASS = "import json\njson.JSONDecoder.decode = len\n"
POISON_BUILTIN_TYPE = "setattr(str, 'upper', len)\n"
POISON_FUNCTION = "import textwrap\ntextwrap.dedent.cache = {}\n"
POISON_SDK = "from acc_plugins.sdk import Plugin\nPlugin.on_activate = len\n"
AUGMENTED_POISON = "import json\njson.JSONDecoder.decode += 1\n"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (POISON_MODULE, "ModuleProxy"),
        (POISON_MODULE_SETATTR, "ModuleProxy"),
        (POISON_CLASS, "type"),
        (POISON_BUILTIN_TYPE, "type"),
        (POISON_FUNCTION, "function"),
        (AUGMENTED_POISON, "type"),
    ],
)
def test_shared_objects_cannot_be_modified(sandboxed, source, kind):
    """Modules, stdlib classes, builtins and functions are read-only."""
    with pytest.raises(SandboxViolation, match=f"modifying a {kind} object"):
        sandboxed(source)

    assert json.loads("[1]") == [1]
    assert json.JSONDecoder.decode.__name__ == "decode"


def test_sdk_classes_cannot_be_modified(tmp_path):
    """The SDK seen by one plugin is the one every plugin sees: read-only."""
    from acc_plugins.host.core._registration import sdk_members
    from acc_plugins.sandbox import Sandbox
    from acc_plugins.sdk import Plugin

    (tmp_path / "m.py").write_text(POISON_SDK)
    sandbox = Sandbox(
        tmp_path, "p", extra_modules={"acc_plugins.sdk": sdk_members()}
    )

    with pytest.raises(SandboxViolation, match="modifying a type object"):
        sandbox.import_module("m")

    assert Plugin.on_activate.__name__ == "on_activate"


def test_augmented_assignment_on_own_objects(sandboxed):
    """self.n += 1 and v[i] -= x are everyday code."""
    sandbox = sandboxed(
        """
        class Counter:
            total = 0

            def __init__(self):
                self.n = 0
                self._hits = {"a": 1}

            def bump(self):
                self.n += 1
                self._hits["a"] += 2
                Counter.total += 1
                return self

        def outside(c):
            c.n += 10
            c._hits["a"] *= 3
            return c

        c = outside(Counter().bump().bump())
        v = [5, 5]
        v[1] -= 3
        grid = [[1, 2], [3, 4]]
        grid[1][0] -= 1
        result = (c.n, c._hits["a"], Counter.total, v, grid)
        """
    )

    assert sandbox.import_module("m").result == (
        12,
        15,
        2,
        [5, 2],
        [[1, 2], [2, 4]],
    )


def test_function_attributes_on_own_functions(sandboxed):
    """A plugin may annotate its own functions (memo tables, wraps)."""
    sandbox = sandboxed(
        """
        def memo(x):
            memo.cache[x] = x * 2
            return memo.cache[x]
        memo.cache = {}
        memo.__doc__ = "memoised"
        result = (memo(3), memo.cache, memo.__doc__)
        """
    )

    assert sandbox.import_module("m").result == (6, {3: 6}, "memoised")


def test_writes_through_an_expression_evaluate_it_once(sandboxed):
    """self.output().value = x writes the plugin's object, calling once."""
    sandbox = sandboxed(
        """
        class Out:
            def __init__(self):
                self.value = 0
        class P:
            def __init__(self):
                self.calls = 0
                self._out = Out()
            def output(self):
                self.calls += 1
                return self._out
        def main():
            p = P()
            p.output().value = 5
            p.output().value += 2
            return p.output().value, p.calls
        """
    )

    main = sandbox.import_module("m").__dict__["main"]
    assert sandbox.run(main) == (7, 3)


def test_writes_through_an_expression_to_a_foreign_object_are_refused(
    sandboxed,
):
    """The inline test falls back to the guard for foreign objects."""
    with pytest.raises(SandboxViolation, match="modifying a ModuleProxy"):
        sandboxed(
            """
            import json
            def target():
                return json
            def main():
                target().loads = None
            main()
            """
        )
