"""
Example plugins, shipped with the package for ``acc-plugins demo``.

Each folder holding a ``plugin.toml`` is a plugin; none of them is imported
as part of acc_plugins itself.
"""
