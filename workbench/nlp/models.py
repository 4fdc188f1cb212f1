"""Loading a statistical spaCy pipeline the user names, never downloading one."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError


def load_model(name: str):  # type: ignore[no-untyped-def]
    """An installed pipeline package (`en_core_web_sm`) or a folder saved with `nlp.to_disk`.

    Only its NER is used; a missing model is a clear error, never a download."""
    import spacy

    path = Path(name).expanduser()
    looks_like_path = path.exists() or "/" in name or name.startswith(".")
    try:
        nlp = spacy.load(path if looks_like_path else name)
    except OSError as exc:
        if looks_like_path:
            raise WorkbenchError(
                f"{name}: not a spaCy pipeline folder (save one with nlp.to_disk): {exc.__class__.__name__}"
            ) from exc
        raise WorkbenchError(
            f"spaCy pipeline {name!r} is not installed; install the package first, e.g. "
            f"`python -m spacy download {name}` on a machine with network access, or pass "
            f"the path of a pipeline saved with nlp.to_disk"
        ) from exc
    except Exception as exc:  # a broken or incompatible pipeline folder
        raise WorkbenchError(f"{name}: cannot load this spaCy pipeline: {exc}") from exc
    if "ner" not in nlp.pipe_names:
        raise WorkbenchError(f"spaCy pipeline {name!r} has no NER component")
    keep = {"ner", "tok2vec", "transformer"}
    disabled = [p for p in nlp.pipe_names if p not in keep]
    if disabled:
        nlp.select_pipes(disable=disabled)
    return nlp
