"""User key remapping: `keymap.toml` in the config directory, binding id -> keys.

# ~/.config/workbench/keymap.toml
"cursor.word_next" = "ctrl+right,alt+f"
"app.annotate" = "a,enter"
"""

from __future__ import annotations

from pathlib import Path

from workbench import config


def keymap_path() -> Path:
    return config.config_dir() / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The keymap, and an error line if the file exists but cannot be used."""
    path = path or keymap_path()
    if not path.exists():
        return {}, None
    import tomllib  # only when there is a keymap to read: not on every start

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"{path}: cannot read keymap: {exc}"
    keymap = {str(k): str(v) for k, v in data.items() if isinstance(v, str)}
    ignored = sorted(k for k, v in data.items() if not isinstance(v, str))
    error = f"{path}: ignored non-string entries {', '.join(ignored)}" if ignored else None
    return keymap, error
