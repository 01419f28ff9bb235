"""Everything that touches SQLite: schema, models, the store and the pure domain rules.

Nothing here imports the UI; the command line and the screens call into it.
"""
