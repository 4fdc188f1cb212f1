"""Exporters: the interface plugins implement, and `run_export`, which makes every export
atomic (a temporary file or folder renamed into place) whatever the plugin does."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from workbench import interrupts
from workbench.display import visible_text
from workbench.errors import WorkbenchError
from workbench.exporters.view import DocumentExport, ExportView

__all__ = ["DocumentExport", "ExportContext", "ExportView", "Exporter", "run_export"]

Progress = Callable[[int, int], None]
# Written into every folder export: only such a folder is ever replaced by a new export.
FOLDER_MARKER = ".workbench-export"


@dataclass
class ExportContext:
    """Options chosen by the user, a progress callback, and the warnings an export raises."""

    options: Mapping[str, str] = field(default_factory=dict)
    progress: Progress | None = None
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Tell the user what the format cannot express (CLI and TUI show these)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def step(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


@dataclass(frozen=True)
class Exporter:
    """One export format. `write(view, target, context)` writes `target` (a file or a
    folder, as `kind` says); Workbench makes it appear atomically at the user's path."""

    name: str
    description: str
    kind: Literal["file", "folder"]
    write: Callable[[ExportView, Path, ExportContext], None]
    extension: str = ""
    options: Mapping[str, str] = field(default_factory=dict)


class ExportError(WorkbenchError):
    """An export failed; nothing was written at the output path."""


def run_export(
    exporter: Exporter,
    view: ExportView,
    output: str | Path,
    options: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    owner: str | None = None,
    stdout: BinaryIO | None = None,
) -> ExportContext:
    """Write `view` with `exporter` to `output` atomically; returns the context (warnings).

    `output` "-" writes a file exporter's output to `stdout` (default: the process's
    standard output). A character device or a FIFO is written through, as a shell
    redirection would; the atomic rename only ever replaces a regular file, or a folder
    that carries the export marker."""
    unknown = set(options or {}) - set(exporter.options)
    if unknown:
        raise ExportError(
            f"exporter {exporter.name!r} has no option {', '.join(sorted(unknown))} "
            f"(options: {', '.join(exporter.options) or 'none'})"
        )
    destination = export_destination(exporter, output)
    if destination.written_through:
        return _export_through(exporter, view, destination, options, progress, owner, stdout)
    output = destination.path
    _remove_stale_temporaries(output)
    temporary = output.parent / f".{output.name}.partial-{os.getpid()}"
    context = ExportContext(options=dict(options or {}), progress=progress)
    try:
        _write_temporary(exporter, view, temporary, context)
        if exporter.kind == "folder":
            (temporary / FOLDER_MARKER).write_text(f"{exporter.name}\n", encoding="utf-8")
        _sync(temporary)
        _replace(temporary, output)
    except BaseException as exc:
        _remove(temporary)
        raise _export_failure(exporter, exc, owner, output) from exc
    return context


@dataclass(frozen=True)
class Destination:
    """Where an export goes: a path replaced atomically, or a stream written through."""

    path: Path
    written_through: bool = False
    standard_output: bool = False


def export_destination(exporter: Exporter, output: str | Path) -> Destination:
    """Check what `output` is and decide how to write it; ExportError when it must not be."""
    if str(output) == "-":
        if exporter.kind == "folder":
            raise ExportError(f"exporter {exporter.name!r} writes a folder, not standard output")
        return Destination(Path("-"), written_through=True, standard_output=True)
    output = Path(output)
    if output.is_dir() and exporter.kind == "file" and not output.is_symlink():
        output = output / f"workbench{exporter.extension}"
    try:
        mode = output.stat().st_mode  # follows a symbolic link to what it points at
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"{output}: cannot use it: {exc.strerror or exc}") from exc
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        if exporter.kind == "folder":
            raise ExportError(
                f"{output}: is a device or pipe; exporter {exporter.name!r} writes a folder"
            )
        return Destination(output, written_through=True)
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ExportError(f"{output}: is a socket or block device; choose a file or folder")
    if output.is_symlink():
        # Replacing the link would leave its target stale; write the target in its place.
        output = output.resolve()
    if mode is not None and exporter.kind == "folder":
        if not stat.S_ISDIR(mode):
            raise ExportError(f"{output}: exists and is not a folder")
        if any(output.iterdir()) and not (output / FOLDER_MARKER).is_file():
            # never replace a folder of someone else's files with an export
            raise ExportError(
                f"{output}: is a folder that is not a Workbench export; "
                "choose a new or empty folder"
            )
    if mode is not None and exporter.kind == "file" and stat.S_ISDIR(mode):
        raise ExportError(f"{output}: is a folder")
    if not output.parent.is_dir():
        raise ExportError(f"{output.parent}: no such folder")
    return Destination(output)


