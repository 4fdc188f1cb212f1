"""Where a pre-annotation run commits its suggestions: batch by batch, in order, on a
connection of its own, each batch with the record that its documents are done (so an
interrupted run resumes where it stopped).

A long run commits in a process of its own (`SuggestionWriter(..., in_process=False)`):
there, the database's work and the Python that prepares it run on another core while
the pipeline works on the next batch. (A thread did the same work, but it held the
interpreter lock often enough to slow the pipeline down by about as much as it saved.)
One batch is in flight at a time; its failure is raised at the next batch or at the end.
A short run commits each batch as it comes: starting a process is not worth it.

The process is a helper process (`workbench.helper_process`) running this module: it
imports only the store."""

from __future__ import annotations

from workbench.helper_process import HelperProcess, Pipe, end_with, sendable, serve
from workbench.model import PreannotateSummary, SuggestedTrigger, Suggestion
from workbench.store import Store

Batch = list[tuple[int, list[Suggestion], list[SuggestedTrigger]]]


class SuggestionWriter:
    """Commits a run's batches of suggestions (see the module's docstring)."""

    def __init__(
        self, store: Store, signature: str, summary: PreannotateSummary, in_process: bool
    ) -> None:
        self.origin = store
        self.signature = signature
        self.summary = summary
        self.in_process = in_process
        self._writer: Store | None = None  # in this process: opened at the first batch
        self._process: HelperProcess | None = None
        self._in_flight = 0  # documents of the batch the process is committing
        if not in_process:
            self._start_process()

    def store(self, batch: Batch) -> None:
        """Commit `batch` (once the batch before it is committed)."""
        if self.in_process:
            if self._writer is None:
                self._writer = self.origin.reopen()
                self._writer.db.layer = self.origin.db.layer
            self._count(self._writer.suggestions.store(batch, self.signature), len(batch))
            return
        self._wait()
        assert self._process is not None
        # (as plain tuples, which pickle quicker than named ones: pickling is on the
        # pipeline's time)
        self._process.send(
            [
                (doc_id, [tuple(s) for s in found], [tuple(t) for t in triggers])
                for doc_id, found, triggers in batch
            ]
        )
        self._in_flight = len(batch)

    def _start_process(self) -> None:
        self._process = HelperProcess(
            "workbench.nlp.writing",
            name="the pre-annotation writer",
            advice="run the same command to resume",
        )
        origin = self.origin
        self._process.send(
            (origin.target, origin.annotator, bool(origin.read_only), origin.db.layer,
             self.signature)
        )  # fmt: skip

    def _wait(self) -> None:
        """The committed batch's counts, or its failure raised here."""
        if not self._in_flight:
            return
        assert self._process is not None
        documents, self._in_flight = self._in_flight, 0
        self._count(self._process.recv(), documents)

    def _count(self, stored: tuple[int, int], documents: int) -> None:
        self.summary.suggestions += stored[0]
        self.summary.triggers += stored[1]
        self.summary.documents += documents

    def __enter__(self) -> SuggestionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._wait()  # (after an interruption too: the batch in flight is committed)
        finally:
            if self._writer is not None:
                self._writer.close()
            if self._process is not None:
                self._process.stop()


def _serve(pipe: Pipe) -> None:
    """The writer process: commits each batch it is sent and answers with its counts, or
    with the error that stopped it; ends at None or when the run's end of the pipe closes."""
    # (killed with the run: a batch in flight is then not committed after the run is gone,
    # where a run started again would take its documents for unfinished)
    end_with(pipe.recv())
    target, annotator, read_only, layer, signature = pipe.recv()
    try:
        store = Store.open(target, annotator=annotator, read_only=read_only)
    except Exception as exc:  # (the run's first wait for an answer raises it)
        pipe.send(sendable(exc, "storing suggestions"))
        return
    with store:
        store.db.layer = layer
        while True:
            try:
                sent = pipe.recv()
            except EOFError:
                return
            if sent is None:
                return
            batch: Batch = [
                (doc_id, [Suggestion._make(s) for s in found], [SuggestedTrigger._make(t) for t in triggers])
                for doc_id, found, triggers in sent
            ]  # fmt: skip
            try:
                pipe.send(store.suggestions.store(batch, signature))
            except Exception as exc:  # (sent to the run, which raises it)
                pipe.send(sendable(exc, "storing suggestions"))


if __name__ == "__main__":
    serve(_serve)
