"""
The fixtures these tests use come from acc-plugins' testing kit
(``pip install 'acc-plugins[testing]'``), a pytest plugin that loads
this folder's plugin into a sandboxed host of its own for each test:

- ``plugin_host``: the plugin, active, in a started host whose folders
  are all temporary; a use of a permission plugin.toml does not declare
  fails the test;
- ``fake_claude`` and ``fake_http``: offline Claude and HTTP that record
  what they are asked and answer what a test scripts;
- ``make_plugin_host(grants=..., settings=..., tier="isolated")``: more
  hosts, configured otherwise.

Override ``plugin_settings`` or ``plugin_grants`` here to change what
every test's ``plugin_host`` gets.
"""
