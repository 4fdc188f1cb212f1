"""The export screen: choose an exporter, the scope and a path; the export runs in a
worker thread (on its own connection) with a progress bar, and ends in a notification."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, ProgressBar, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from workbench import config
from workbench.display import visible
from workbench.errors import WorkbenchError
from workbench.plugins import Plugins
from workbench.tui.host import workbench_app
from workbench.workspace import Workspace

SCOPES = (("open", "both open documents"), ("focused", "this document"), ("all", "all documents"))


def _marked(label: str, chosen: bool) -> str:
    return f"{'(•)' if chosen else '( )'} {label}"


class ExportScreen(ModalScreen[None]):
    """Export annotations with any registered exporter (built-in or plugin)."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="export.cancel"),
        Binding("ctrl+s", "export", "export", id="export.run"),
    ]
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > VerticalScroll { width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    ExportScreen .export-title { text-style: bold; }
    ExportScreen .export-help { color: $text-muted; }
    ExportScreen OptionList { height: auto; max-height: 6; }
    ExportScreen RadioSet { width: 100%; }
    ExportScreen ProgressBar { display: none; }
    ExportScreen.running ProgressBar { display: block; }
    """

    def __init__(
        self, plugins: Plugins, workspace: Workspace, open_ids: list[int], focused_id: int | None
    ) -> None:
        super().__init__()
        self.plugins = plugins
        self.workspace = workspace
        self.open_ids = open_ids
        self.focused_id = focused_id
        self.path_edited = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Export"), classes="export-title")
            yield OptionList(
                *(
                    Option(
                        Text(
                            visible(f"{name:10} {e.description}"), no_wrap=True, overflow="ellipsis"
                        ),
                        id=name,
                    )
                    for name, e in sorted(self.plugins.exporters.items())
                ),
                id="exporters",
            )
            with RadioSet(id="scope"):
                for key, label in SCOPES:
                    yield RadioButton(
                        _marked(label, key == "open"), value=key == "open", id=f"scope-{key}"
                    )
            yield Checkbox(_marked("include suggestions", False), id="suggestions")
            path = Input(placeholder="output file or folder", id="path")
            path.cursor_blink = not workbench_app(self.app).steady
            yield path
            yield ProgressBar(id="progress", show_eta=False)
            yield Static(
                Text(
                    "↑↓ exporter · tab next field · enter in the path (or ctrl+s) export · esc cancel"
                ),
                classes="export-help",
            )

    @on(RadioSet.Changed, "#scope")
    def _scope_changed(self, event: RadioSet.Changed) -> None:
        # the chosen scope reads "(•)", the others "( )": seen without colour too
        for button, (_, label) in zip(event.radio_set.query(RadioButton), SCOPES, strict=True):
            button.label = _marked(label, button is event.pressed)

    @on(Checkbox.Changed, "#suggestions")
    def _suggestions_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _marked("include suggestions", event.value)

    def on_mount(self) -> None:
        exporters = self.query_one("#exporters", OptionList)
        exporters.highlighted = 0
        self._suggest_path()
        exporters.focus()

    def _exporter_name(self) -> str | None:
        options = self.query_one("#exporters", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _suggest_path(self) -> None:
        name = self._exporter_name()
        if name is None or self.path_edited:
            return
        exporter = self.plugins.exporters[name]
        field = self.query_one("#path", Input)
        with field.prevent(Input.Changed):
            field.value = str(config.export_dir() / f"workbench-export-{name}{exporter.extension}")

    def on_option_list_option_highlighted(self, _: OptionList.OptionHighlighted) -> None:
        self._suggest_path()

    def on_option_list_option_selected(self, _: OptionList.OptionSelected) -> None:
        self.query_one("#scope", RadioSet).focus()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.path_edited = True

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.action_export()

    def action_cancel(self) -> None:
        if not self.has_class("running"):
            self.dismiss(None)

    def _doc_ids(self) -> list[int] | None:
        pressed = self.query_one("#scope", RadioSet).pressed_button
        scope = pressed.id.removeprefix("scope-") if pressed and pressed.id else "open"
        if scope == "all":
            return None
        if scope == "focused":
            return [self.focused_id] if self.focused_id is not None else []
        return self.open_ids

    def action_export(self) -> None:
        name = self._exporter_name()
        path = self.query_one("#path", Input).value.strip()
        if self.has_class("running") or name is None:
            return
        if not path:
            self.notify("give a path to write to", severity="error")
            return
        doc_ids = self._doc_ids()
        if doc_ids == []:
            self.notify("no document is open", severity="error")
            return
        output = Path(path).expanduser()
        if output.parent == config.export_dir():
            output.parent.mkdir(parents=True, exist_ok=True)  # Workbench's own folder
        self.add_class("running")
        suggestions = self.query_one("#suggestions", Checkbox).value
        self.run_export(name, output, doc_ids, suggestions)

    @work(thread=True, exclusive=True)
    def run_export(
        self, name: str, output: Path, doc_ids: list[int] | None, suggestions: bool
    ) -> None:
        bar = self.query_one("#progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            # A connection of its own: the UI thread keeps writing on the app's.
            with self.workspace.reader() as reader:
                done = reader.corpus.export(name, output, doc_ids, suggestions, progress=progress)
            message = done.summary(str(output))
            self.app.call_from_thread(self._finished, message, done.warnings, None)
        except WorkbenchError as exc:
            self.app.call_from_thread(self._finished, "", [], str(exc))
        except BaseException as exc:  # a plugin's SystemExit or KeyboardInterrupt: report it
            text = f"export with {name!r} failed: {type(exc).__name__}: {exc}"
            self.app.call_from_thread(self._finished, "", [], text)

    def _finished(self, message: str, warnings: list[str], error: str | None) -> None:
        self.remove_class("running")
        if error:
            self.notify(error, title="export failed", severity="error", timeout=10)
            return
        for warning in warnings:
            self.notify(warning, severity="warning", timeout=8)
        self.notify(message, title="export done", timeout=8)
        self.dismiss(None)
