"""What every command needs, loaded lazily: config, settings, database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot import models
from bot.config.campaign import LoadedConfig, load_config
from bot.config.providers import with_profile
from bot.config.settings import Settings, load_settings
from bot.config.sync import sync_campaign
from bot.db import make_engine, migrate, session_scope


@dataclass
class App:
    """The loaded state of one invitebot invocation."""

    config_path: Path
    template_dir: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @cached_property
    def config(self) -> LoadedConfig:
        return load_config(self.config_path, self.template_dir)

    @cached_property
    def settings(self) -> Settings:
        if self._settings is not None:
            return self._settings
        settings = load_settings()
        if self.config_path.exists():
            # mail.provider fills in the host, port and TLS the environment leaves out.
            settings = with_profile(settings, self.config.campaign.mail.provider, os.environ)
        return settings

    @cached_property
    def engine(self) -> Engine:
        migrate(self.settings.database_url)
        return make_engine(self.settings.database_url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session

    def campaign_id(self) -> int:
        """Sync the campaign and its missions into the database; return its id."""
        with self.session() as session:
            campaign: models.Campaign = sync_campaign(session, self.config)
            assert campaign.id is not None
            return campaign.id
