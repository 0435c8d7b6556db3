"""
The core of the host: every plugin's record, the registry of what active
plugins offer, the lifecycle state machine, discovery, dependency
resolution, and the commands that move a plugin through its states.
"""
