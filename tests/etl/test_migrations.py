"""Alembic owns the schema: the migrations build exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import etl.models  # noqa: F401  (registers the tables)
from etl.db import require_schema, schema_is_current, upgrade_schema


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_is_idempotent_and_schema_is_current(engine):
    assert schema_is_current(engine)
    revision = upgrade_schema(engine)
    assert revision and schema_is_current(engine)
    require_schema(engine)
