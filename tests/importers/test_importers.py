"""Importers against real files and a real store: formats, idempotence, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.errors import ImportFormatError
from workbench.importers import import_paths
from workbench.importers.jsonl import read_jsonl_documents
from workbench.importers.text import read_text_document
from workbench.store import Store


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_front_matter_and_normalisation(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.txt",
        "Title: Strikes\r\nSource: Wire\r\nURL: https://e.org/x\r\nPublished: 2024-01-16\r\n\r\n"
        "Cafe\u0301 in Panjgur.\r\nSecond line.\r\n",
    )
    doc = read_text_document(path)
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Strikes",
        "Wire",
        "https://e.org/x",
        "2024-01-16",
    )
    assert doc.text == "Caf\u00e9 in Panjgur.\nSecond line.\n"
    assert "NFC" in doc.normalisation and "changed" in doc.normalisation


def test_title_defaults_to_first_line(tmp_path: Path) -> None:
    doc = read_text_document(write(tmp_path / "b.md", "\n\n  Iran strikes Pakistan  \n\nBody"))
    assert doc.title == "Iran strikes Pakistan"
    assert doc.published is None


def test_reimport_is_idempotent(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "One article.")
    write(tmp_path / "b.txt", "One article.")  # same text, other name: same document
    first = import_paths(store, [tmp_path])
    second = import_paths(store, [tmp_path])
    assert (first.documents_added, first.documents_unchanged) == (1, 1)
    assert (second.documents_added, second.documents_unchanged) == (0, 2)
    assert len(store.documents.summaries()) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "caf\xe9 na\xefve".encode("latin-1"), "not valid UTF-8"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("empty.txt", b"", "empty document"),
        ("blank.txt", b"  \n\n \t\n", "empty document"),
        ("header_only.txt", b"Title: x\n\n   \n", "empty document"),
        ("bad_date.txt", b"Title: x\nPublished: last Tuesday\n\nBody", "not ISO 8601"),
    ],
)
def test_bad_text_files_get_one_clear_error(
    store: Store, tmp_path: Path, name, content, reason
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(ImportFormatError, match=reason) as info:
        read_text_document(path)
    assert name in str(info.value) and "\n" not in str(info.value)
    summary = import_paths(store, [path])
    assert summary.documents_added == 0 and len(summary.errors) == 1
    assert store.documents.summaries() == []


def test_fifty_megabyte_file_is_refused_without_reading_it(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    summary = import_paths(store, [path])
    assert "huge.txt" in summary.errors[0] and "50.0 MB" in summary.errors[0]
    assert store.documents.summaries() == []


def test_jsonl_documents_and_meta(store: Store, tmp_path: Path) -> None:
    lines = [
        {
            "id": "a1",
            "title": "First",
            "text": "Iran struck.",
            "source": "S",
            "published": "2024-01-16",
            "meta": {"k": 1},
        },
        {"text": "Untitled article\nbody"},
    ]
    path = write(tmp_path / "c.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    docs = read_jsonl_documents(path)
    assert [d.title for d in docs] == ["First", "Untitled article"]
    assert docs[0].meta == {"k": 1, "id": "a1"}
    summary = import_paths(store, [path])
    assert summary.documents_added == 2


@pytest.mark.parametrize(
    ("lines", "line_no", "reason"),
    [
        (['{"text": "ok"}', '{"text": "broken"'], 2, "malformed JSON"),
        (['{"text": "ok"}', "", '["not", "object"]'], 3, "JSON object"),
        (['{"title": "no text"}'], 1, 'missing "text"'),
        (['{"text": 5}'], 1, 'missing "text"'),
        (['{"text": "x", "meta": []}'], 1, "meta"),
        (['{"text": "   "}'], 1, "empty"),
        (['{"text": "x", "published": "soon"}'], 1, "ISO 8601"),
    ],
)
def test_malformed_jsonl_names_the_line_and_imports_nothing(
    store: Store, tmp_path: Path, lines, line_no, reason
) -> None:
    path = write(tmp_path / "bad.jsonl", "\n".join(lines))
    with pytest.raises(ImportFormatError, match=reason) as info:
        read_jsonl_documents(path)
    assert f"bad.jsonl:{line_no}:" in str(info.value)
    summary = import_paths(store, [path])
    assert summary.errors and store.documents.summaries() == []


def test_folder_imports_good_files_and_reports_bad_ones(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "good.txt", "Good article")
    write(tmp_path / "bad.txt", b"\xff\xfe\xfa")
    write(tmp_path / "notes.pdf", b"%PDF")  # ignored inside a folder: not a known type
    write(tmp_path / ".hidden.txt", "hidden")
    summary = import_paths(store, [tmp_path, tmp_path / "missing.txt"])
    assert summary.documents_added == 1
    assert any("bad.txt" in e for e in summary.errors)
    assert any("missing.txt" in e for e in summary.errors)
    assert [d.title for d in store.documents.summaries()] == ["Good article"]


def test_explicit_unknown_file_type_is_an_error(store: Store, tmp_path: Path) -> None:
    summary = import_paths(store, [write(tmp_path / "x.pdf", b"%PDF")])
    assert "unsupported file type" in summary.errors[0]


def test_gold_with_bad_offsets_is_refused(store: Store, tmp_path: Path) -> None:
    import hashlib

    write(tmp_path / "a.txt", "Iran struck Panjgur.")
    sha = hashlib.sha256(b"Iran struck Panjgur.").hexdigest()
    write(tmp_path / "entities.jsonl", json.dumps({"id": "iran", "name": "Iran", "label": "GPE"}))
    gold = {
        "sha256": sha,
        "mentions": [{"start": 0, "end": 5, "text": "Iran", "label": "GPE", "entity_id": "iran"}],
    }
    write(tmp_path / "gold.jsonl", json.dumps(gold))
    summary = import_paths(store, [tmp_path])
    assert any("gold.jsonl:1" in e and "select 'Iran '" in e for e in summary.errors)
    gold["mentions"][0].update(start=10, end=500, text="x")
    write(tmp_path / "gold.jsonl", json.dumps(gold))
    summary = import_paths(store, [tmp_path / "gold.jsonl"])
    assert any("past the end" in e for e in summary.errors)
    assert store.stats()["mentions"] == 0


# -- every file is all or nothing (#18.4) -------------------------------------------------


def _two_documents(store: Store, tmp_path: Path) -> tuple[str, str]:
    import hashlib

    texts = ("Iran struck Panjgur.", "Pakistan struck Saravan.")
    for i, text in enumerate(texts):
        write(tmp_path / f"d{i}.txt", text)
    import_paths(store, [tmp_path / "d0.txt", tmp_path / "d1.txt"])
    return tuple(hashlib.sha256(t.encode()).hexdigest() for t in texts)


def test_a_gold_file_with_a_bad_second_line_imports_nothing(store: Store, tmp_path: Path) -> None:
    first, second = _two_documents(store, tmp_path)
    lines = [
        {"sha256": first, "mentions": [{"start": 0, "end": 4, "text": "Iran", "label": "GPE"}]},
        {
            "sha256": second,
            "mentions": [{"start": 0, "end": 8, "text": "Pakistan", "label": "NOPE"}],
        },
    ]
    gold = write(tmp_path / "gold.jsonl", "\n".join(json.dumps(x) for x in lines))
    summary = import_paths(store, [gold])
    assert len(summary.errors) == 1 and "gold.jsonl:2" in summary.errors[0]
    assert store.stats()["mentions"] == 0 and summary.mentions_added == 0


def test_an_events_file_with_a_missing_role_imports_nothing(store: Store, tmp_path: Path) -> None:
    first, _ = _two_documents(store, tmp_path)
    gold = {"sha256": first, "mentions": [{"start": 0, "end": 4, "text": "Iran", "label": "GPE"}]}
    import_paths(store, [write(tmp_path / "gold.jsonl", json.dumps(gold))])
    event = {
        "sha256": first,
        "type": "Explosions/Remote violence",
        "subtype": "Air/drone strike",
        "trigger": {"start": 5, "end": 11, "text": "struck"},
        "roles": [
            {"role": "Attacker", "start": 0, "end": 4, "text": "Iran"},
            {"role": "Place", "start": 12, "end": 19, "text": "Panjgur"},  # not a mention
        ],
    }
    summary = import_paths(store, [write(tmp_path / "events.jsonl", json.dumps(event))])
    assert len(summary.errors) == 1 and "events.jsonl:1" in summary.errors[0]
    assert store.events.of_document() == [] and summary.events_added == 0


BRAT_TEXT = "Iran struck Panjgur.\n"


@pytest.mark.parametrize(
    "ann, reason",
    [
        ("T1\tNOPE 0 4\tIran\n", "unknown label"),
        (
            "T1\tGPE 0 4\tIran\nT2\tBogus_type 5 11\tstruck\nE1\tBogus_type:T2 Attacker:T1\n",
            "event",
        ),
    ],
)
def test_a_brat_document_is_all_or_nothing(store: Store, tmp_path: Path, ann, reason) -> None:
    from workbench.plugins import load_plugins

    folder = tmp_path / "brat"
    folder.mkdir()
    write(folder / "bad.txt", BRAT_TEXT)
    write(folder / "bad.ann", ann)
    write(folder / "good.txt", "Pakistan struck Saravan.\n")
    write(folder / "good.ann", "T1\tGPE 0 8\tPakistan\n")
    importers = load_plugins((), entry_points=False).importers
    summary = import_paths(store, [folder], fmt="brat", importers=importers)
    assert len(summary.errors) == 1 and "bad" in summary.errors[0], summary.errors
    assert reason in summary.errors[0].lower()
    assert [d.title for d in store.documents.summaries()] == ["good"]
    assert summary.documents_added == 1 and summary.mentions_added == 1


# -- inputs that used to end in a traceback (#18.5, #18.6, smaller items) -------------------


SURROGATE = '"abc \\ud800"'


@pytest.mark.parametrize(
    "line, walked",
    [
        ('{"name": "Quetta", "label": "GPE", "aliases": ["Kwata"]}', False),
        ('{"name": "\\u00e9t\\u00e9", "label": "GPE"}', False),  # escapes, no surrogate
        ('{"name": "abc \\ud800", "label": "GPE"}', True),
        ('{"name": "abc \\uDBFF", "label": "GPE"}', True),
        ('{"name": "\\ud83d\\ude00", "label": "GPE"}', True),  # a pair: walked, and kept
        ('{"a": ' * 70 + "1" + "}" * 70, True),
    ],
)
def test_only_lines_that_may_hold_a_surrogate_or_deep_nesting_are_walked(line, walked) -> None:
    from workbench.importers.reading import check_strings, may_fail_string_checks

    assert may_fail_string_checks(line) is walked
    if not walked:  # (what is not walked has nothing to find)
        check_strings(json.loads(line), Path("x.jsonl"), 1)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("docs.jsonl", '{"text": ' + SURROGATE + "}", "unpaired surrogate"),
        ("docs.jsonl", '{"text": "ok", "title": ' + SURROGATE + "}", "unpaired surrogate"),
        ("entities.jsonl", '{"name": ' + SURROGATE + ', "label": "ORG"}', "unpaired surrogate"),
        (
            "entities.jsonl",
            '{"name": "A", "label": "ORG", "aliases": [' + SURROGATE + "]}",
            "unpaired surrogate",
        ),
        ("docs.jsonl", "[" * 100_000 + "]" * 100_000, "nested"),
        ("docs.jsonl", '{"text": "x", "meta": ' + '{"a": ' * 200 + "1" + "}" * 201, "nested"),
        ("entities.jsonl", json.dumps({"name": "x" * 10_000, "label": "ORG"}), "longer than 500"),
        (
            "entities.jsonl",
            json.dumps({"name": "A", "label": "ORG", "aliases": ["y" * 600]}),
            "alias longer than 500",
        ),
        (
            "entities.jsonl",
            json.dumps({"id": "a", "name": "A", "label": "ORG"})
            + "\n"
            + json.dumps({"id": "a", "name": "A", "label": "GPE"}),
            "line 1 gave it ORG",
        ),
    ],
)
def test_bad_json_lines_get_one_error_naming_the_line(
    store: Store, tmp_path: Path, name, content, reason
) -> None:
    write(tmp_path / "good.txt", "A good article.")
    path = write(tmp_path / name, content)
    summary = import_paths(store, [path, tmp_path / "good.txt"])
    assert len(summary.errors) == 1, summary.errors
    assert f"{name}:" in summary.errors[0] and reason in summary.errors[0]
    assert [d.title for d in store.documents.summaries()] == ["A good article."]
    assert store.kb.entities() == []


def _event_line(sha: str, **fields) -> str:
    event = {
        "sha256": sha,
        "type": "Explosions/Remote violence",
        "subtype": "Air/drone strike",
        "trigger": {"start": 5, "end": 11, "text": "struck"},
        **fields,
    }
    return json.dumps({k: v for k, v in event.items() if v != "DROP"})


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"trigger": {"end": 11, "text": "struck"}}, "start and end must be integers"),
        ({"trigger": {"start": "5", "end": 11, "text": "struck"}}, "start and end must be"),
        ({"trigger": {"start": 5, "end": True, "text": "struck"}}, "start and end must be"),
        ({"date": {"year": 2024}}, '"date" must be a string'),
        ({"note": 5}, '"note" must be a string'),
        ({"roles": [{"role": "Attacker", "start": 0}]}, "start and end must be integers"),
        ({"roles": [{"role": 1, "start": 0, "end": 4}]}, 'needs a "role" string'),
        ({"type": "DROP"}, '"type" string'),
        ({"cluster": {"a": 1}}, '"cluster" must be'),
        ({"fatalities": [1, "2"]}, '"fatalities" must be'),
    ],
)
def test_bad_event_fields_are_one_error_naming_the_line(
    store: Store, tmp_path: Path, fields, reason
) -> None:
    first, _ = _two_documents(store, tmp_path)
    path = write(
        tmp_path / "events.jsonl", _event_line(first) + "\n" + _event_line(first, **fields)
    )
    summary = import_paths(store, [path])
    assert len(summary.errors) == 1 and "events.jsonl:2" in summary.errors[0], summary.errors
    assert reason in summary.errors[0]
    assert store.events.of_document() == []


def test_gold_end_must_be_an_integer_not_a_boolean(store: Store, tmp_path: Path) -> None:
    first, _ = _two_documents(store, tmp_path)
    gold = {"sha256": first, "mentions": [{"start": 0, "end": True, "text": "I", "label": "GPE"}]}
    summary = import_paths(store, [write(tmp_path / "gold.jsonl", json.dumps(gold))])
    assert "gold.jsonl:1" in summary.errors[0] and "integers" in summary.errors[0]


def test_an_entity_id_given_again_with_another_label_is_refused(
    store: Store, tmp_path: Path
) -> None:
    store.kb.add_entity("Panjgur", "GPE", entity_id="panjgur")
    path = write(
        tmp_path / "entities.jsonl", json.dumps({"id": "panjgur", "name": "P", "label": "ORG"})
    )
    summary = import_paths(store, [path])
    assert "entities.jsonl:1" in summary.errors[0] and "exists with label GPE" in summary.errors[0]
    assert store.kb.entity("panjgur").label == "GPE"


def test_devices_and_pipes_are_refused_without_reading_them(store: Store, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "waiting.txt"
    os.mkfifo(fifo)
    summary = import_paths(store, [Path("/dev/urandom"), fifo], fmt="text")
    assert len(summary.errors) == 2
    assert all("not a regular file" in e for e in summary.errors)
    assert store.documents.summaries() == []


def test_a_nul_byte_anywhere_marks_a_binary_file(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "late-nul.txt", b"a" * 70_000 + b"\x00" + b"b" * 5)
    summary = import_paths(store, [path])
    assert "binary" in summary.errors[0] and store.documents.summaries() == []


def test_utf16_with_a_byte_order_mark_is_decoded_and_without_one_explained(
    store: Store, tmp_path: Path
) -> None:
    text = "Title: Čas\n\nZahedan — زاهدان, 16 January."
    write(tmp_path / "bom.txt", text.encode("utf-16"))
    write(tmp_path / "nobom.txt", text.encode("utf-16-le"))
    summary = import_paths(store, [tmp_path / "bom.txt", tmp_path / "nobom.txt"])
    assert [d.title for d in store.documents.summaries()] == ["Čas"]
    assert (
        store.documents.text(store.documents.summaries()[0].id) == "Zahedan — زاهدان, 16 January."
    )
    assert len(summary.errors) == 1 and "nobom.txt" in summary.errors[0]
    assert "UTF-16" in summary.errors[0] and "iconv" in summary.errors[0]
