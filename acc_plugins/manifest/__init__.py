"""
The ``plugin.toml`` manifest: parsing, validation, JSON Schema.

Example:
    >>> manifest = parse_manifest('''
    ... [plugin]
    ... name = "text-tools"
    ... version = "1.2.0"
    ... description = "Typed text and code utilities."
    ... entry = "tools:TextTools"
    ... kind = "tool"
    ... ''')
    >>> manifest.plugin.entry.module
    'tools'
"""

from acc_plugins.manifest._converter import (
    load_manifest,
    parse_manifest,
    unstructure_manifest,
)
from acc_plugins.manifest._filesystem import FilesystemPermission
from acc_plugins.manifest._models import (
    Dependency,
    EntryPoint,
    IsolationMode,
    Limits,
    Manifest,
    PluginKind,
    PluginMeta,
)
from acc_plugins.manifest._network import NetworkPermission
from acc_plugins.manifest._permissions import (
    EnvironmentPermission,
    HostPermission,
    Permission,
    Permissions,
    ProcessPermission,
    parse_permission,
)
from acc_plugins.manifest._schema import manifest_json_schema
from acc_plugins.manifest._settings import Setting, SettingType


__all__ = [
    "Dependency",
    "EntryPoint",
    "EnvironmentPermission",
    "FilesystemPermission",
    "HostPermission",
    "IsolationMode",
    "Limits",
    "Manifest",
    "NetworkPermission",
    "Permission",
    "Permissions",
    "PluginKind",
    "PluginMeta",
    "ProcessPermission",
    "Setting",
    "SettingType",
    "load_manifest",
    "manifest_json_schema",
    "parse_manifest",
    "parse_permission",
    "unstructure_manifest",
]
