"""Alembic environment: SQLModel metadata, batch mode on SQLite with foreign keys held off."""

import logging
import warnings
from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import api.models  # noqa: F401  (registers every table on the metadata)
from api import data_version
from api.db import make_engine
from api.meetings import latest
from api.search.fulltext import ignored_by_migrations
from api.settings import get_settings

config = context.config
if config.config_file_name and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

target_metadata = SQLModel.metadata


# Indexes on expressions, made by their migrations rather than the models: SQLite's
# reflection cannot read them back, so the comparison with the models leaves them alone.
EXPRESSION_INDEXES = ("ix_task_campaign_due",)


def _include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    # The full-text indexes and SQLite's change counts are made by their migrations, not from
    # the models.
    if type_ == "table" and name in (data_version.TABLE, latest.TABLE):
        return False
    if type_ == "index" and name in EXPRESSION_INDEXES:
        return False
    return not ignored_by_migrations(name, type_)


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=_url().startswith("sqlite"), compare_type=True,
                      include_name=_include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    sqlite = url.startswith("sqlite")
    engine = make_engine(url)
    with engine.connect() as connection:
        if sqlite:
            # A batch migration rebuilds a table by copy, drop and rename; with foreign keys on,
            # the DROP fires ON DELETE CASCADE and silently deletes child rows. The pragma is
            # ignored inside a transaction, so it is set on the raw connection before BEGIN.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        # SQLite can roll back DDL; one transaction for the whole upgrade lets the foreign key
        # check below undo a migration that broke them, instead of reporting it after commit.
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=sqlite, compare_type=True, transactional_ddl=True,
                          include_name=_include_name)
        with context.begin_transaction(), warnings.catch_warnings():
            for name in EXPRESSION_INDEXES:
                warnings.filterwarnings(
                    "ignore", f"Skipped unsupported reflection of expression-based index {name}")
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
