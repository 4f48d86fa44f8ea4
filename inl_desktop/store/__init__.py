"""SQLAlchemy models, the engine and its pragmas, queries, migrations, seeding."""
