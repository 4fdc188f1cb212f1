"""The plugin manager: finds plugins, calls their hooks one by one, and keeps a broken
plugin from taking the others (or the app) down with it.

Sources, in order: the built-in plugins, installed packages with an entry point in group
``workbench``, then ``.py`` files in the plugins folders (the repository's ``plugins/``,
``WORKBENCH_PLUGINS_DIR`` and ``--plugins-dir``).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from workbench import hookspecs, interrupts

BUILTIN_MODULES = ("workbench.exporters.builtin", "workbench.importers.brat")
ENTRY_POINT_GROUP = "workbench"
PLUGINS_DIR_ENV = "WORKBENCH_PLUGINS_DIR"


@dataclass
class PluginInfo:
    """One plugin: where it came from, which hooks it implements, what it registered."""

    name: str
    source: str
    version: str | None = None
    hooks: list[str] = field(default_factory=list)
    exporters: list[str] = field(default_factory=list)
    importers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Plugins:
    """What every plugin registered, plus the one-line errors of those that failed."""

    plugins: list[PluginInfo] = field(default_factory=list)
    exporters: dict[str, Any] = field(default_factory=dict)
    importers: dict[str, Any] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return [f"plugin {p.name}: {e}" for p in self.plugins for e in p.errors]

    def exporter(self, name: str) -> Any:
        """The exporter called `name`, or a clear error listing the known ones."""
        from workbench.errors import WorkbenchError

        if name not in self.exporters:
            known = ", ".join(sorted(self.exporters)) or "none"
            raise WorkbenchError(f"unknown export format {name!r} (known: {known})")
        return self.exporters[name]


def default_plugin_dirs(extra: Path | None = None) -> list[Path]:
    """The repository's (or the installed package's) plugins folder, the env folder, extra."""
    package = Path(__file__).resolve().parent
    dirs = [package / "_plugins", package.parent / "plugins"]
    if env := os.environ.get(PLUGINS_DIR_ENV):
        dirs.append(Path(env))
    if extra is not None:
        dirs.append(extra)
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def load_plugins(
    plugin_dirs: Sequence[Path] = (), entry_points: bool = True, builtins: bool = True
) -> Plugins:
    """Load and call every plugin; failures are recorded on the plugin, never raised."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    result = Plugins()
    modules: list[tuple[PluginInfo, ModuleType]] = []
    if builtins:
        for name in BUILTIN_MODULES:
            _add(
                result,
                modules,
                PluginInfo(name, "builtin"),
                functools.partial(importlib.import_module, name),
            )
    if entry_points:
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            version = ep.dist.version if ep.dist else None
            info = PluginInfo(ep.name, f"entry point {ep.value}", version)
            _add(result, modules, info, ep.load)
    for folder in plugin_dirs:
        for path in sorted(Path(folder).glob("*.py")):
            if path.name.startswith("_"):
                continue
            info = PluginInfo(path.stem, str(path))
            _add(result, modules, info, functools.partial(_load_file, path))
    for info, module in modules:
        try:
            manager.register(module, name=info.name)
        except Exception as exc:  # pluggy rejects a malformed hookimpl
            info.errors.append(_one_line(exc))
            continue
        info.hooks = sorted(
            hook.name
            for hook in manager.get_hookcallers(module) or ()
            if hook.name.startswith("register_")
        )
        info.version = info.version or getattr(module, "__version__", None)
        _call(result, manager, module, info, "register_exporters", result.exporters, info.exporters)
        _call(result, manager, module, info, "register_importers", result.importers, info.importers)
    return result


def _add(
    result: Plugins,
    modules: list[tuple[PluginInfo, ModuleType]],
    info: PluginInfo,
    load: Callable[[], ModuleType],
) -> None:
    result.plugins.append(info)
    try:
        modules.append((info, load()))
    except BaseException as exc:  # a plugin's import may raise anything, even SystemExit
        if interrupts.is_real(exc):
            raise
        info.errors.append(f"failed to load: {_one_line(exc)}")


def _load_file(path: Path) -> ModuleType:
    name = f"workbench_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _call(
    result: Plugins,
    manager: pluggy.PluginManager,
    module: ModuleType,
    info: PluginInfo,
    hook_name: str,
    registry: dict[str, Any],
    registered: list[str],
) -> None:
    """Call one plugin's implementation of a hook, with a `register` that names it."""
    kind = hook_name.removeprefix("register_").removesuffix("s")

    def register(item: Any) -> None:
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name:
            info.errors.append(f"registered a {kind} without a name")
        elif name in registry:
            owner = result.owner[(kind, name)]
            info.errors.append(f"{kind} {name!r} is already registered by {owner}; skipped")
        else:
            registry[name] = item
            result.owner[(kind, name)] = info.name
            registered.append(name)

    for impl in getattr(manager.hook, hook_name).get_hookimpls():
        if impl.plugin is not module:
            continue
        try:
            impl.function(register=register)
        except BaseException as exc:  # even SystemExit: a plugin never ends the program
            if interrupts.is_real(exc):
                raise
            info.errors.append(f"{hook_name} failed: {_one_line(exc)}")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return (
        f"{type(exc).__name__}: {text}"
        if not isinstance(exc, SyntaxError)
        else (f"SyntaxError: {exc.msg} (line {exc.lineno})")
    )


def describe(plugins: Plugins) -> Iterable[str]:
    """Human-readable lines for `workbench plugins`."""
    for p in plugins.plugins:
        version = f" {p.version}" if p.version else ""
        yield f"{p.name}{version}  ({p.source})"
        if p.hooks:
            yield f"  hooks: {', '.join(p.hooks)}"
        if p.exporters:
            yield f"  exporters: {', '.join(p.exporters)}"
        if p.importers:
            yield f"  importers: {', '.join(p.importers)}"
        for e in p.errors:
            yield f"  error: {e}"
