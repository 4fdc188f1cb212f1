"""Broken plugins, hostile titles and cells, interrupted exports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ROOT

from workbench.exporters import ExportError, ExportView, run_export
from workbench.exporters.files import neutral_cell, safe_stem
from workbench.model import NewDocument
from workbench.plugins import default_plugin_dirs, load_plugins

GOOD = """
from workbench.exporters import Exporter
from workbench.hookspecs import hookimpl

def write(view, target, context):
    target.write_text("ok")

@hookimpl
def register_exporters(register):
    register(Exporter(name="good", description="d", kind="file", extension=".txt", write=write))
"""

RAISES_IN_EXPORT = """
from workbench.exporters import Exporter
from workbench.hookspecs import hookimpl

def write(view, target, context):
    target.write_text("half of it")
    raise RuntimeError("disk on fire")

@hookimpl
def register_exporters(register):
    register(Exporter(name="fails", description="d", kind="file", write=write))
"""

DUPLICATE = """
from workbench.exporters import Exporter
from workbench.hookspecs import hookimpl

@hookimpl
def register_exporters(register):
    register(Exporter(name="jsonl", description="mine", kind="file", write=lambda v, t, c: None))
"""

HOOK_RAISES = """
from workbench.hookspecs import hookimpl

@hookimpl
def register_exporters(register):
    raise ValueError("bad config")
"""


def plugin_dir(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    for name, body in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(body))
    return folder


def test_broken_plugins_are_reported_and_skipped(tmp_path: Path) -> None:
    folder = plugin_dir(
        tmp_path,
        a_syntax="def broken(:\n",
        b_good=GOOD,
        c_duplicate=DUPLICATE,
        d_hook_raises=HOOK_RAISES,
        e_import_raises="raise SystemExit('no')\n",
    )
    plugins = load_plugins([folder], entry_points=False)
    assert "good" in plugins.exporters and "jsonl" in plugins.exporters
    assert plugins.owner[("exporter", "jsonl")] == "workbench.exporters.builtin"
    errors = "\n".join(plugins.errors)
    assert "plugin a_syntax: failed to load: SyntaxError" in errors
    assert (
        "plugin c_duplicate: exporter 'jsonl' is already registered by workbench.exporters.builtin"
        in errors
    )
    assert "plugin d_hook_raises: register_exporters failed: ValueError: bad config" in errors
    assert "plugin e_import_raises: failed to load" in errors
    assert all("\n" not in e for e in plugins.errors)


def test_an_exporter_that_raises_leaves_nothing(seeded, tmp_path: Path) -> None:
    plugins = load_plugins([plugin_dir(tmp_path, fails=RAISES_IN_EXPORT)], entry_points=False)
    output = tmp_path / "out.txt"
    with pytest.raises(ExportError) as caught:
        run_export(plugins.exporter("fails"), ExportView(seeded), output, owner="fails")
    assert "exporter 'fails'" in str(caught.value) and "disk on fire" in str(caught.value)
    assert not output.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    # The other exporters still work.
    run_export(plugins.exporter("jsonl"), ExportView(seeded), tmp_path / "ok.jsonl")
    assert (tmp_path / "ok.jsonl").stat().st_size > 0


def test_existing_output_survives_a_failed_export(seeded, tmp_path: Path) -> None:
    plugins = load_plugins([plugin_dir(tmp_path, fails=RAISES_IN_EXPORT)], entry_points=False)
    output = tmp_path / "out.txt"
    output.write_text("previous export")
    with pytest.raises(ExportError):
        run_export(plugins.exporter("fails"), ExportView(seeded), output)
    assert output.read_text() == "previous export"


SLOW = """
import time
from workbench.exporters import Exporter
from workbench.hookspecs import hookimpl

def write(view, target, context):
    (target / "first.txt").write_text("one")
    print("writing", flush=True)
    time.sleep(60)

@hookimpl
def register_exporters(register):
    register(Exporter(name="slow", description="d", kind="folder", write=write))
