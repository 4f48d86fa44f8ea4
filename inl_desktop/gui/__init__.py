"""All Qt lives here: windows, pages, dialogs, table models, workers.

The ORM and the models are imported here, before any Qt module: once PySide6 is
loaded it inspects every module imported after it, which makes SQLAlchemy's many
modules slower to import, and the window needs them at once anyway. The record
services, which every form uses, bring the models with them.
"""

import sqlalchemy.orm  # noqa: F401

import inl_desktop.services.records  # noqa: F401
