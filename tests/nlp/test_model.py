"""The optional statistical model path, exercised with a tiny NER pipeline trained here on
the seed gold annotations (no downloaded model, nothing from the network)."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SEEDS, preannotate, sqlite_only

from workbench.errors import WorkbenchError
from workbench.importers.gold import read_gold
from workbench.importers.text import read_text_document
from workbench.model import SUGGESTED
from workbench.nlp.models import load_model


@pytest.fixture(scope="module")
def tiny_ner(tmp_path_factory) -> Path:
    import spacy
    from spacy.training import Example

    # thinc draws the initial weights from its own generators: seed them, or an unlucky
    # draw trains a model whose every find is one the knowledge base already made
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    examples = []
    for gold in read_gold(SEEDS / "gold.jsonl"):
        text = read_text_document(SEEDS / gold.document).text
        entities = [(m.start, m.end, m.label) for m in gold.mentions]
        for _, _, label in entities:
            ner.add_label(label)
        examples.append(Example.from_dict(nlp.make_doc(text), {"entities": entities}))
    nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _ in range(25):
        rng.shuffle(examples)
        nlp.update(examples, drop=0.1)
    path = tmp_path_factory.mktemp("model") / "tiny-ner"
    nlp.to_disk(path)
    return path


def test_a_saved_pipeline_adds_model_suggestions(bare, tiny_ner: Path) -> None:
    summary = preannotate(bare, [1], model=str(tiny_ner))
    assert summary.documents == 1
    model_made = [m for m in bare.mentions.of_document(1, (SUGGESTED,)) if m.source == "model"]
    text = bare.documents.text(1)
    assert model_made, "the trained NER found nothing the rules and KB had not"
    assert all(text[m.start : m.end] == m.text and m.label for m in model_made)
    assert summary.suggestions >= len(model_made)


def test_model_runs_through_the_cli(bare_path: Path, tiny_ner: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "--db",
            str(bare_path),
            "preannotate",
            "--doc",
            "2",
            "--model",
            str(tiny_ner),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "1 document pre-annotated" in result.stdout


def test_missing_models_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError) as caught:
        load_model("xx_no_such_model_sm")
    assert "python -m spacy download xx_no_such_model_sm" in str(caught.value)
    with pytest.raises(WorkbenchError) as caught:
        load_model(str(tmp_path / "nothing-here"))
    assert "not a spaCy pipeline folder" in str(caught.value)


@sqlite_only  # (a test of the model, not of the store: skipped once, not per backend)
@pytest.mark.skipif(
    importlib.util.find_spec("en_core_web_sm") is None, reason="en_core_web_sm is not installed"
)
def test_an_installed_model_package(bare) -> None:  # pragma: no cover - only with the model
    summary = preannotate(bare, [1], model="en_core_web_sm")
    assert any(m.source == "model" for m in bare.mentions.of_document(1, (SUGGESTED,)))
    assert summary.documents == 1
