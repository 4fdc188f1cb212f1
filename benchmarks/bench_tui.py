"""TUI speed, each figure next to a baseline measured in the same run.

- time to first frame: `workbench tui` on a seeded database vs a bare Textual app
  (one Static), both started as real processes on a pseudo-terminal, timed from spawn
  until their first screen text arrives (median of alternating runs), both from compiled
  bytecode;
- keystroke-to-refresh p95 in a generated 1 MB document with 10 000 annotations: from
  sending a key (through Textual's Pilot) to the first frame the app hands its driver
  (rendered to terminal bytes), for cursor movement and for the keystroke that creates
  an annotation (store commit + redraw), next to the same for a bare Textual app;
- the same on the adjudication screen, the document's mentions copied into two layers
  that disagree on about one span in seven: opening it, moving between disagreements,
  and the keystrokes that decide one;
- the incident timeline over 10 000 generated events (5 000 incidents): opening it and
  moving through it.

    python benchmarks/bench_tui.py [--runs 7] [--keys 300] [--annotations 40]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import os
import pty
import random
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORDS, emit, summary  # noqa: E402

from workbench.importers import import_paths  # noqa: E402
from workbench.model import NewDocument, NewMention  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("bare app ready")
Bare().run()
"""
LABELS = ("GPE", "ORG", "PERSON", "NORP", "DATE")


