"""What every screen is handed by the app: the store, who is acting, and the clock.

Screens reach the store only through this (never a global), so the tests build the same
context around a temporary database, and a worker thread can open its own connection to the
same file with ``open_reader``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from db.clock import Clock
from db.store import Store


@dataclass
class AppContext:
    store: Store
    path: Path
    actor: str
    clock: Clock

    @property
    def writable(self) -> bool:
        return self.store.writable

    def today(self) -> date:
        return self.clock().astimezone().date()

    def open_reader(self) -> Store:
        """A connection of its own, for a worker thread (SQLite connections stay in theirs)."""
        return Store.open(self.path, actor=self.actor, clock=self.clock)


class HasContext(Protocol):
    context: AppContext


def context_of(app: object) -> AppContext:
    """The running app's context (the app is ``tui.app.PdcaApp``; screens don't import it)."""
    holder: HasContext = app  # type: ignore[assignment]
    return holder.context
