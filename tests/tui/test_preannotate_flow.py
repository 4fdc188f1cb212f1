"""Pre-annotation from the TUI by keys: `p` runs it in a worker, then suggestions are
reviewed with the accept/reject keys; an accepted trigger becomes an event."""

from __future__ import annotations

from pathlib import Path

from workbench.model import ACCEPTED, SUGGESTED
from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.workspace import Workspace

SIZE = (150, 40)


async def test_preannotate_key_then_review(bare_path: Path) -> None:
    with Store.open(bare_path, annotator="tester") as store:
        app = WorkbenchApp(Workspace(store), 1, 2, keymap={}, steady=True)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert not [m for m in screen.panes[0].view.mentions if m.status == SUGGESTED]
            await pilot.press("p")
            for _ in range(300):
                await pilot.pause(0.05)
                if any("pre-annotation done" in (n.title or "") for n in app._notifications):
                    break
            view = screen.panes[0].view
            suggested = [m for m in view.mentions if m.status == SUGGESTED]
            assert len(suggested) > 30 and view.trigger_suggestions
            # the status line counts both kinds (both documents were pre-annotated), and
            # the next look for others' changes does not take the worker's for theirs
            screen.follow_others()
            status = screen.query_one("#status").render().plain
            assert " suggestions, " in status and status.endswith(" event triggers")
            counts = [int(word) for word in status.split("saved: ")[1].split() if word.isdigit()]
            assert counts[0] >= len(suggested) and counts[1] >= len(view.trigger_suggestions)
            # ctrl+n visits suggested mentions and suggested triggers alike
            visited = []
            for _ in range(20):
                await pilot.press("ctrl+n")
                await pilot.pause()
                here = view.mention_at_cursor()
                visited.append("mention" if here and here.status == SUGGESTED else "trigger")
                if visited[-1] == "mention":
                    break
            assert visited[-1] == "mention" and view.trigger_suggestion_at_cursor() is None
            first = view.trigger_suggestions[0]
            assert "trigger" in visited or first.start > here.start
            # y accepts it and goes on to the next suggestion: one key each
            await pilot.press("y")
            await pilot.pause()
            assert store.mentions.get(here.id).status == ACCEPTED
            assert view.cursor > here.start
            # an event trigger suggestion: cursor onto "fired", y records the event
            fired = next(t for t in view.trigger_suggestions if t.text == "fired")
            view.move_to(fired.start)
            await pilot.press("y")  # its suggested type is preselected: enter confirms it
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert [e.trigger_text for e in store.events.of_document(1)] == ["fired"]
            assert view.events and fired.id not in {t.id for t in view.trigger_suggestions}
            await pilot.press("u")
            await pilot.pause()
            assert store.events.of_document(1) == []
