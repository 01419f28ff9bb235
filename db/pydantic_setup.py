"""Before pydantic is first imported: pdca uses no pydantic plugin, so it does not look for one.

Called at the top of every module of pdca that imports pydantic (db/records.py,
db/accountability_models.py, ...), whichever comes first in a process.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def skip_plugin_discovery() -> None:
    """pydantic looks for plugins (entry points of every installed distribution) when it
    builds its first model, importing ``importlib.metadata`` and the ``email`` package to do
    so: 20-50 ms before the owners, log and stand-up views' first paint (and in every command
    that builds a model). pdca uses no pydantic plugin: its loader says there are none,
    unless it is asked for anything else, which then comes from the real module. Issue 14.
    """
    name = "pydantic.plugin._loader"
    if name in sys.modules:
        return  # a model was built already: discovery is done
    loader = types.ModuleType(name)

    def get_plugins() -> tuple[()]:
        return ()

    def real(attribute: str) -> Any:
        if attribute.startswith("__"):  # the import system's questions (``__path__``)
            raise AttributeError(attribute)
        sys.modules.pop(name, None)
        return getattr(importlib.import_module(name), attribute)

    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    loader.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[name] = loader
