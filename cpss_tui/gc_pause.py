"""Start-up without the cyclic garbage collector; afterwards, what start-up built is frozen out of its way.

Why: start-up creates modules, classes, CSS rules and widgets that live as long as the process. Before the
first frame the cyclic collector examines them about a hundred times and frees nothing; measured on the
benchmark machine, ~18 ms of the ~330 ms to the home screen's rows (issue "Fast at agency scale"). `pause()`
turns the collector off as the TUI starts; `resume()` (the app once its database is open or could not be,
and the command line when the app ends, whichever comes first) moves everything alive then into the permanent
generation (`gc.freeze`), so that later collections, between keystrokes, skip it, and turns the collector
back on. Reference counting frees everything else as usual meanwhile: only cycles wait, for about a second.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Turn the cyclic collector off until `resume()` (nothing if it is off already: not ours to turn on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up built and turn the collector back on, if `pause()` turned it off."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """Whether `pause()` has the collector off now."""
    return _paused