"""


def test_an_export_killed_midway_leaves_no_partial_output(
    seeded_path: Path, tmp_path: Path
) -> None:
    folder = plugin_dir(tmp_path, slow=SLOW)
    output = tmp_path / "export"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "--db",
            str(seeded_path),
            "--plugins-dir",
            str(folder),
            "export",
            "slow",
            str(output),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "writing"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not output.exists()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".export.partial-")]
    assert leftovers, "the killed export wrote into a temporary folder"
    # The next export of the same path clears the dead process's leftovers.
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(seeded_path), "export", "csv", str(output)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in output.iterdir()) == [
        ".workbench-export",
        "entities.csv",
        "events.csv",
        "incidents.csv",
        "mentions.csv",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export.partial-")]


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/passwd",
        "..",
        "a/b\\c",
        "con\x00trol\x1b[31m",
        "/abs/path",
        ".hidden",
        "   ",
        "x" * 500,
    ],
)
def test_titles_become_safe_file_names(title: str) -> None:
    stem = safe_stem(title, 7)
    assert stem.startswith("00007-")
    assert "/" not in stem and "\\" not in stem and ".." not in stem
    assert all(ord(ch) >= 32 for ch in stem) and len(stem) <= 90


def test_brat_export_of_hostile_titles_stays_in_its_folder(store, tmp_path: Path) -> None:
    titles = ["../../escape", "../escape", "same", "same"]
    store.documents.add_many(
        [
            NewDocument(title=t, text=f"Text number {i}.", sha256=f"{i:064x}", origin="test")
            for i, t in enumerate(titles)
        ]
    )
    plugins = load_plugins((), entry_points=False)
    output = tmp_path / "deep" / "brat"
    output.parent.mkdir()
    run_export(plugins.exporter("brat"), ExportView(store), output)
    written = sorted(p.name for p in output.iterdir() if not p.name.startswith("."))
    assert len(written) == 2 * len(titles) + 1
    assert not list(tmp_path.glob("*escape*")) and not list(tmp_path.glob("deep/*escape*"))


@pytest.mark.parametrize(
    "cell",
    [
        "=1+2",
        "+1",
        "-1+1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        '=HYPERLINK("http://x")',
        " =1+2",
        "\u3000 =1+2",
        "\uff1d1+2",  # full-width equals sign
        "\uff0b1",
        " \uff20SUM(A1)",
    ],
)
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutral_cell(cell) == "'" + cell
    assert neutral_cell("Iran") == "Iran" and neutral_cell(3) == 3


def test_csv_export_neutralises_formulas_from_the_text(store, tmp_path: Path) -> None:
    text = "=cmd|' /C calc'!A0 and @SUM(1) said Iran."
    (doc_id,), _ = store.documents.add_many(
        [NewDocument(title="=HYPERLINK(1)", text=text, sha256="f" * 64, origin="t")]
    )
    store.mentions.add(doc_id, 0, 18, "ORG")
    store.mentions.add(doc_id, text.index("@"), text.index("@") + 7, "ORG")
    plugins = load_plugins((), entry_points=False)
    run_export(plugins.exporter("csv"), ExportView(store), tmp_path / "csv")
    import csv

    with open(tmp_path / "csv" / "mentions.csv", newline="") as f:
        cells = [row["text"] for row in csv.DictReader(f)]
    assert cells == ["'=cmd|' /C calc'!A0", "'@SUM(1)"]


def test_repository_plugins_folder_is_loaded_and_briefing_works(seeded, tmp_path: Path) -> None:
    assert ROOT / "plugins" in [d.resolve() for d in default_plugin_dirs()] or (
        (Path(__import__("workbench").__file__).parent / "_plugins").is_dir()
    )
    plugins = load_plugins(default_plugin_dirs(), entry_points=False)
    assert "briefing" in plugins.exporters, plugins.errors
    output = tmp_path / "briefing.md"
    run_export(plugins.exporter("briefing"), ExportView(seeded), output)
    text = output.read_text()
    assert text.startswith("# Briefing")
    assert "**Jaish al\\-Adl**" in text or "**Jaish al-Adl**" in text
    assert "Air/drone strike" in text and "(chars " in text


def test_cli_export_and_plugins(seeded_target: Path | str, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "WORKBENCH_PLUGINS_DIR": str(plugin_dir(tmp_path, a_syntax="def (:\n", good=GOOD)),
        }
        return subprocess.run(
            [sys.executable, "-m", "workbench", "--db", str(seeded_target), *args],
            capture_output=True,
            text=True,
            env=env,
        )

    listed = run("plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert set(data["exporters"]) >= {
        "jsonl",
        "spacy",
        "brat",
        "conll",
        "csv",
        "stix",
        "graphml",
        "briefing",
        "good",
    }
    broken = next(p for p in data["plugins"] if p["name"] == "a_syntax")
    assert broken["errors"] and "SyntaxError" in broken["errors"][0]
    out = tmp_path / "one.jsonl"
    done = run("export", "jsonl", str(out), "--doc", "2")
    assert done.returncode == 0, done.stderr
    assert "warning: plugin a_syntax" in done.stderr
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [2]
    unknown = run("export", "nope", str(out))
    assert unknown.returncode == 1 and unknown.stderr.strip().splitlines()[-1].startswith(
        "error: unknown export format 'nope'"
    )
    missing = run("export", "jsonl", str(out), "--doc", "99")
    assert missing.returncode == 1 and "no document with id 99" in missing.stderr
    nowhere = run("export", "jsonl", str(tmp_path / "no" / "such" / "x.jsonl"))
    assert nowhere.returncode == 1 and "no such folder" in nowhere.stderr


def test_installed_packages_are_found_by_entry_point(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "wb_counts_plugin.py").write_text(textwrap.dedent(GOOD).replace('"good"', '"counts"'))
    info = site / "wb_counts_plugin-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: wb-counts-plugin\nVersion: 1.2.3\n"
    )
    (info / "entry_points.txt").write_text("[workbench]\ncounts = wb_counts_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    plugins = load_plugins((), entry_points=True)
    found = next(p for p in plugins.plugins if p.name == "counts")
    assert found.version == "1.2.3" and found.exporters == ["counts"] and not found.errors
    assert plugins.owner[("exporter", "counts")] == "counts"


def test_a_folder_export_never_replaces_someone_elses_folder(seeded, tmp_path: Path) -> None:
    plugins = load_plugins((), entry_points=False)
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.docx").write_text("years of work")
    with pytest.raises(ExportError) as caught:
        run_export(plugins.exporter("csv"), ExportView(seeded), documents)
    assert "not a Workbench export" in str(caught.value)
    assert (documents / "thesis.docx").read_text() == "years of work"
    # an earlier export, or an empty folder, is replaced as a whole
    output = tmp_path / "csv"
    run_export(plugins.exporter("csv"), ExportView(seeded), output)
    (output / "stale.csv").write_text("old")
    run_export(plugins.exporter("csv"), ExportView(seeded), output)
    assert not (output / "stale.csv").exists() and (output / "events.csv").exists()


def test_an_exporter_that_writes_nothing_is_a_clear_error(seeded, tmp_path: Path) -> None:
    from workbench.exporters import Exporter

    lazy = Exporter(name="lazy", description="d", kind="file", write=lambda v, t, c: None)
    with pytest.raises(ExportError) as caught:
        run_export(lazy, ExportView(seeded), tmp_path / "out.txt")
    assert "wrote nothing" in str(caught.value) and not (tmp_path / "out.txt").exists()


def _cli(db: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(db), *args],
        capture_output=True,
        **kwargs,
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_export_writes_through_a_device_node_and_never_replaces_it(
    seeded_path: Path, tmp_path: Path
) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 3))
    done = _cli(seeded_path, "export", "jsonl", str(null))
    assert done.returncode == 0, done.stderr
    assert null.is_char_device()
    link = tmp_path / "link-to-null"
    link.symlink_to(null)
    assert _cli(seeded_path, "export", "jsonl", str(link)).returncode == 0
    assert link.is_symlink() and null.is_char_device()
    refused = _cli(seeded_path, "export", "brat", str(null))
    assert refused.returncode == 1 and null.is_char_device()
    assert refused.stderr.decode().startswith("error: ")


def test_export_writes_through_a_fifo(seeded_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    done = _cli(seeded_path, "export", "jsonl", str(fifo))
    received = reader.communicate(timeout=30)[0]
    assert done.returncode == 0, done.stderr
    assert fifo.is_fifo()
    assert [json.loads(line)["id"] for line in received.splitlines()] == [1, 2]


def test_export_refuses_a_socket(seeded_path: Path, tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        done = _cli(seeded_path, "export", "jsonl", str(path))
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "socket" in lines[0]
    assert path.is_socket()


def test_export_to_standard_output(seeded_path: Path) -> None:
    done = _cli(seeded_path, "export", "jsonl", "-", "--doc", "2")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [2]
    assert b"standard output" in done.stderr
    folder = _cli(seeded_path, "export", "brat", "-")
    assert folder.returncode == 1 and b"standard output" in folder.stderr


def test_export_through_a_symlink_replaces_its_target_not_the_link(seeded, tmp_path: Path) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    run_export(load_plugins((), entry_points=False).exporter("jsonl"), ExportView(seeded), link)
    assert link.is_symlink()
    assert target.read_text().startswith('{"id": 1')


EXITS_IN_HOOK = """
from workbench.hookspecs import hookimpl

