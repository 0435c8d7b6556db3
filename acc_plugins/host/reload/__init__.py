"""
Hot reload: a new version built beside the old one and swapped in, and
the watcher that follows plugin folders.
"""
