"""Full garbage collections wait for an idle moment while the app runs, and the
collector's settings are given back when it stops."""

from __future__ import annotations

import gc

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