def _write_temporary(
    exporter: Exporter, view: ExportView, temporary: Path, context: ExportContext
) -> None:
    if exporter.kind == "folder":
        temporary.mkdir()
    exporter.write(view, temporary, context)
    if not temporary.exists():
        raise ExportError(f"exporter {exporter.name!r} wrote nothing")


def _export_through(
    exporter: Exporter,
    view: ExportView,
    destination: Destination,
    options: Mapping[str, str] | None,
    progress: Progress | None,
    owner: str | None,
    stdout: BinaryIO | None,
) -> ExportContext:
    """Write the export to a temporary file first (an exporter may fail half-way), then
    copy it into the device, pipe or standard output."""
    context = ExportContext(options=dict(options or {}), progress=progress)
    with tempfile.TemporaryDirectory(prefix="workbench-export-") as folder:
        temporary = Path(folder) / f"export{exporter.extension}"
        try:
            _write_temporary(exporter, view, temporary, context)
        except BaseException as exc:
            raise _export_failure(exporter, exc, owner, destination.path) from exc
        try:
            with open(temporary, "rb") as source:
                if destination.standard_output:
                    target = stdout or sys.stdout.buffer
                    if stdout is None and sys.stdout.isatty():
                        # read on a terminal: its controls in the text are shown, not obeyed
                        shown = visible_text(source.read().decode("utf-8", errors="replace"))
                        target.write(shown.encode("utf-8"))
                    else:
                        shutil.copyfileobj(source, target)
                    target.flush()
                else:
                    with open(destination.path, "wb") as target_file:
                        shutil.copyfileobj(source, target_file)
        except OSError as exc:
            raise ExportError(f"{destination.path}: cannot write: {exc.strerror or exc}") from exc
    return context


def _export_failure(
    exporter: Exporter, exc: BaseException, owner: str | None, output: Path
) -> BaseException:
    """The error to raise when an exporter failed: a real Ctrl-C and our own errors stay
    as they are; anything else a plugin raised (even SystemExit) becomes one ExportError."""
    if interrupts.is_real(exc):
        return exc
    if isinstance(exc, WorkbenchError):
        if isinstance(exc, ExportError) and str(output) not in str(exc):
            return ExportError(f"{exc}; nothing was written to {output}")
        return exc
    who = f" (plugin {owner})" if owner and owner != exporter.name else ""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return ExportError(
        f"exporter {exporter.name!r}{who} failed: {type(exc).__name__}: {text}; "
        f"nothing was written to {output}"
    )


def _remove_stale_temporaries(output: Path) -> None:
    """Leftovers of an export that was killed (SIGKILL) before it could clean up."""
    for stale in output.parent.glob(f".{output.name}.partial-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            _remove(stale)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sync(path: Path) -> None:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        with open(f, "rb+") as handle:
            os.fsync(handle.fileno())


def _replace(temporary: Path, output: Path) -> None:
    if temporary.is_dir() and output.exists():
        old = output.parent / f".{output.name}.old-{os.getpid()}"
        os.replace(output, old)
        os.replace(temporary, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(temporary, output)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
