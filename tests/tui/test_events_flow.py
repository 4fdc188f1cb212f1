"""Events by keys only: mark, fill the form, fill roles, join as one incident, undo, delete."""

from __future__ import annotations

from workbench.tui.screens.event_screens import EventForm, EventTypePicker, RolePicker, form_changes
from workbench.tui.screens.main import MainScreen

SIZE = (150, 40)


async def find(pilot, text: str) -> None:
    await pilot.press("slash", *list(text), "enter")
    await pilot.pause()


async def test_create_edit_fill_roles_cluster_undo_and_delete_an_event(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.workspace.store
        screen = app.screen
        assert isinstance(screen, MainScreen)
        left = screen.panes[0].view
        before = len(store.events.of_document(1))
        # mark "hit back" (doc 1, 18 January) as a new event of its own
        await find(pilot, "hit back")
        await pilot.press("E")
        assert isinstance(app.screen, EventTypePicker)
        await pilot.press(*list("shelling"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, EventForm)
        await pilot.press(*list("Thursday"), "tab", "9", "-", "1", "1", "tab")
        await pilot.press(
            *["backspace"] * 10, *list("claimed"), "tab", *list("counter-strike"), "enter"
        )
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        [event] = [e for e in store.events.of_document(1) if e.trigger_text == "hit"]
        assert (event.subtype, event.date, event.date_text, event.date_precision) == (
            "Shelling/artillery/missile attack",
            "2024-02-22",
            "Thursday",
            "day",
        )
        assert (event.fatalities_low, event.fatalities_high, event.certainty, event.note) == (
            9,
            11,
            "claimed",
            "counter-strike",
        )
        assert left.event_at_cursor().id == event.id
        # fill a role: jump to the mention "Pakistan" just before it and press one key
        await pilot.press("b")
        assert left.mention_at_cursor().text == "Pakistan"
        await pilot.press("r")
        assert isinstance(app.screen, RolePicker)
        await pilot.press("1")  # Attacker
        await pilot.pause()
        assert [(r.role, r.entity_id) for r in store.events.get(event.id).roles] == [
            ("Attacker", "pakistan")
        ]
        # the same incident in the other pane: its gold event on "struck"
        await pilot.press("tab")
        await find(pilot, "struck what")
        other = screen.panes[1].view.event_at_cursor()
        assert other is not None and other.doc_id == 2
        await pilot.press("K")
        assert (
            store.events.get(event.id).cluster_id
            == store.events.get(other.id).cluster_id
            is not None
        )
        await pilot.press("u")  # undo the clustering
        assert store.events.get(event.id).cluster_id is None
        # delete it from its own pane, then undo brings it back with its role
        await pilot.press("tab")
        await find(pilot, "hit back")
        await pilot.press("D")
        assert [e for e in store.events.of_document(1) if e.trigger_text == "hit"] == []
        await pilot.press("u")
        assert [r.role for r in store.events.get(event.id).roles] == ["Attacker"]
        assert len(store.events.of_document(1)) == before + 1


async def test_event_under_cursor_lights_its_roles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.panes[0].view
        await find(pilot, "fired missiles")
        event = view.event_at_cursor()
        assert event.subtype == "Air/drone strike"
        assert view.highlight_mentions == {r.mention_id for r in event.roles}
        side = str(app.screen.query_one("#side").render())
        assert "Air/drone strike" in side and "Attacker: Islamic Revolutionary Guard Corps" in side


def test_form_values_are_checked() -> None:
    changes = form_changes(
        {"date": "last month", "fatalities": "9–11", "certainty": "d", "note": ""}, "2024-02-24"
    )
    assert (
        changes["date"] == "2024-01"
        and changes["fatalities"] == (9, 11)
        and changes["certainty"] == "denied"
    )
    for bad in ({"fatalities": "many"}, {"certainty": "x"}):
        values = {"date": "", "fatalities": "", "certainty": "asserted", "note": ""} | bad
        try:
            form_changes(values, None)
        except ValueError as exc:
            assert "fatalities" in str(exc) or "certainty" in str(exc)
        else:
            raise AssertionError(f"{bad} was accepted")


async def test_the_incident_timeline_opens_a_report_at_its_trigger(make_app) -> None:
    from workbench.tui.screens.incidents import IncidentScreen
    from workbench.tui.widgets.panels import TextView

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("I")
        await pilot.pause()
        timeline = app.screen
        assert isinstance(timeline, IncidentScreen)
        rows = [row.plain for row in timeline.rows.rows]
        # earliest first, undated last; the Rask attack's reports disagree on certainty
        assert rows[0].startswith("2023-12") and "conflict: certainty" in rows[0]
        dated = [r.split()[0] for r in rows if r[0].isdigit()]
        assert dated == sorted(dated) and rows[-1].startswith("date ?")
        # its reports side by side: the conflicting field shows both values
        detail = timeline.query_one("#incident-detail", TextView).render().plain
        certainty = next(line for line in detail.splitlines() if line.startswith("certainty"))
        assert "claimed" in certainty and "asserted" in certainty and "→ —" in certainty
        await pilot.press(*"saravan")  # the filter keeps the 18 January strikes
        await pilot.pause()
        assert [r.plain.split()[0] for r in timeline.rows.rows] == ["2024-01-18"]
        await pilot.press("tab", "enter")  # the second report, at its trigger
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        [incident] = [
            i
            for i in app.workspace.incidents.listing()
            if i["fields"]["date"]["resolved"] == "2024-01-18"
        ]
        second = incident["reports"][1]
        pane = app.main_screen.focused_pane()
        assert pane.document.id == second["document"]
        assert pane.view.cursor == second["trigger_start"]
