"""The incident timeline: one row per incident, earliest first, its reports as marks on a
time lane; below it the chosen incident's reports side by side, field by field, with the
values that conflict in red; enter opens the chosen report at its trigger."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from workbench.display import field_value, visible
from workbench.tui.host import workbench_app
from workbench.tui.messages import OpenAt
from workbench.tui.widgets.footer import KeysFooter
from workbench.tui.widgets.panels import TextView
from workbench.tui.widgets.row_list import RowList

LANE_MIN, LANE_MAX = 12, 80  # characters of the time lane: what the screen leaves
ROW_TEXT = 75  # characters of a row beside the lane (date, kind, counts, grades)
REPORT_COLUMN_MIN, REPORT_COLUMN_MAX = 18, 40  # characters of one report's column
FIELD_COLUMN = 16
RESOLVED_COLUMN = 22  # "→ " and the resolved value


def day_of(value: str | None) -> date | None:
    """The first day a stored event date ("2024", "2024-01", "2024-01-16") allows."""
    if not value:
        return None
    parts = value.split("/")[0].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def report_value(report: dict[str, Any], field: str) -> Any:
    """What one report says for an incident field."""
    if field == "date":
        return report["date"]
    if field.startswith("actors."):
        return report["actors"].get(field.removeprefix("actors."), [])
    return report.get(field)


class IncidentScreen(Screen[OpenAt | None]):
    """Every incident on a timeline; the chosen one's reports field by field."""

    BINDINGS = [
        Binding("escape", "close", "close", id="incidents.close"),
        Binding("down", "move(1)", show=False, priority=True, id="incidents.down"),
        Binding("up", "move(-1)", show=False, priority=True, id="incidents.up"),
        Binding("pagedown", "page(1)", show=False, priority=True, id="incidents.page_down"),
        Binding("pageup", "page(-1)", show=False, priority=True, id="incidents.page_up"),
        Binding("tab", "report(1)", "next report", priority=True, id="incidents.next_report"),
        Binding(
            "shift+tab", "report(-1)", "previous report", priority=True, id="incidents.previous"
        ),
    ]
    DEFAULT_CSS = """
    IncidentScreen #incidents-title { height: 1; background: $panel; padding: 0 1; }
    IncidentScreen #incidents-filter { height: 1; border: none; padding: 0 1; }
    IncidentScreen #incidents { height: 1fr; }
    IncidentScreen #incident-detail { height: 12; border-top: solid $panel; padding: 0 1; }
    """

    def __init__(self, incidents: list[dict[str, Any]]) -> None:
        super().__init__()
        self.incidents = incidents
        self.shown: list[int] = list(range(len(incidents)))  # indexes the filter keeps
        self.report = 0  # the chosen report of the chosen incident
        self.lane = LANE_MIN
        days = [day_of(r["date"]) for i in incidents for r in i["reports"]]
        known = [d for d in days if d is not None]
        self.first_day = min(known) if known else None
        self.span_days = max(1, (max(known) - min(known)).days) if known else 1
        self._texts = [self._search_text(i) for i in incidents]

    def compose(self) -> ComposeResult:
        yield TextView(id="incidents-title")
        field = Input(placeholder="type to filter (a date, a type, a place, a source)")
        field.id = "incidents-filter"
        field.cursor_blink = not workbench_app(self.app).steady
        yield field
        yield RowList(id="incidents")
        yield TextView(id="incident-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refill("")
        self.query_one(Input).focus()

    @property
    def rows(self) -> RowList:
        return self.query_one("#incidents", RowList)

    # -- the timeline ------------------------------------------------------------------------

    def _search_text(self, incident: dict[str, Any]) -> str:
        parts = [incident["type"], incident["subtype"] or "", *incident["conflicts"]]
        for report in incident["reports"]:
            parts += [report["date"] or "", report["title"], report["source"] or ""]
            parts += report["places"]
            parts += [name for names in report["actors"].values() for name in names]
        return " ".join(parts).casefold()

    def on_resize(self) -> None:
        self.refill(self.query_one(Input).value)

    def refill(self, query: str) -> None:
        self.lane = max(LANE_MIN, min(LANE_MAX, self.size.width - ROW_TEXT))
        wanted = query.strip().casefold()
        self.shown = [i for i, text in enumerate(self._texts) if wanted in text]
        self.report = 0
        self.rows.set_rows([self._row(self.incidents[i]) for i in self.shown])
        conflicted = sum(bool(self.incidents[i]["conflicts"]) for i in self.shown)
        title = Text(f"Incidents, earliest first: {len(self.shown)}", style="bold")
        if len(self.shown) != len(self.incidents):
            title.append(f" of {len(self.incidents)}")
        title.append(f" · {conflicted} with conflicting reports", style="red" if conflicted else "")
        title.append(
            " · ↑↓ incident · tab report · enter open it at its trigger · esc close", style="dim"
        )
        self.query_one("#incidents-title", TextView).update(title)
        self._show_detail()

    def _lane(self, incident: dict[str, Any]) -> Text:
        """The incident's reports as marks at their dates on a lane over the whole span."""
        cells = [" "] * self.lane
        for report in incident["reports"]:
            day = day_of(report["date"])
            if day is None or self.first_day is None:
                continue
            at = round((day - self.first_day).days / self.span_days * (self.lane - 1))
            cells[at] = "●" if cells[at] == " " else "◉"
        lane = Text("│", style="dim")
        lane.append("".join(cells), style="red" if "date" in incident["conflicts"] else "magenta")
        lane.append("│", style="dim")
        return lane

    def _row(self, incident: dict[str, Any]) -> Text:
        when = incident["fields"]["date"]["resolved"] or "date ?"
        kind = incident["subtype"] or incident["type"]
        row = Text(f"{visible(when)[:21]:<11} ", style="bold")
        row.append(f"{visible(kind)[:24]:<24} ")
        row.append_text(self._lane(incident))
        row.append(f" {len(incident['reports'])} rep. ", style="dim")
        row.append(" ".join(incident["source_grades"]), style="cyan")
        if incident["conflicts"]:
            row.append(f"  conflict: {visible(', '.join(incident['conflicts']))}", style="red")
        return row

    # -- the chosen incident, its reports side by side -----------------------------------------

    def chosen(self) -> dict[str, Any] | None:
        if not self.shown:
            return None
        return self.incidents[self.shown[min(self.rows.cursor, len(self.shown) - 1)]]

    def _show_detail(self) -> None:
        incident = self.chosen()
        lines: list[Text] = []
        if incident is None:
            lines.append(Text("no incident matches", style="dim"))
        else:
            lines = self._side_by_side(incident)
        width = max(1, self.size.width - 2)
        for line in lines:  # one screen line each: cut, never wrapped
            line.truncate(width, overflow="ellipsis")
        self.query_one("#incident-detail", TextView).update(Text("\n").join(lines))

    def _side_by_side(self, incident: dict[str, Any]) -> list[Text]:
        """A header of the reports that fit (the chosen one among them), then a line per
        field: each report's value (red where they conflict) and the resolved value."""
        reports = incident["reports"]
        room = self.size.width - FIELD_COLUMN - RESOLVED_COLUMN - 2
        column = max(REPORT_COLUMN_MIN, min(REPORT_COLUMN_MAX, room // len(reports)))
        fits = max(1, room // column)
        first = max(0, min(self.report - fits + 1, len(reports) - fits))
        shown = range(first, min(len(reports), first + fits))
        header = Text(f"{'':<{FIELD_COLUMN}}{'resolved':<{RESOLVED_COLUMN}}", style="bold")
        for i in shown:
            report = reports[i]
            head = f"[{report['document']}] {report['grade']} {report['title']}"
            style = "bold reverse" if i == self.report else "bold"
            header.append(f"{visible(head)[: column - 2]:<{column - 1}}", style=style)
            header.append(" ")
        if len(shown) < len(reports):
            header.append(f"(report {self.report + 1} of {len(reports)})", style="dim")
        lines = [header]
        for name, field in incident["fields"].items():
            line = Text(f"{visible(name)[: FIELD_COLUMN - 1]:<{FIELD_COLUMN}}", style="dim")
            resolved = "→ " + visible(field_value(field["resolved"]))
            line.append(
                f"{resolved[: RESOLVED_COLUMN - 2]:<{RESOLVED_COLUMN}}",
                style="red" if field["conflict"] else "green",
            )
            for i in shown:
                value = visible(field_value(report_value(reports[i], name)))
                style = "bold red" if field["conflict"] else ""
                line.append(f"{value[: column - 2]:<{column - 1}} ", style=style)
            lines.append(line)
        sources = Text(f"{incident['independent_sources']} independent source(s)", style="dim")
        for a, b in incident["near_duplicates"]:
            sources.append(f" · documents {a} and {b} are near-duplicates", style="dim")
        lines.append(sources)
        return lines

    # -- keys ----------------------------------------------------------------------------------

    @on(Input.Changed, "#incidents-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(RowList.Highlighted, "#incidents")
    def _highlighted(self) -> None:
        self.report = 0
        self._show_detail()

    def action_move(self, step: int) -> None:
        self.rows.action_move(step)

    def action_page(self, direction: int) -> None:
        self.rows.action_page(direction)

    def action_report(self, step: int) -> None:
        incident = self.chosen()
        if incident is not None:
            self.report = (self.report + step) % len(incident["reports"])
            self._show_detail()

    @on(Input.Submitted, "#incidents-filter")
    def _open(self) -> None:
        incident = self.chosen()
        if incident is None:
            return
        report = incident["reports"][min(self.report, len(incident["reports"]) - 1)]
        start, end = report["trigger_start"], report["trigger_end"]
        length = (end - start) if start is not None and end is not None else 0
        self.dismiss(OpenAt(report["document"], start or 0, length))

    def action_close(self) -> None:
        self.dismiss(None)
