"""Shared command-line options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.app import App

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_CONFIG = Path("config/campaign.yaml")


def config_option(func: F) -> F:
    """Add ``-c/--config`` and ``--templates`` and pass an ``App`` as ``app``."""

    def make_app(ctx: click.Context, _param: click.Parameter, value: Path) -> App:
        templates = ctx.params.pop("templates", None)
        return App(config_path=value, template_dir=templates)

    func = click.option(
        "-c", "--config", "app", type=click.Path(path_type=Path), default=DEFAULT_CONFIG,
        show_default=True, callback=make_app, help="Campaign file.",
    )(func)
    func = click.option(
        "--templates", type=click.Path(path_type=Path, file_okay=False), default=None,
        is_eager=True, expose_value=True, help="Template folder (default: templates/).",
    )(func)
    return func