def time_to_text(command: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from spawn until `marker` appears on the process's terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 150, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    seen = b""
    try:
        while marker not in seen:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                raise TimeoutError(f"no {marker!r} from {command}")
            seen = seen[-4096:] + os.read(master, 65536)
        return time.perf_counter() - start
    finally:
        process.kill()
        process.wait()
        os.close(master)


def compile_bytecode() -> None:
    """Compile our modules as `pip install` does. Textual is measured from its installed,
    compiled files; an editable checkout run with PYTHONDONTWRITEBYTECODE (as on CI
    machines) would otherwise compile every module of ours from source at each start."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "workbench")],
        check=True,
        capture_output=True,
    )


def first_frame(db: Path, runs: int) -> dict:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "150", "LINES": "40"}
    compile_bytecode()
    ours, bare = [], []
    for _ in range(runs):  # alternate, so drift on a noisy machine hits both
        bare.append(time_to_text([sys.executable, "-c", BARE_APP], b"bare app ready", env))
        ours.append(
            time_to_text(
                [sys.executable, "-m", "workbench", "--db", str(db), "tui"], b"mentions", env
            )
        )
    return {
        "workbench_median_s": round(statistics.median(ours), 3),
        "bare_textual_median_s": round(statistics.median(bare), 3),
        "ratio": round(statistics.median(ours) / statistics.median(bare), 2),
        "runs": runs,
        "bytecode": "compiled for both, as installed packages have it",
        "goal": "<= 1.3x a bare Textual app",
    }


def big_document(db: Path, size: int, annotations: int) -> int:
    rng = random.Random(7)
    words = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        if rng.random() < 0.15:
            sentence += "\n\n"
        words.append(sentence)
        length += len(sentence) + 1
    text = " ".join(words)[:size]
    with Store.open(db, annotator="bench") as store:
        [doc_id], _ = store.documents.add_many(
            [
                NewDocument(
                    "Generated 1 MB report",
                    text,
                    hashlib.sha256(text.encode()).hexdigest(),
                    "bench",
                )
            ]
        )
        starts = sorted(rng.sample(range(0, size - 20), annotations * 3))
        mentions, last_end = [], -1
        for start in starts:
            while start < size and not text[start].isalpha():
                start += 1
            end = start
            while end < size and text[end].isalpha():
                end += 1
            if start > last_end and end > start and len(mentions) < annotations:
                mentions.append(NewMention(start, end, text[start:end], rng.choice(LABELS)))
                last_end = end
        store.mentions.import_many(doc_id, mentions, source="bench")
    return doc_id


def watch_frames(app) -> list[float]:
    """Record when the app hands a frame to its driver, rendering it to terminal bytes as a
    real terminal session would (headless apps skip that step)."""
    frames: list[float] = []
    display = app._display  # the one place every frame goes through

    def timed(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)
            frames.append(time.perf_counter())

    app._display = timed
    return frames


async def key_to_frame(pilot, frames: list[float], key: str) -> float | None:
    """Milliseconds from sending a key to the first frame drawn after it."""
    start = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    after = [t for t in frames if t > start]
    return (after[0] - start) * 1000 if after else None


async def press_timings(app, keys: list[str]) -> list[float]:
    out = []
    frames = watch_frames(app)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        for key in keys:
            latency = await key_to_frame(pilot, frames, key)
            if latency is not None:
                out.append(latency)
    return out


async def bare_timings(n: int) -> list[float]:
    from textual.app import App
    from textual.widgets import Static

    class Counter(Static, can_focus=True):
        count = 0

        def key_right(self) -> None:
            self.count += 1
            self.update(f"pressed {self.count}")

    class Bare(App):
        def compose(self):
            yield Counter("pressed 0")

        def on_mount(self) -> None:
            self.query_one(Counter).focus()

    return await press_timings(Bare(), ["right"] * n)


async def keystrokes(db: Path, doc_id: int, n_keys: int, n_annotations: int) -> dict:
    from workbench.tui.app import WorkbenchApp

    rng = random.Random(3)
    movement = [
        rng.choice(["right", "left", "down", "up", "w", "b", "pagedown", "right_square_bracket"])
        for _ in range(n_keys)
    ]
    with Store.open(db, annotator="bench") as store:
        moves = await press_timings(
            WorkbenchApp(Workspace(store), doc_id, doc_id, keymap={}, steady=True), movement
        )

        create: list[float] = []
        app = WorkbenchApp(Workspace(store), doc_id, doc_id, keymap={}, steady=True)
        frames = watch_frames(app)
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            view = app.screen.panes[0].view
            for _ in range(n_annotations):
                # go to an unannotated word, open the pickers, then time the creating keystroke
                for _ in range(50):
                    await pilot.press("w")
                    if not view.mentions_at(view.cursor):
                        break
                await pilot.press("a", "1")
                await app.workers.wait_for_complete()
                await pilot.pause()
                latency = await key_to_frame(pilot, frames, "0")  # NIL: commit and redraw
                if latency is not None:
                    create.append(latency)
            created = sum(m.source == "manual" for m in view.mentions)
    bare = await bare_timings(n_keys)
    return {
        "cursor_movement": summary(moves),
        "create_annotation_keystroke": summary(create),
        "annotations_created": created,
        "bare_textual_keystroke": summary(bare),
        "movement_p95_vs_bare": round(summary(moves)["p95_ms"] / summary(bare)["p95_ms"], 2),
        "goal": "p95 < 16 ms",
    }


def two_layers(db: Path, doc_id: int) -> int:
    """The big document's mentions as two annotators' layers that mostly agree: of every
    20 spans, bob gives one another label, shortens one and leaves one out. Returns the
    number of mentions per layer."""
    rng = random.Random(11)
    with Store.open(db, annotator="bench") as store:
        shared = store.mentions.of_document(doc_id)
        alice = [NewMention(m.start, m.end, m.text, m.label) for m in shared]
        bob = []
        for m in alice:
            roll = rng.randrange(20)
            if roll == 0:
                continue
            if roll == 1:
                m = m._replace(label="LOC")
            elif roll == 2 and m.end - m.start > 2:
                m = m._replace(end=m.end - 1, text=m.text[:-1])
            bob.append(m)
        for name, mentions in (("alice", alice), ("bob", bob)):
            with store.in_layer(name):
                store.mentions.import_many(doc_id, mentions, source="bench")
    return len(alice)


async def adjudication_keystrokes(db: Path, doc_id: int, n_keys: int) -> dict:
    """The adjudication screen on the big document: opening it (J), moving between
    disagreements, and deciding them (each a store commit)."""
    from workbench.tui.app import WorkbenchApp

    rng = random.Random(5)
    moving: list[float] = []
    deciding: list[float] = []
    with Store.open(db, annotator="curator") as store:
        app = WorkbenchApp(Workspace(store), doc_id, None, keymap={}, steady=True)
        frames = watch_frames(app)
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("J", "enter")  # (J asks which pair: alice and bob come first)
            await pilot.pause()
            opened = (time.perf_counter() - start) * 1000
            screen = app.screen
            for _ in range(n_keys):
                key = rng.choice(["down", "up", "n", "N", "down", "n", "1", "2", "x"])
                latency = await key_to_frame(pilot, frames, key)
                if latency is not None:
                    (deciding if key in "12x" else moving).append(latency)
            disagreements = len(screen.comparison.items)
            settled = sum(screen.comparison.settled)
    return {
        "open_screen_ms": round(opened, 1),
        "disagreements": disagreements,
        "settled_during_run": settled,
        "move_between_disagreements": summary(moving),
        "decide_keystroke": summary(deciding),
        "goal": "keystroke p95 < 16 ms",
    }


def incident_corpus(db: Path, n_events: int) -> int:
    """100 generated reports and `n_events` strike events over 2024, clustered two by
    two into incidents (half of them disagreeing on certainty). Returns incidents made."""
    from datetime import date, timedelta

    rng = random.Random(13)
    texts = [" ".join(rng.choice(WORDS) for _ in range(300)).capitalize() + "." for _ in range(100)]
    with Store.open(db, annotator="bench") as store:
        doc_ids, _ = store.documents.add_many(
            [
                NewDocument(f"Report {i}", t, hashlib.sha256(t.encode()).hexdigest(), f"outlet {i}")
                for i, t in enumerate(texts)
            ]
        )
        with store.transaction("benchmark incidents"):
            made = []
            for i in range(n_events):
                day = date(2024, 1, 1) + timedelta(days=rng.randrange(366))
                made.append(
                    store.events.add(
                        doc_ids[i % len(doc_ids)],
                        "Explosions/Remote violence",
                        "Air/drone strike",
                        trigger=(0, 5),
                        date=day.isoformat(),
                        date_precision="day",
                        fatalities=rng.randrange(12),
                        certainty=rng.choice(("asserted", "claimed")),
                    ).id
                )
            for first, second in zip(made[::2], made[1::2], strict=False):
                store.events.cluster([first, second])
    return len(made) // 2


async def incident_keystrokes(db: Path, n_keys: int) -> dict:
    """The incident timeline (I) over the generated incidents: opening it, moving between
    incidents (each redraws the side-by-side reports), choosing a report."""
    from workbench.tui.app import WorkbenchApp

    rng = random.Random(17)
    moving: list[float] = []
    with Store.open(db, annotator="bench") as store:
        app = WorkbenchApp(Workspace(store), 1, 2, keymap={}, steady=True)
        frames = watch_frames(app)
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("I")
            await pilot.pause()
            opened = (time.perf_counter() - start) * 1000
            shown = len(app.screen.rows.rows)
            for _ in range(n_keys):
                key = rng.choice(["down", "down", "up", "pagedown", "pageup", "tab"])
                latency = await key_to_frame(pilot, frames, key)
                if latency is not None:
                    moving.append(latency)
    return {
        "open_timeline_ms": round(opened, 1),
        "incidents_shown": shown,
        "keystroke": summary(moving),
        "goal": "keystroke p95 < 16 ms",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--annotations", type=int, default=40)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--mentions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeded = Path(tmp) / "seeded.db"
        with Store.open(seeded, annotator="bench") as store:
            import_paths(store, [ROOT / "seeds"])
        frame = first_frame(seeded, args.runs)
        big = Path(tmp) / "big.db"
        doc_id = big_document(big, args.size, args.mentions)
        with Store.open(big) as store:
            document = store.documents.get(doc_id)
            stored = len(store.mentions.of_document(doc_id))
        keys = asyncio.run(keystrokes(big, doc_id, args.keys, args.annotations))
        per_layer = two_layers(big, doc_id)
        adjudication = asyncio.run(adjudication_keystrokes(big, doc_id, args.keys))
        events_db = Path(tmp) / "incidents.db"
        incidents = incident_corpus(events_db, args.events)
        timeline = asyncio.run(incident_keystrokes(events_db, args.keys))
    emit(
        {
            "benchmark": "tui",
            "time_to_first_frame": frame,
            "document": {"characters": len(document.text), "annotations": stored},
            "keystroke_to_refresh": keys,
            "adjudication": {"mentions_per_layer": per_layer, **adjudication},
            "incident_timeline": {"events": args.events, "incidents": incidents, **timeline},
        }
    )


if __name__ == "__main__":
    main()
