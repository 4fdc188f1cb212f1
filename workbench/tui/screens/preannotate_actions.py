"""Pre-annotating the open documents from the TUI: a worker thread (spaCy never blocks a
frame) on its own connection, progress in the status line, a notification at the end."""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from workbench import config
from workbench.errors import WorkbenchError


class PreannotateActions:
    """Mixed into the main screen, which provides store, panes, reload and set_status."""

    PREANNOTATE_BINDINGS = [
        Binding("p", "preannotate", "pre-annotate", id="preannotate.open"),
    ]

    def action_preannotate(self) -> None:
        doc_ids = list(dict.fromkeys(p.document.id for p in self.panes if p.document))
        if not doc_ids:
            self.notify("no document is open", severity="warning")
            return
        if getattr(self, "_preannotating", False):
            self.notify("pre-annotation is already running", severity="warning")
            return
        self._preannotating = True
        self.set_status("pre-annotating: loading the pipeline…")
        self.run_preannotation(doc_ids)

    @work(thread=True, exclusive=True, group="preannotate")
    def run_preannotation(self, doc_ids: list[int]) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.set_status, f"pre-annotating: {done}/{total} documents")

        try:
            with self.workspace.reader() as reader:
                summary = reader.annotations.preannotate(
                    doc_ids, config.default_model(), progress, redo=True
                )
        except WorkbenchError as exc:
            self.app.call_from_thread(self._preannotated, None, str(exc))
            return
        self.app.call_from_thread(self._preannotated, summary, None)

    def _preannotated(self, summary, error: str | None) -> None:  # type: ignore[no-untyped-def]
        self._preannotating = False
        if error:
            self.notify(error, title="pre-annotation failed", severity="error", timeout=10)
            self.set_status("pre-annotation failed")
            return
        self.reload()
        message = (
            f"{summary.suggestions} new suggestions and {summary.triggers} event triggers in "
            f"{summary.documents} document(s): ctrl+n / ctrl+b to visit, y accept, x reject"
        )
        self.notify(message, title="pre-annotation done", timeout=8)
        self.set_status(
            f"saved: {summary.suggestions} suggestions, {summary.triggers} event triggers"
        )
