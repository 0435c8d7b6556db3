"""
Configuration: layered settings, enabled flags, secrets, the team's
shared setup, and the small JSON stores of user state.
"""
