"""
Events: the bus that delivers to host listeners and plugin hooks, the
routes of each event name, and the ``tool.called`` event.
"""
