"""Lines for the terminal, and turning user errors into one of them (the CLI's and the
TUI launcher's)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from workbench.display import visible
from workbench.errors import WorkbenchError


def err(message: str) -> None:
    """A line on stderr; what came from files or the database in it is shown as data."""
    print(visible(message), file=sys.stderr, flush=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a user error into one `error:` line and exit 1 (Ctrl-C: exit 130; a closed
    pipe, as in `workbench docs | head`: exit 0) instead of a traceback."""
    try:
        yield
    except WorkbenchError as exc:
        err(f"error: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
