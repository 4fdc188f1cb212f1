"""A realistic synthetic knowledge base and variant queries whose true entity is known.

Names are built the way South/West Asian conflict reporting spells them: Arabic/Persian/
Urdu given names and surnames (with transliteration variants), militant groups and
parties with acronyms ("Jaish al-…", "… Liberation Front"), towns and districts.
Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST = [
    "Muhammad",
    "Mohammad",
    "Ahmad",
    "Ahmed",
    "Ali",
    "Hassan",
    "Hossein",
    "Hussain",
    "Reza",
    "Abdul",
    "Abdolmalek",
    "Ismail",
    "Jalil",
    "Mumtaz",
    "Zahra",
    "Fatima",
    "Ayesha",
    "Imran",
    "Nawaz",
    "Shehbaz",
    "Asim",
    "Anwar",
    "Bilal",
    "Tariq",
    "Khalid",
    "Omar",
    "Umar",
    "Yusuf",
    "Yousef",
    "Ibrahim",
    "Mahmoud",
    "Mehmood",
    "Karim",
    "Rahim",
    "Rashid",
    "Saeed",
    "Said",
    "Sajid",
    "Shahid",
    "Zahid",
    "Javed",
    "Javad",
    "Mehdi",
    "Mahdi",
    "Hamid",
    "Majid",
    "Nasser",
    "Nasir",
    "Qasim",
    "Ghulam",
    "Habib",
    "Hafiz",
    "Iqbal",
    "Jamil",
    "Kamal",
    "Latif",
    "Mansoor",
    "Mansour",
    "Nadir",
    "Naveed",
    "Pervez",
    "Parviz",
    "Rafiq",
    "Salman",
    "Sami",
    "Shakeel",
    "Tahir",
    "Waqar",
    "Wasim",
    "Yasin",
    "Zubair",
    "Zafar",
    "Abbas",
    "Akbar",
    "Amir",
    "Arif",
    "Aslam",
    "Babar",
    "Daud",
    "Dawood",
    "Farhad",
    "Faisal",
    "Farooq",
    "Ghaffar",
    "Hamza",
    "Haroon",
    "Idris",
    "Irfan",
    "Jafar",
    "Jawad",
    "Kashif",
    "Luqman",
    "Masood",
    "Mujtaba",
    "Murtaza",
    "Nabil",
    "Noor",
    "Obaid",
    "Qadir",
    "Rauf",
    "Rizwan",
    "Sadiq",
    "Sarfraz",
    "Shoaib",
    "Sohail",
    "Taimur",
    "Usman",
    "Waheed",
    "Yahya",
    "Zainab",
    "Maryam",
    "Sakina",
    "Roya",
    "Leila",
    "Shirin",
    "Parisa",
    "Nasrin",
    "Mahrang",
    "Sammi",
    "Hani",
    "Gul",
    "Bibi",
]
SURNAMES = [
    "Baloch",
    "Rigi",
    "Khan",
    "Sharif",
    "Kakar",
    "Jilani",
    "Qureshi",
    "Hosseini",
    "Ahmadi",
    "Rezaei",
    "Mousavi",
    "Karimi",
    "Yazdani",
    "Bugti",
    "Marri",
    "Mengal",
    "Zehri",
    "Raisani",
    "Jamali",
    "Magsi",
    "Lashari",
    "Rind",
    "Dashti",
    "Shahbakhsh",
    "Narui",
    "Brahui",
    "Sarbazi",
    "Naroui",
    "Mirani",
    "Zarkani",
    "Gichki",
    "Buledi",
    "Nausherwani",
    "Domki",
    "Hasni",
    "Jadgal",
    "Kurd",
    "Lango",
    "Mazari",
    "Notezai",
    "Shahwani",
    "Sumalani",
    "Kambrani",
    "Pirkani",
    "Lehri",
    "Raeesani",
    "Mohammadi",
    "Sadeghi",
    "Jafari",
    "Rahimi",
    "Hashemi",
    "Moradi",
    "Ghasemi",
    "Hosseinzadeh",
    "Alavi",
    "Tehrani",
    "Esfahani",
    "Shirazi",
    "Tabrizi",
    "Kermani",
    "Zahedi",
    "Sistani",
    "Chabahari",
    "Iranshahri",
    "Saravani",
    "Khashi",
    "Panjguri",
    "Turbati",
    "Gwadari",
    "Qambrani",
]
SYLLABLES = [
    "ba",
    "lo",
    "ch",
    "sha",
    "bakh",
    "zad",
    "gan",
    "dar",
    "mir",
    "ab",
    "ani",
    "zai",
    "ka",
    "ra",
    "ni",
    "sa",
    "ma",
    "ta",
    "ha",
    "na",
    "la",
    "za",
    "ja",
    "pa",
    "qa",
    "ro",
    "ru",
    "ri",
    "re",
    "bi",
    "bu",
    "me",
    "mo",
    "mu",
    "ke",
    "ki",
    "ko",
    "ku",
    "ne",
    "no",
    "nu",
    "se",
    "si",
    "so",
    "su",
    "te",
    "ti",
    "to",
    "tu",
    "de",
    "di",
    "do",
    "du",
    "fa",
    "fi",
    "gu",
    "go",
    "ya",
    "yo",
    "kh",
    "gh",
    "sh",
    "zh",
    "dan",
    "man",
    "ran",
    "jan",
    "khan",
    "gul",
    "rah",
    "sar",
    "bor",
    "dur",
    "nar",
    "bar",
    "gar",
    "kot",
    "pur",
    "stan",
]
ARABIC = [
    "Adl",
    "Islam",
    "Mujahideen",
    "Haq",
    "Sunna",
    "Jihad",
    "Taiba",
    "Mohammed",
    "Furqan",
    "Khorasan",
    "Ansar",
    "Nusra",
    "Tawhid",
    "Jamaat",
    "Hizb",
    "Mahdi",
    "Quds",
    "Fath",
    "Nasr",
    "Izz",
    "Qassam",
    "Sharia",
    "Khilafa",
    "Ummah",
    "Iman",
    "Ahrar",
    "Tahrir",
    "Jundullah",
    "Fidayeen",
    "Shuhada",
    "Saqr",
    "Ghazi",
    "Mujahid",
    "Qital",
    "Hijra",
    "Salafi",
    "Dawa",
    "Rahma",
    "Sabr",
    "Taqwa",
    "Ikhwan",
    "Badr",
    "Uhud",
    "Khandaq",
    "Yarmouk",
    "Qadisiyya",
    "Hattin",
    "Zubair",
    "Faruq",
    "Siddiq",
    "Usman",
    "Haider",
    "Abbas",
    "Hamza",
]
GROUP_PATTERNS = (
    "Jaish al-{a}",
    "Lashkar-e-{a}",
    "Harakat ul-{a}",
    "Ansar al-{a}",
    "Tehreek-e-{a} {p}",
    "Jamaat ul-{a} {p}",
    "{p} Liberation {kind}",
    "{p} {adj} {party}",
    "{p} {force}",
    "Sipah-e-{a}",
)
KINDS = ["Army", "Front", "Movement", "Tigers", "Council", "Brigade"]
ADJS = [
    "National",
    "People's",
    "Democratic",
    "Republican",
    "Popular",
    "Islamic",
    "United",
    "Revolutionary",
]
PARTIES = ["Party", "Front", "Alliance", "Movement", "League", "Congress", "Union"]
FORCES = [
    "Provincial Police",
    "Levies Force",
    "Frontier Corps",
    "Border Guards",
    "Counter Terrorism Department",
    "Rangers",
]
PLACE_SUFFIXES = ["abad", "pur", "stan", "garh", "kot", "shahr", "dasht", "kan"]


@dataclass(frozen=True)
class SyntheticEntity:
    """An entity with its aliases; label is PERSON, ORG or GPE."""

    id: str
    name: str
    label: str
    aliases: tuple[str, ...]


def _syllable_name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(SURNAMES)
    return _syllable_name(rng, rng.choice((2, 3))) + rng.choice(("", "", "i", "zai", "ani", "ri"))


def _place(rng: random.Random) -> str:
    return _syllable_name(rng, rng.choice((1, 2))) + rng.choice(PLACE_SUFFIXES)


def spelling_variant(rng: random.Random, text: str) -> str:
    """A transliteration variant: o/u, e/i, ou, doubled letters, al-/ul-."""
    swaps = [
        ("o", "u"),
        ("u", "o"),
        ("e", "i"),
        ("i", "e"),
        ("u", "ou"),
        ("al-", "ul-"),
        ("ul-", "al-"),
        ("a", "aa"),
        ("ss", "s"),
        ("h", ""),
        ("y", "i"),
        ("-e-", " e "),
    ]
    rng.shuffle(swaps)
    for old, new in swaps:
        if old in text[1:]:
            i = text.index(old, 1)
            return text[:i] + new + text[i + len(old) :]
    return text


def typo(rng: random.Random, text: str) -> str:
    """One random edit inside a word of four letters or more."""
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 4]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    op = rng.choice(("insert", "delete", "replace", "swap"))
    letter = rng.choice("abcdefghijklmnoprstuvwyz")
    if op == "insert":
        w = w[:p] + letter + w[p:]
    elif op == "delete":
        w = w[:p] + w[p + 1 :]
    elif op == "replace":
        w = w[:p] + letter + w[p + 1 :]
    else:
        w = w[: p - 1] + w[p] + w[p - 1] + w[p + 1 :]
    words[i] = w
    return " ".join(words)


def acronym(name: str) -> str | None:
    words = [
        w for w in name.replace("-", " ").split() if w.lower() not in {"al", "ul", "e", "of", "the"}
    ]
    return "".join(w[0].upper() for w in words) if len(words) >= 2 else None


def _person(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    first = rng.choice(FIRST)
    middle = rng.choice(("", "", "", rng.choice(FIRST) + " ", "Shah ", "ul-Haq "))
    name = f"{first} {middle}{_surname(rng)}"
    aliases = [spelling_variant(rng, name)] if rng.random() < 0.6 else []
    return name, tuple(a for a in aliases if a != name)


def _group(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    pattern = rng.choice(GROUP_PATTERNS)
    name = pattern.format(
        a=rng.choice(ARABIC),
        p=_place(rng),
        kind=rng.choice(KINDS),
        adj=rng.choice(ADJS),
        party=rng.choice(PARTIES),
        force=rng.choice(FORCES),
    )
    aliases = []
    if rng.random() < 0.6:
        aliases.append(spelling_variant(rng, name))
    short = acronym(name)
    if short and rng.random() < 0.7:
        aliases.append(short)
    return name, tuple(dict.fromkeys(a for a in aliases if a != name))


def _gpe(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    name = _place(rng)
    aliases = [spelling_variant(rng, name)] if rng.random() < 0.5 else []
    return name, tuple(a for a in aliases if a != name)


def generate(alias_count: int, seed: int = 7) -> list[SyntheticEntity]:
    """Entities (about 45% people, 30% groups, 25% places) until `alias_count` aliases."""
    rng = random.Random(seed)
    entities: list[SyntheticEntity] = []
    names: set[str] = set()  # canonical names are unique, as in a curated KB
    total = 0
    while total < alias_count:
        roll = rng.random()
        if roll < 0.45:
            label, (name, aliases) = "PERSON", _person(rng)
        elif roll < 0.75:
            label, (name, aliases) = "ORG", _group(rng)
        else:
            label, (name, aliases) = "GPE", _gpe(rng)
        if name.lower() in names:
            continue
        names.add(name.lower())
        aliases = aliases[: max(0, alias_count - total - 1)]
        entities.append(SyntheticEntity(f"e{len(entities)}", name, label, aliases))
        total += 1 + len(aliases)
    return entities


def variant_query(rng: random.Random, entity: SyntheticEntity) -> tuple[str, str]:
    """A query for a known entity, as a different report might write it; (query, kind)."""
    base = rng.choice((entity.name, *entity.aliases)) if entity.aliases else entity.name
    if len(base) <= 5 and base.isupper():
        base = entity.name  # start from a name, not from an acronym alias
    kind = rng.choice(
        ("spelling", "typo", "spelling+typo", "join/split", "reorder", "partial", "acronym")
    )
    words = base.split()
    if kind == "spelling":
        query = spelling_variant(rng, base)
    elif kind == "typo":
        query = typo(rng, base)
    elif kind == "spelling+typo":
        query = typo(rng, spelling_variant(rng, base))
    elif kind == "join/split" and len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        query = " ".join(words[:i] + [words[i] + words[i + 1].lower()] + words[i + 2 :])
    elif kind == "reorder" and len(words) >= 2:
        query = (
            f"{words[-1]}, {' '.join(words[:-1])}"
            if entity.label == "PERSON"
            else " ".join(words[1:] + words[:1])
        )
    elif kind == "partial" and len(words) >= 3:
        query = " ".join(words[1:]) if entity.label == "PERSON" else " ".join(words[:-1])
    elif kind == "acronym" and entity.label == "ORG" and acronym(entity.name):
        query = acronym(entity.name)
    else:
        kind, query = "typo", typo(rng, base)
    return query, kind
