"""Full garbage collections wait for an idle moment while the app runs, and the
collector's settings are given back when it stops; while the app starts there are
none, and it runs again once the first frame is drawn."""

from __future__ import annotations

import gc

from workbench import collector as collector_policy
from workbench.collector import IDLE_SECONDS, NEVER, IdleCollector


def test_full_passes_wait_for_idle_and_thresholds_are_restored() -> None:
    before = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    try:
        assert gc.get_threshold() == (before[0], before[1], NEVER)
        collector.touched()
        assert not collector.collect_if_idle()  # the analyst is typing
        collector.last_input -= IDLE_SECONDS + 1
        collections = gc.get_stats()[2]["collections"]
        assert collector.collect_if_idle()
        assert gc.get_stats()[2]["collections"] == collections + 1
        assert not collector.collect_if_idle()  # once per idle stretch
        collector.touched()
        collector.last_input -= IDLE_SECONDS + 1
        assert collector.collect_if_idle()  # a new stretch after new input
    finally:
        collector.stop()
    assert gc.get_threshold() == before


async def test_the_app_defers_full_passes_while_it_runs_and_restores_them(make_app) -> None:
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[2] == NEVER
        stamp = app.collector.last_input
        await pilot.press("right")
        assert app.collector.last_input > stamp  # keys count as activity
    assert gc.get_threshold() == before


def test_starting_holds_the_collector_and_the_first_frame_releases_it() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    collector_policy.hold_until_started()
    try:
        assert not gc.isenabled()
    finally:
        collector_policy.release_after_start()
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen  # what starting made is out of later passes
    collector_policy.release_after_start()  # a second release changes nothing
    assert gc.isenabled()


def test_a_collector_found_off_is_left_off() -> None:
    gc.disable()
    try:
        collector_policy.hold_until_started()
        collector_policy.release_after_start()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_app_turns_the_held_collector_on_after_its_first_frame(make_app) -> None:
    collector_policy.hold_until_started()  # as `workbench tui` does before its imports
    try:
        app = make_app()
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_threshold()[2] == NEVER  # and full passes wait for idle
    finally:
        collector_policy.release_after_start()
        gc.enable()
