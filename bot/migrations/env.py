"""Alembic environment: runs on the connection handed in by ``bot.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import bot.models  # noqa: F401  (registers the tables)
import bot.web.models as web_models  # noqa: F401  (the staff console's tables)

config = context.config
target_metadata = SQLModel.metadata


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Leave APScheduler's job tables (``apscheduler_jobs_c<id>``) to APScheduler."""
    return not (type_ == "table" and (name or "").startswith("apscheduler_"))


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=True, include_object=include_object)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, include_object=include_object)
    context.run_migrations()


run_migrations()
