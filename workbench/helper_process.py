"""A helper process: a fresh interpreter running one of Workbench's modules
(`python -m MODULE`), talking pickles over its standard input and output, so that its work
runs on another core while this process goes on with its own.

Unlike a fork, it copies no lock another thread holds (the work may run in a thread of the
TUI); unlike multiprocessing's `spawn`, it does not run the caller's main script again (a
script using Workbench as a library need not guard its code with `if __name__ ==
"__main__"`). It is in a session of its own, so Ctrl-C in a terminal is the caller's to
handle, and (on Linux) it is killed when the caller is, `kill -9` included.

The module's side: `serve(handler)` under `if __name__ == "__main__"`, where
`handler(pipe)` first receives the caller's process id and hands it to `end_with`."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.display import visible
from workbench.errors import WorkbenchError

# Linux's prctl option: the signal a process gets when the one that started it ends.
_PR_SET_PDEATHSIG = 1


class Pipe:
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


class HelperProcess:
    """The caller's side of a helper process. `name` and `advice` make the message of an
    unexpected stop: "<name> stopped unexpectedly (<its last words>); <advice>"."""

    def __init__(self, module: str, name: str, advice: str) -> None:
        self.name = name
        self.advice = advice
        # (the folder Workbench is imported from, first: the same code, installed or not)
        home = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (home, os.environ.get("PYTHONPATH")) if p)
        # (what it says on standard error is kept out of the terminal, where a TUI may be
        # drawing, and quoted if it stops unexpectedly)
        self._said = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(  # (the interpreter: its pid, its end)
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._said,
            env={**os.environ, "PYTHONPATH": path},
            start_new_session=True,
        )
        self._pipe = Pipe(self.process.stdout, self.process.stdin)
        self.send(os.getpid())

    def send(self, value: object) -> None:
        """Send a value; the process's failure is raised if it is gone."""
        try:
            self._pipe.send(value)
        except OSError:
            raise self.failure() from None

    def recv(self) -> Any:
        """The next answer; an error it sends, or its unexpected end, is raised here."""
        try:
            answer = self._pipe.recv()
        except EOFError:
            raise self.failure() from None
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def failure(self) -> BaseException:
        """Why the process stopped: the error it sent last, if it could."""
        try:
            last = self._pipe.recv()
        except EOFError:
            last = None
        if isinstance(last, BaseException):
            return last
        self._said.seek(0)
        lines = self._said.read().decode(errors="replace").strip().splitlines()
        said = f" ({visible(lines[-1])})" if lines else ""
        return WorkbenchError(f"{self.name} stopped unexpectedly{said}; {self.advice}")

    def stop(self) -> None:
        """Tell the process to end (None), and wait for it; killed if it does not."""
        with contextlib.suppress(OSError):  # (it stopped already)
            self._pipe.send(None)
        self._pipe.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._said.close()


def serve(handler: Callable[[Pipe], None]) -> None:
    """Run a helper process's side: `handler` gets the pipe to its caller. Standard output
    carries the pickles: anything printed goes to standard error."""
    protocol_out, sys.stdout = sys.stdout.buffer, sys.stderr
    handler(Pipe(sys.stdin.buffer, protocol_out))


def end_with(run: int) -> None:
    """Be killed when the caller's process (`run`) is, `kill -9` included, as a thread of
    it would be (Linux; elsewhere the pipe's end closing ends the helper's loop)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != run:  # (it ended before that was in place)
        os._exit(0)


def sendable(exc: Exception, doing: str) -> BaseException:
    """The error itself when it crosses a pipe intact, else a WorkbenchError saying it
    (`doing`: what failed, e.g. "storing suggestions")."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:
        return WorkbenchError(f"{doing} failed: {exc}")
    return copy if str(copy) == str(exc) else WorkbenchError(str(exc))
