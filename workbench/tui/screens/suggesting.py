"""Pre-annotating the open documents from the TUI: a worker thread (spaCy never blocks a
frame) on its own connection, progress in the status line, a notification at the end."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from workbench import config
from workbench.display import plural
from workbench.errors import WorkbenchError
from workbench.model import PreannotateSummary

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen


class SuggestionCommands:
    """The pre-annotation key."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.running = False

    def preannotate(self) -> None:
        """Pre-annotate the open documents in the background."""
        doc_ids = list(dict.fromkeys(p.document.id for p in self.screen.panes if p.document))
        if not doc_ids:
            self.screen.notify("no document is open", severity="warning")
            return
        if self.running:
            self.screen.notify("pre-annotation is already running", severity="warning")
            return
        self.running = True
        self.screen.set_status("pre-annotating: loading the pipeline…")
        self.screen.run_worker(
            lambda: self._run(doc_ids), thread=True, exclusive=True, group="preannotate"
        )

    def _run(self, doc_ids: list[int]) -> None:
        app = self.screen.app

        def progress(done: int, total: int) -> None:
            app.call_from_thread(
                self.screen.set_status, f"pre-annotating: {done}/{plural(total, 'document')}"
            )

        try:
            with self.screen.workspace.reader() as reader:
                summary = reader.annotations.preannotate(
                    doc_ids, config.default_model(), progress, redo=True
                )
        except WorkbenchError as exc:
            app.call_from_thread(self._done, None, str(exc))
            return
        app.call_from_thread(self._done, summary, None)

    def _done(self, summary: PreannotateSummary | None, error: str | None) -> None:
        self.running = False
        # what the worker committed (a failed run's batches too) is shown, as this screen's
        # own (when the connection is lost meanwhile, `follow_others` reloads once it is back)
        with contextlib.suppress(WorkbenchError):
            self.screen.reload()
            self.screen.note_own_changes()
        if error or summary is None:
            self.screen.notify(
                error or "", title="pre-annotation failed", severity="error", timeout=10
            )
            self.screen.set_status("pre-annotation failed")
            return
        message = (
            f"{plural(summary.suggestions, 'new suggestion')} and "
            f"{plural(summary.triggers, 'event trigger')} in {plural(summary.documents, 'document')}: "
            "ctrl+n / ctrl+b visit them, y accepts, x rejects (and goes on to the next)"
        )
        self.screen.notify(message, title="pre-annotation done", timeout=8)
        self.screen.set_status(
            f"saved: {plural(summary.suggestions, 'suggestion')}, "
            f"{plural(summary.triggers, 'event trigger')}"
        )
