"""The type-ahead queue keeps the order keys were typed in, whatever order they come back.

Runs ``tui.typeahead.KeyHold`` against a stand-in for the app (what it asks of one: post a
message, a timer, the screen and focus, the workers), so the interleavings a terminal makes
now and then are made every time.
"""

from __future__ import annotations

from typing import Any

from textual import events

from pdca.tui.typeahead import KeyHold


class StandInApp:
    def __init__(self) -> None:
        self.posted: list[events.Key] = []
        self.workers: list[Any] = []
        self.screen = object()
        self.focused = None

    def post_message(self, message: events.Key) -> None:
        self.posted.append(message)

    def set_interval(self, *_: object) -> Any:
        class Timer:
            def pause(self) -> None:
                pass

            def resume(self) -> None:
                pass

        return Timer()


def key(name: str) -> events.Key:
    return events.Key(name, name)


def test_a_replay_held_again_goes_back_before_keys_typed_after_it() -> None:
    app = StandInApp()
    hold = KeyHold(app)  # type: ignore[arg-type]
    hold.hold()
    assert hold.take(key("a")) and hold.take(key("b"))
    hold.release()
    a_again, b_again = app.posted
    assert hold.take(key("c"))  # typed while a and b are on their way back: waits behind them
    assert not hold.take(a_again)  # a goes on, and its binding holds what follows
    hold.hold_for(a_again)
    assert hold.take(b_again)  # held again: it must still come before c
    hold.key_done(a_again)
    assert [k.key for k in app.posted[2:]] == ["b", "c"]
    assert not hold.take(app.posted[2]) and not hold.take(app.posted[3])
    assert not hold.holding


def test_keys_with_nothing_held_go_straight_on() -> None:
    app = StandInApp()
    hold = KeyHold(app)  # type: ignore[arg-type]
    assert not hold.take(key("j"))
    assert app.posted == [] and not hold.holding
