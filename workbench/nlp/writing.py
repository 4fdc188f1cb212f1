"""Where a pre-annotation run commits its suggestions: batch by batch, in order, on a
connection of its own, each batch with the record that its documents are done (so an
interrupted run resumes where it stopped).

A long run commits in a process of its own (`SuggestionWriter(..., in_process=False)`):
there, the database's work and the Python that prepares it run on another core while
the pipeline works on the next batch. (A thread did the same work, but it held the
interpreter lock often enough to slow the pipeline down by about as much as it saved.)
One batch is in flight at a time; its failure is raised at the next batch or at the end.
A short run commits each batch as it comes: starting a process is not worth it.

The process is a fresh interpreter running this module (`python -m workbench.nlp.writing`),
talking pickles over its standard input and output: it imports only the store, and, unlike
a fork, copies no lock another thread holds (the run may be in a thread of the TUI); unlike
multiprocessing's `spawn`, it does not run the caller's main script again (a script using
Workbench as a library need not guard its code with `if __name__ == "__main__"`)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from workbench.display import visible
from workbench.errors import WorkbenchError
from workbench.model import PreannotateSummary, SuggestedTrigger, Suggestion
from workbench.store import Store

Batch = list[tuple[int, list[Suggestion], list[SuggestedTrigger]]]
# Linux's prctl option: the signal a process gets when the one that started it ends.
_PR_SET_PDEATHSIG = 1


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
        self._pipe: _Pipe | None = None
        self._process: Any = None
        self._said: Any = None  # the writer process's standard error
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
        assert self._pipe is not None
        try:
            # (as plain tuples, which pickle quicker than named ones: pickling is on the
            # pipeline's time)
            self._pipe.send(
                [
                    (doc_id, [tuple(s) for s in found], [tuple(t) for t in triggers])
                    for doc_id, found, triggers in batch
                ]
            )
        except OSError:
            raise self._failure() from None
        self._in_flight = len(batch)

    def _start_process(self) -> None:
        # (the folder Workbench is imported from, first: the same code, installed or not)
        home = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (home, os.environ.get("PYTHONPATH")) if p)
        # (what it says on standard error is kept out of the terminal, where a TUI may be
        # drawing, and quoted if it stops unexpectedly)
        self._said = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the process is stopped)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "workbench.nlp.writing"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._said,
            env={**os.environ, "PYTHONPATH": path},
            start_new_session=True,  # (Ctrl-C in a terminal is the run's to handle)
        )
        self._pipe = _Pipe(self._process.stdout, self._process.stdin)
        origin = self.origin
        self._pipe.send(
            (os.getpid(), origin.target, origin.annotator, bool(origin.read_only),
             origin.db.layer, self.signature)
        )  # fmt: skip

    def _wait(self) -> None:
        """The committed batch's counts, or its failure raised here."""
        if not self._in_flight:
            return
        assert self._pipe is not None
        documents, self._in_flight = self._in_flight, 0
        try:
            answer = self._pipe.recv()
        except EOFError:
            raise self._failure() from None
        if isinstance(answer, BaseException):
            raise answer
        self._count(answer, documents)

    def _failure(self) -> BaseException:
        """Why the writer process stopped: the error it sent last, if it could."""
        assert self._pipe is not None
        try:
            last = self._pipe.recv()
        except EOFError:
            last = None
        if isinstance(last, BaseException):
            return last
        self._said.seek(0)
        lines = self._said.read().decode(errors="replace").strip().splitlines()
        said = f" ({visible(lines[-1])})" if lines else ""
        return WorkbenchError(
            f"the pre-annotation writer stopped unexpectedly{said}; run the same command to resume"
        )

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
            if self._pipe is not None:
                self._stop_process()

    def _stop_process(self) -> None:
        assert self._pipe is not None
        with contextlib.suppress(OSError):  # (it stopped already)
            self._pipe.send(None)
        self._pipe.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._said.close()


class _Pipe:
    """Pickled values over a pair of byte streams, one value at a time."""

    def __init__(self, reading: Any, writing: Any) -> None:
        self._reading = reading
        self._writing = writing

    def send(self, value: object) -> None:
        pickle.dump(value, self._writing, protocol=pickle.HIGHEST_PROTOCOL)
        self._writing.flush()

    def recv(self) -> Any:
        """The next value; EOFError when the other side is gone."""
        try:
            return pickle.load(self._reading)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise EOFError from None

    def close(self) -> None:
        for stream in (self._writing, self._reading):
            with contextlib.suppress(OSError):
                stream.close()


def _serve(pipe: _Pipe) -> None:
    """The writer process: commits each batch it is sent and answers with its counts, or
    with the error that stopped it; ends at None or when the run's end of the pipe closes."""
    run, target, annotator, read_only, layer, signature = pipe.recv()
    _end_with(run)
    try:
        store = Store.open(target, annotator=annotator, read_only=read_only)
    except Exception as exc:  # (the run's first wait for an answer raises it)
        pipe.send(_sendable(exc))
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
                pipe.send(_sendable(exc))


def _end_with(run: int) -> None:
    """Be killed when the run's process is (`kill -9` included), as a thread of it would
    be: the batch in flight is then not committed after the run is gone, where a run
    started again would take it for unfinished (Linux; elsewhere the pipe's end closing
    stops the loop after the batch in flight)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != run:  # (it ended before that was in place)
        os._exit(0)


def _sendable(exc: Exception) -> BaseException:
    """The error itself when it crosses a pipe intact, else a WorkbenchError saying it."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:
        return WorkbenchError(f"storing suggestions failed: {exc}")
    return copy if str(copy) == str(exc) else WorkbenchError(str(exc))


if __name__ == "__main__":
    # (standard output carries the pickles: anything printed goes to standard error)
    protocol_out, sys.stdout = sys.stdout.buffer, sys.stderr
    _serve(_Pipe(sys.stdin.buffer, protocol_out))