@hookimpl
def register_exporters(register):
    raise SystemExit(0)
"""

EXITS_IN_WRITE = """
from workbench.exporters import Exporter
from workbench.hookspecs import hookimpl

def write(view, target, context):
    target.write_text("half")
    raise {exception}

@hookimpl
def register_exporters(register):
    register(Exporter(name="quits", description="d", kind="file", write=write))
"""


@pytest.mark.parametrize("exception", ["SystemExit(0)", "KeyboardInterrupt()"])
def test_a_plugin_cannot_end_the_program(seeded_path: Path, tmp_path: Path, exception) -> None:
    folder = plugin_dir(
        tmp_path, exits=EXITS_IN_HOOK, quits=EXITS_IN_WRITE.format(exception=exception)
    )
    env = {**os.environ, "WORKBENCH_PLUGINS_DIR": str(folder)}
    listed = _cli(seeded_path, "plugins", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    exits = next(p for p in json.loads(listed.stdout)["plugins"] if p["name"] == "exits")
    assert "SystemExit" in exits["errors"][0]
    out = tmp_path / "out.txt"
    done = _cli(seeded_path, "export", "quits", str(out), env=env)
    assert done.returncode == 1
    last = done.stderr.decode().strip().splitlines()[-1]
    assert last.startswith("error: exporter 'quits' failed: ")
    assert not out.exists() and not list(tmp_path.glob(".out.txt*"))
