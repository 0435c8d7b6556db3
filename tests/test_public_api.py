"""
The public surface is exactly what ``__all__`` says.
"""

import importlib

import pytest

import acc_plugins


def _isort_style(name: str) -> tuple[int, str]:
    # Constants, then classes, then functions: ruff's RUF022 order.
    if name.isupper():
        return (0, name)
    return (1 if name[0].isupper() else 2, name)


@pytest.mark.parametrize(
    "module",
    [
        "acc_plugins",
        "acc_plugins.sdk",
        "acc_plugins.host",
        "acc_plugins.sandbox",
        "acc_plugins.manifest",
        "acc_plugins.market",
        "acc_plugins.cli",
        "acc_plugins.testing",
    ],
)
def test_all_lists_exactly_the_public_names(module):
    """No public name is missing from __all__, none is listed twice, sorted."""
    mod = importlib.import_module(module)
    public = {
        name
        for name, value in vars(mod).items()
        if not name.startswith("_")
        and getattr(value, "__module__", module).startswith(module)
        and not isinstance(value, type(importlib))
    }

    assert sorted(mod.__all__, key=_isort_style) == mod.__all__
    assert len(set(mod.__all__)) == len(mod.__all__)
    assert public <= set(mod.__all__)
    assert all(hasattr(mod, name) for name in mod.__all__)


def test_version_is_resolved_lazily():
    """__version__ comes from the installed metadata."""
    from importlib.metadata import version

    assert acc_plugins.__version__ == version("acc-plugins")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        acc_plugins.nope  # noqa: B018
