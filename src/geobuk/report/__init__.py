"""Reports: the results of the earlier stages written for the people and tools that act on them.

Each kind of result has its own subpackage (``findings`` for hunts); the formats of one kind are
plugins in that subpackage's registry, so the CLI offers whatever is registered.
"""
