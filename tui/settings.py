"""Per-user settings, remembered between runs: for now the theme.

A frozen model loaded once at the edge and passed in; widgets never read it. The file is
``$XDG_CONFIG_HOME/pdca/settings.toml`` (``~/.config/pdca/settings.toml``), in the user's own
home, never beside the shared database: one person's theme is not the team's.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

DEFAULT_THEME = "textual-dark"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    theme: str = DEFAULT_THEME


def settings_path(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_CONFIG_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".config"
    )
    return Path(base) / "pdca" / "settings.toml"


def load_settings(path: Path) -> Settings:
    """The saved settings; a missing or unreadable file gives the defaults, never a crash."""
    try:
        return Settings(**tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError, TypeError):
        return Settings()


def save_settings(path: Path, settings: Settings) -> None:
    """Write the settings (TOML: one ``key = "value"`` line each); failure is not fatal."""
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.model_dump().items()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(".tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only home must not stop the app; the theme is just not remembered
