"""
The isolated tier: a worker process per plugin, its wire format, and the
operating-system layer (Landlock, seccomp, limits) beneath its sandbox.
"""
