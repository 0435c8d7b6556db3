"""
Capabilities: what a plugin's ``self.ctx`` reaches (storage, Claude,
HTTP, files, environment, events, other tools), each behind a facade.
"""
