import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from acc_plugins.sandbox import Sandbox


settings.register_profile("fast", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

RunSource = Callable[..., Sandbox]


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory, monkeypatch):
    """
    Every host a test builds reads its user configuration from a folder of
    the test's own, never the user's real one, and no policy but the one a
    test names.
    """
    folder = tmp_path_factory.mktemp("user-config")
    monkeypatch.setenv("ACC_PLUGINS_CONFIG_DIR", str(folder))
    monkeypatch.delenv("ACC_PLUGINS_POLICY", raising=False)


@pytest.fixture(name="sandboxed")
def _sandboxed(tmp_path: Path) -> RunSource:
    """
    Write *source* as module ``m`` of a fresh plugin folder, import it in a
    sandbox, and return the sandbox.
    """

    def run(source: str, **files: str) -> Sandbox:
        root = tmp_path / "plugin"
        root.mkdir(exist_ok=True)
        (root / "m.py").write_text(textwrap.dedent(source))
        for name, text in files.items():
            (root / f"{name}.py").write_text(textwrap.dedent(text))
        sandbox = Sandbox(root, "test")
        sandbox.import_module("m")
        return sandbox

    return run
