"""
What the debug tests share: a host over ``tmp_path/plugins``.
"""

from pathlib import Path

from acc_plugins.host import PluginHost


def host_over(home: Path, **kwargs: object) -> PluginHost:
    """
    A host (not started) over ``home/plugins``, its cache and data in
    *home*.
    """
    return PluginHost(
        [home / "plugins"],
        data_dir=home / "data",
        cache_dir=home / "cache",
        auto_update=False,
        **kwargs,  # type: ignore[arg-type]
    )
