"""Event-trigger words and the taxonomy type each suggests (ACLED types plus the
Diplomatic/Statement types of #5). Inflections are listed, so no lemmatiser (and no
downloaded model) is needed. A word whose type is not in the project's taxonomy is
not suggested."""

from __future__ import annotations

from workbench.events.taxonomy import Taxonomy

# (type, sub-type) -> trigger words, with their inflections
TRIGGERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Explosions/Remote violence", "Air/drone strike"): (
        "strike",
        "strikes",
        "struck",
        "striking",
        "airstrike",
        "airstrikes",
        "air strike",
        "air strikes",
        "drone strike",
        "drone strikes",
        "bombarded",
        "bombardment",
    ),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): (
        "shelling",
        "shelled",
        "shells",
        "fired",
        "fires",
        "firing",
        "missile attack",
        "rocket attack",
    ),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): (
        "bomb",
        "bombs",
        "bombing",
        "bombings",
        "bombed",
        "explosion",
        "explosions",
        "blast",
        "blasts",
        "IED",
    ),
    ("Explosions/Remote violence", "Suicide bomb"): (
        "suicide bombing",
        "suicide bomber",
        "suicide attack",
    ),
    ("Battles", "Armed clash"): (
        "attack",
        "attacks",
        "attacked",
        "attacking",
        "clash",
        "clashes",
        "clashed",
        "killed",
        "kill",
        "kills",
        "killing",
        "killings",
        "gunfight",
        "ambush",
        "ambushed",
        "raid",
        "raided",
    ),
    ("Violence against civilians", "Abduction/forced disappearance"): (
        "abducted",
        "abduction",
        "kidnapped",
        "kidnapping",
        "disappeared",
    ),
    ("Strategic developments", "Arrests"): (
        "arrested",
        "arrest",
        "arrests",
        "detained",
        "detention",
    ),
    ("Protests", "Peaceful protest"): (
        "protest",
        "protests",
        "protested",
        "protesters",
        "demonstration",
    ),
    ("Diplomatic/Statement", "Recall of ambassador"): (
        "recalled",
        "recall",
        "recalls",
        "recalling",
        "expelled",
    ),
    ("Diplomatic/Statement", "Call for restraint"): (
        "urged",
        "urge",
        "urges",
        "urging",
        "called for restraint",
    ),
    ("Diplomatic/Statement", "Accusation/Condemnation"): (
        "condemned",
        "condemn",
        "condemns",
        "condemnation",
        "accused",
        "accuses",
        "denounced",
    ),
    ("Diplomatic/Statement", "Claim of responsibility"): ("claimed responsibility", "claimed"),
    ("Diplomatic/Statement", "Meeting/Agreement"): (
        "visited",
        "visit",
        "met",
        "talks",
        "agreed",
        "agreement",
    ),
}
SCORE = 60.0


def trigger_phrases(taxonomy: Taxonomy) -> dict[str, tuple[str, str | None]]:
    """Trigger phrase (lower case) -> (type, sub-type), for the types the taxonomy has."""
    out: dict[str, tuple[str, str | None]] = {}
    for (event_type, subtype), words in TRIGGERS.items():
        if event_type not in taxonomy:
            continue
        chosen = subtype if subtype in taxonomy[event_type] else None
        for word in words:
            out.setdefault(word.casefold(), (event_type, chosen))
    return out
