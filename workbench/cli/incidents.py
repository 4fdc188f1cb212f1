"""`workbench incidents`: which reports are one incident, and what each report claims."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench.cli import app, emit_json, say, workspace
from workbench.display import field_value, plural

incidents_app = typer.Typer(
    help="Incidents across sources: list them with conflicts, or suggest which reports join."
)
app.add_typer(incidents_app, name="incidents")


@incidents_app.callback(invoke_without_command=True)
def incidents(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List incidents: each report's values per field, conflicts, and resolved values."""
    if ctx.invoked_subcommand is not None:
        return
    listing = workspace(ctx).incidents.listing()
    if json_out:
        emit_json(listing)
        return
    for incident in listing:
        _say_incident(incident)


def _say_incident(incident: dict[str, Any]) -> None:
    kind = (
        f"{incident['type']} / {incident['subtype']}" if incident["subtype"] else incident["type"]
    )
    number = f"incident {incident['incident']}" if incident["incident"] else "a single report"
    say(
        f"{number}: {kind}, {plural(len(incident['reports']), 'report')} from "
        f"{plural(incident['independent_sources'], 'independent source')} "
        f"(grades {', '.join(incident['source_grades'])})"
    )
    for first, second in incident["near_duplicates"]:
        say(f"  documents {first} and {second} are near-duplicates: counted once")
    for name, field in incident["fields"].items():
        values = "; ".join(field_value(v) for v in field["values"]) or "—"
        mark = "CONFLICT " if field["conflict"] else ""
        resolved = field_value(field["resolved"])
        say(f"  {name:<16} {mark}{values}  → {resolved} ({field['rule']})")
    for report in incident["reports"]:
        actors = ", ".join(
            f"{role}: {', '.join(names)}" for role, names in report["actors"].items()
        )
        say(f"    [{report['document']}] {report['grade']} {report['title'][:60]}  {actors}")


@incidents_app.command("suggest")
def suggest(
    ctx: typer.Context,
    apply: Annotated[
        bool, typer.Option("--apply", help="Join the suggested incidents (one undoable change).")
    ] = False,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest score that joins two reports.")
    ] = 0.6,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """For each event not in an incident, the reports it may be one incident with, scored
    from type, dates, places, actors, fatalities and publication, with the evidence."""
    found = workspace(ctx).incidents
    suggestions = found.suggest(threshold)
    joined = found.apply(threshold) if apply else None
    if json_out:
        emit_json({"suggestions": suggestions, "joined": joined})
        return
    for item in suggestions:
        best = item["candidates"][:3]
        if not best:
            say(f"event {item['event_id']} (document {item['document']}): no other report")
            continue
        for candidate in best:
            say(
                f"event {item['event_id']} ~ event {candidate['event_id']} "
                f"(document {candidate['document']}): {candidate['score']:.2f}  "
                + "; ".join(candidate["evidence"])
            )
    if joined is not None:
        say(f"{plural(joined, 'incident')} joined (undo takes them back)")


source_app = typer.Typer(help="Document sources and their reliability grades (A-F).")
app.add_typer(source_app, name="source")


@source_app.command("list")
def source_list(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The sources the documents name, with document counts and grades."""
    sources = workspace(ctx).incidents.sources()
    if json_out:
        emit_json(sources)
        return
    for item in sources:
        say(f"{item['reliability'] or '-'}  {item['documents']:>5}  {item['source']}")


@source_app.command("grade")
def source_grade(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source, as `workbench source list` shows it.")],
    reliability: Annotated[
        str, typer.Argument(help="A (completely reliable) ... E (unreliable), F (cannot judge).")
    ],
) -> None:
    """Grade a source's reliability (the Admiralty code's letter); shown with each claim's
    credibility digit (from its certainty) as "B2"."""
    letter = workspace(ctx).incidents.grade_source(name, reliability)
    say(f"source {name!r} graded {letter}")
