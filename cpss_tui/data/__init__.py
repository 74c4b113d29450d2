"""The data layer: models, the engine factory, sessions, migrations, queries, bundle exchange, demo data.

Nothing here imports Textual; the UI reaches the database only through this package.
"""
