"""A team's commands: the project's mode and agreement between annotators."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench.adjudication import label_of, side_record
from workbench.agreement import EventMark
from workbench.cli import app, emit_json, say, workspace
from workbench.display import plural
from workbench.errors import WorkbenchError


@app.command()
def project(
    ctx: typer.Context,
    mode: Annotated[
        str | None,
        typer.Option(help="shared: one layer everyone edits; independent: a layer each."),
    ] = None,
    shared_into: Annotated[
        str | None,
        typer.Option(
            help="Make the shared layer's work this layer (curated, or an annotator's): "
            "one undoable change.",
        ),
    ] = None,
    see_others: Annotated[
        bool | None,
        typer.Option(
            "--see-others/--blind",
            help="Let annotators compare layers of documents they have not finished "
            "(default: blind).",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show or set how annotators share work: one shared layer, or independent layers."""
    ws = workspace(ctx)
    team, adjudication = ws.team, ws.adjudication
    if shared_into is not None:
        mentions, events = team.move_shared_layer(shared_into)
        say(
            f"moved {plural(mentions, 'mention')} and {plural(events, 'event')} of the shared "
            f"layer into {shared_into!r}",
            err=json_out,
        )
    if mode is not None:
        team.set_mode(mode)
    if see_others is not None:
        adjudication.set_see_others(see_others)
    layer = team.layer()
    if json_out:
        emit_json({"mode": team.mode(), "layer": layer, "see_others": adjudication.see_others()})
        return
    where = f"your layer is {layer!r}" if layer else "everyone edits the shared layer"
    blind = "others' layers visible" if adjudication.see_others() else "blind"
    say(f"mode: {team.mode()} ({where}; {blind})")


