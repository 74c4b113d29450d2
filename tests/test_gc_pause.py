"""cpss_tui/gc_pause.py: start-up runs without the cyclic collector, which comes back on, once, afterwards."""

from __future__ import annotations

import gc

from cpss_tui import gc_pause


def test_pause_then_resume_turns_the_collector_back_on_and_freezes_what_lived() -> None:
    before = gc.get_freeze_count()
    try:
        gc_pause.pause()
        assert not gc.isenabled() and gc_pause.paused()
        survivor = [object() for _ in range(10)]
        gc_pause.resume()
        assert gc.isenabled() and not gc_pause.paused()
        assert gc.get_freeze_count() > before  # start-up's objects are out of later collections' way
        gc_pause.resume()  # a second resume (app and command line both call it) changes nothing
        assert gc.isenabled()
        assert survivor
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    try:
        gc_pause.pause()
        assert not gc_pause.paused()
        gc_pause.resume()
        assert not gc.isenabled()  # not ours to turn on
    finally:
        gc.enable()
