"""Composition root: paths, logging, engine, migrations, services, then the UI."""