@app.command()
def adjudicate(
    ctx: typer.Context,
    doc: Annotated[int, typer.Argument(help="The document.")],
    annotators: Annotated[
        str | None,
        typer.Option(help="The two layers: A,B (default: the document's two annotators)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List where two layers of a document disagree and which are settled in the curated
    layer (settle them in the TUI: J on the document)."""
    adjudication = workspace(ctx).adjudication
    if annotators:
        names = [a.strip() for a in annotators.split(",") if a.strip()]
        if len(names) != 2:
            raise WorkbenchError(f"name two layers, --annotators A,B, not {annotators!r}")
        first, second = names
    else:
        first, second = adjudication.default_pair(doc)
    comparison = adjudication.compare(doc, first, second)
    text = comparison.document.text

    pairs = list(zip(comparison.items, comparison.settled, strict=True))
    if json_out:
        rows = [
            {
                "kinds": list(item.kinds),
                "settled": done,
                "first": side_record(item.first, text),
                "second": side_record(item.second, text),
            }
            for item, done in pairs
        ]
        emit_json({"doc_id": doc, "first": first, "second": second, "disagreements": rows})
        return
    say(
        f"document {doc}: {first} / {second}: {plural(len(pairs), 'disagreement')}, "
        f"{comparison.open_count} open"
    )
    for item, done in pairs:
        sides = [
            f"{name}: "
            + ("—" if span is None else f"{text[span.start : span.end]!r} {label_of(span)}")
            + (
                f" (incident of {len(span.partners) + 1})"
                if isinstance(span, EventMark) and span.partners
                else ""
            )
            for name, span in ((first, item.first), (second, item.second))
        ]
        mark = "settled" if done else "open   "
        say(f"  {mark}  {', '.join(item.kinds):<22} {'   '.join(sides)}")


@app.command()
def assign(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The annotators: A,B,...")],
    doc: Annotated[list[int] | None, typer.Option(help="A document (repeatable).")] = None,
    all_docs: Annotated[bool, typer.Option("--all", help="Every document.")] = False,
    k: Annotated[
        int | None, typer.Option(min=1, help="Annotators per document, in turn (round robin).")
    ] = None,
) -> None:
    """Assign documents to annotators (in `workbench docs`, each shows todo, started or
    done; ctrl+d in the TUI marks yours done and opens your next)."""
    ws = workspace(ctx)
    if bool(doc) == all_docs:
        raise typer.BadParameter("give --doc ID (repeatable) or --all, not both")
    doc_ids = [d.id for d in ws.corpus.summaries()] if all_docs else list(doc or [])
    names = [a.strip() for a in to.split(",") if a.strip()]
    added = ws.team.assign(doc_ids, names, k)
    say(f"{plural(added, 'assignment')} added")


@app.command()
def done(
    ctx: typer.Context,
    doc: Annotated[int, typer.Argument(help="The document you have finished.")],
) -> None:
    """Mark an assigned document done for you, and say which is next (the last of its
    annotators to finish puts what they all agree on into the curated layer)."""
    say(workspace(ctx).team.mark_done(doc).summary())


@app.command()
def curate(
    ctx: typer.Context,
    doc: Annotated[list[int] | None, typer.Option(help="Only this document (repeatable).")] = None,
) -> None:
    """Copy what all annotators of a document agree on into the curated layer (one undoable
    change); spans the curated layer already covers are left as they are."""
    added = workspace(ctx).curation.curate(doc or None)
    say(
        f"{plural(added.mentions, 'unanimous mention')} and "
        f"{plural(added.events, 'unanimous event')} added to the curated layer"
    )


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@app.command("agreement")
def agreement_command(
    ctx: typer.Context,
    doc: Annotated[list[int] | None, typer.Option(help="Only this document (repeatable).")] = None,
    annotators: Annotated[
        str | None, typer.Option(help="Compare these layers: A,B,... (`shared`: the shared one).")
    ] = None,
    label: Annotated[list[str] | None, typer.Option(help="Only this label (repeatable).")] = None,
    ci: Annotated[
        bool,
        typer.Option("--ci", help="95 % bootstrap intervals over documents (200 rounds)."),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Inter-annotator agreement between layers: span F1 (exact, overlap), label and token
    κ, link agreement, per label, and Krippendorff's α over all annotators."""
    names = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    report: dict[str, Any] = workspace(ctx).team.agreement(
        doc or None, names, label or None, bootstrap_rounds=200 if ci else 0
    )
    if json_out:
        emit_json(report)
        return
    say(f"annotators: {', '.join(report['annotators']) or 'none'}")
    say("pair                 docs  exact F1  overlap F1  labelled F1  label κ  token κ  links")
    for pair in report["pairs"]:
        say(
            f"{' / '.join(pair['annotators']):<20} {pair['documents']:>4}  "
            f"{_figure(pair['spans']['exact']['f1']):>8}  "
            f"{_figure(pair['spans']['overlap']['f1']):>10}  "
            f"{_figure(pair['labelled']['f1']):>11}  "
            f"{_figure(pair['labels']['kappa']):>7}  "
            f"{_figure(pair['tokens']['kappa']):>7}  "
            f"{_figure(pair['links']['agreement']):>5}"
        )
        if "events" in pair:
            found = pair["events"]
            say(
                f"  events: triggers F1 {_figure(found['triggers']['f1'])}, "
                f"same type {_figure(found['types']['agreement'])}, "
                f"roles F1 {_figure(found['roles']['f1'])}, "
                f"incidents B³ F1 {_figure(found['clusters']['b_cubed_f1'])}"
            )
        for name, figures in pair["per_label"].items():
            say(
                f"  {name:<18} F1 {_figure(figures['f1'])}  "
                f"(both {figures['matched']}, only first {figures['a_only']}, "
                f"only second {figures['b_only']})"
            )
    say(f"Krippendorff's α (tokens, nominal): {_figure(report['alpha_tokens'])}")
    for name, (low, high) in report.get("intervals", {}).items():
        say(f"95 % interval, {name}: {low:.3f}–{high:.3f}")
    for note in report["notes"]:
        say(f"note: {note}")
