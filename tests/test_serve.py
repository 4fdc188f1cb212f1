"""`workbench serve` in a real headless Chromium (Debian's package, driven by Playwright):
the token, the annotator's name, an annotation made by keys in the browser and seen by a
second session, the session limit; and a screenshot for a reviewer."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, SEEDS

from workbench.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium as root in a closed network: no sandbox, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "test-token-0123456789"
HOSTILE_TITLE = "<img src=x onerror=alert(1)><script>alert(2)</script>"
ARTIFACTS = ROOT / "artifacts"
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]"
)

if not Path(CHROMIUM).exists():
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER"):
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    pytest.skip("needs Debian's chromium (.ci/run installs it)", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.stderr.read() if process.stderr else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("serve did not start listening")


def _serve(
    tmp_path: Path, *options: str, annotator: str | None = None
) -> tuple[str, Path, subprocess.Popen[str]]:
    db = tmp_path / "team.db"
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(f"Title: {HOSTILE_TITLE}\n\nA report whose title is markup.\n")
    subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(db), "import", str(SEEDS), str(hostile)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", "--db", str(db)]
        + (["--annotator", annotator] if annotator else [])
        + ["serve", "--port", str(port), "--token", TOKEN, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_port(port, process)
    return f"http://127.0.0.1:{port}", db, process


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    url, db, process = _serve(tmp_path, "--max-sessions", "2")
    try:
        yield url, db, process
    finally:
        process.terminate()
        process.wait(timeout=10)


class Terminal:
    """What the browser's terminal was sent, as text (xterm.js draws it on a canvas)."""

    def __init__(self, page: object) -> None:
        self.frames: list[bytes] = []
        page.on(  # type: ignore[attr-defined]
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda f: self.frames.append(f if isinstance(f, bytes) else f.encode()),
            ),
        )
        self.page = page

    def text(self) -> str:
        return _ESCAPES.sub(b"", b"".join(self.frames)).decode("utf-8", "replace")

    def wait_for(self, *needles: str, since: int = 0, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()[since:]
            if all(n in shown for n in needles):
                return
            self.page.wait_for_timeout(200)  # type: ignore[attr-defined]
        raise AssertionError(f"never shown: {needles!r}")


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and by them, and so on (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # (ended meanwhile)
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(pair.decode().partition("=")[::2] for pair in pairs if b"=" in pair)


def alice_mentions(db: Path) -> int:
    with Store.open(db, annotator="checker") as store:
        return sum(m.annotator == "alice" for m in store.mentions.of_document(1))


def test_served_workbench_in_a_real_browser(served) -> None:
    url, db, process = served
    assert status(f"{url}/") == 403
    assert status(f"{url}/?token=wrong-token-0123456789") == 403
    assert status(f"{url}/ws") == 403
    # the page's addresses come from the Host header: markup there stays text
    forged = urllib.request.Request(
        f"{url}/?token={TOKEN}&annotator=eve",
        headers={"Host": 'x"><script>alert(3)</script>'},
    )
    with urllib.request.urlopen(forged, timeout=10) as response:
        page_text = response.read().decode()
    assert "<script>alert(3)" not in page_text and "&lt;script&gt;alert(3)" in page_text
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = browser.new_context(viewport={"width": 1280, "height": 800})
        page = first.new_page()
        terminal = Terminal(page)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}/?token={TOKEN}")
        page.fill("input[name=annotator]", "alice")  # asked once, then remembered
        page.click("button")
        terminal.wait_for("Iran says it killed Jaish al-Adl", "Killing of militant chief")
        terminal.wait_for("annotator: alice")
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve_1280x800.png"))
        # the session's process is told the database in its environment, not its command
        # line (which anyone on the machine can read: a URL's password would be there)
        sessions = descendants(process.pid)
        assert sessions and all(str(db) not in command_line(pid) for pid in sessions)
        assert any(environment(pid).get("WORKBENCH_DB") == str(db) for pid in sessions)
        before = alice_mentions(db)
        page.focus(".xterm-helper-textarea")  # xterm.js reads keys from its text area
        for key in ("w", "a", "Enter", "0"):  # the next word: label it PERSON, leave it unlinked
            page.keyboard.press(key)
            page.wait_for_timeout(400)
        deadline = time.monotonic() + 15
        while alice_mentions(db) == before and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert alice_mentions(db) == before + 1
        shown = re.search(r"\[1\] (\d+) mentions", terminal.text())
        assert shown is not None
        first.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page.keyboard.press("c")  # copy with citation: onto the browser's clipboard
        page.wait_for_timeout(500)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "says" in copied and "[doc 1, chars" in copied
        since = len(terminal.text())
        page.keyboard.press("o")  # the document picker lists the hostile title: as text
        terminal.wait_for("<script>alert(2)</script>", since=since)
        page.keyboard.press("Escape")
        assert dialogs == [] and page.evaluate("document.scripts.length") == 1

        second = browser.new_context(viewport={"width": 1280, "height": 800})
        other = second.new_page()
        seen = Terminal(other)
        other.goto(f"{url}/?token={TOKEN}&annotator=bob")
        seen.wait_for(f"[1] {int(shown.group(1)) + 1} mentions", "annotator: bob")

        third = browser.new_context().new_page()  # a third session: over the limit of 2
        third.goto(f"{url}/?token={TOKEN}&annotator=carol")
        assert "All 2 sessions are in use" in third.content()
        browser.close()
    process.terminate()
    printed, log = process.communicate(timeout=10)
    assert f"/?token={TOKEN}" in printed  # the address to open, on standard output
    assert TOKEN not in log  # the log has paths, never the query
    assert "GET / 403" in log


def test_an_idle_session_is_closed(tmp_path: Path) -> None:
    url, _, process = _serve(tmp_path, "--idle-minutes", "0.05", annotator="alice")
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            terminal = Terminal(page)
            page.goto(f"{url}/?token={TOKEN}")  # --annotator: no question asked
            terminal.wait_for("annotator: alice")
            page.wait_for_selector("body.-closed", state="attached", timeout=20_000)
            assert page.is_visible("text=The Workbench session has ended.")
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
