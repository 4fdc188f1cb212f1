"""Exporters: the interface plugins implement, and `run_export`, which makes every export
atomic (a temporary file or folder renamed into place) whatever the plugin does."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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
) -> ExportContext:
    """Write `view` with `exporter` to `output` atomically; returns the context (warnings)."""
    output = Path(output)
    unknown = set(options or {}) - set(exporter.options)
    if unknown:
        raise ExportError(
            f"exporter {exporter.name!r} has no option {', '.join(sorted(unknown))} "
            f"(options: {', '.join(exporter.options) or 'none'})"
        )
    if output.is_dir() and exporter.kind == "file":
        output = output / f"workbench{exporter.extension}"
    if output.exists() and exporter.kind == "folder":
        if not output.is_dir():
            raise ExportError(f"{output}: exists and is not a folder")
        if any(output.iterdir()) and not (output / FOLDER_MARKER).is_file():
            # never replace a folder of someone else's files with an export
            raise ExportError(
                f"{output}: is a folder that is not a Workbench export; "
                "choose a new or empty folder"
            )
    parent = output.parent
    if not parent.is_dir():
        raise ExportError(f"{parent}: no such folder")
    _remove_stale_temporaries(output)
    temporary = parent / f".{output.name}.partial-{os.getpid()}"
    context = ExportContext(options=dict(options or {}), progress=progress)
    try:
        if exporter.kind == "folder":
            temporary.mkdir()
        exporter.write(view, temporary, context)
        if not temporary.exists():
            raise ExportError(f"exporter {exporter.name!r} wrote nothing; {output} not written")
        if exporter.kind == "folder":
            (temporary / FOLDER_MARKER).write_text(f"{exporter.name}\n", encoding="utf-8")
        _sync(temporary)
        _replace(temporary, output)
    except BaseException as exc:
        _remove(temporary)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, WorkbenchError)):
            raise
        who = f" (plugin {owner})" if owner and owner != exporter.name else ""
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise ExportError(
            f"exporter {exporter.name!r}{who} failed: {type(exc).__name__}: {text}; "
            f"nothing was written to {output}"
        ) from exc
    return context


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
