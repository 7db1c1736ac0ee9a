"""Region and municipality names as people type them: "Oulussa", "Turun", "Uudellamaalla".

Finnish inflects place names with case endings and changes their stems (Turku → Turussa,
Lahti → Lahdessa, Helsinki → Helsingissä). Instead of a dictionary of forms, a small rule set
turns the text into candidate base forms, and those are compared with the names the database
holds: a candidate that is no place's name does no harm.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse

from keko.search import MAX_TERMS

from .models import Municipality, Region

VOWELS = "aeiouyäöå"
# Case endings, Finnish: inessive, elative, adessive, ablative, allative, illative, translative,
# essive, genitive (also the plural genitive -ten of Kauniainen → Kauniaisten).
CASE_ENDINGS = (
    "seen",
    "ssa",
    "ssä",
    "sta",
    "stä",
    "lla",
    "llä",
    "lta",
    "ltä",
    "lle",
    "hin",
    "ksi",
    "ten",
    "na",
    "nä",
    "n",
)
# The consonants of a stem's last syllable in the weak grade, and their strong grade
# (Helsingissä → Helsinki, Lappeenrannassa → Lappeenranta, Lahdessa → Lahti).
STRONG_GRADE = {
    "ng": "nk",
    "mm": "mp",
    "nn": "nt",
    "ll": "lt",
    "rr": "rt",
    "d": "t",
    "v": "p",
    "p": "pp",
    "t": "tt",
    "k": "kk",
}
LAST_SYLLABLE = re.compile(rf"^(.*[{VOWELS}])([^{VOWELS}]+)([{VOWELS}])$")
# Words of the text: hyphenated names ("Pohjois-Pohjanmaalla") and "S:t Michel" stay whole.
WORD = re.compile(r"\w+(?:[-:]\w+)*")
SHORTEST_STEM = 2
# As many words as a search reads.
MAX_WORDS = MAX_TERMS
# How many words a name has at most ("Koski Tl", "Egentliga Finland").
LONGEST_NAME_WORDS = 2
# How many rule steps one form may take (Seinäjoella → seinäjoe → seinäjoke → seinäjoki).
RULE_STEPS = 3


@dataclass(frozen=True)
class Place:
    """A region or a municipality as a search shows it: its names and its page."""

    REGION = "region"
    MUNICIPALITY = "municipality"

    kind: str
    slug: str
    name: str  # Finnish
    other_names: tuple = ()  # Swedish
    region: str = ""  # a municipality's region, by name

    @classmethod
    def of(cls, area):
        """Return the Place of a Region or a Municipality (with its region fetched)."""
        if isinstance(area, Region):
            return cls(cls.REGION, area.slug, area.name_fi, (area.name_sv,))
        return cls(cls.MUNICIPALITY, area.slug, area.name_fi, (area.name_sv,), area.region.name_fi)

    @property
    def is_region(self):
        return self.kind == self.REGION

    @property
    def names(self):
        """Return the place's names, lower-case: Finnish first."""
        return [name.lower() for name in (self.name, *self.other_names) if name]

    @property
    def url(self):
        """Return the address of the place's page (its region's or municipality's page)."""
        view = "directory:region" if self.is_region else "directory:municipality"
        return reverse(view, kwargs={"slug": self.slug})


def all_places():
    """Return every region and municipality as a Place (two queries): regions first."""
    regions = [Place.of(region) for region in Region.objects.all()]
    municipalities = [
        Place.of(municipality) for municipality in Municipality.objects.select_related("region")
    ]
    return regions + municipalities


def phrases(text):
    """Return the runs of words of `text` (lower-case) that may be names, longest first: each
    as (its first word's index, its last word's index + 1, the words)."""
    words = WORD.findall(text.lower())[:MAX_WORDS]
    return [
        (start, start + length, " ".join(words[start : start + length]))
        for length in range(LONGEST_NAME_WORDS, 0, -1)
        for start in range(len(words) - length + 1)
    ]


def stems(word):
    """Return `word` and what is left of it without each case ending it may have."""
    found = {word}
    for ending in CASE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            found.add(word[: -len(ending)])
    # Illative: the last vowel doubled and -n (Ouluun, Helsinkiin, Lahteen).
    if len(word) > 3 and word[-1] == "n" and word[-2] == word[-3] and word[-2] in VOWELS:
        found.add(word[:-2])
    return found


def _rule_steps(stem):
    """Return the forms one rule turns `stem` into: a strong grade, a changed last vowel."""
    found = set()
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] in VOWELS:
        found.add(stem[:-1])  # Tampereella → tamperee → tampere
    if stem.endswith("e"):
        found.add(stem[:-1] + "i")  # Rovaniemellä → rovanieme → rovaniemi
    if stem.endswith("ude"):
        found.add(stem[:-3] + "us")  # Varkaudessa → varkaude → varkaus
    if stem.endswith("de"):
        found.add(stem[:-2] + "si")  # Orivedellä → orivede → orivesi; Uudellamaalla
    for plural in ("is", "ise", "isi"):
        if stem.endswith(plural):
            found.add(stem[: -len(plural)] + "inen")  # Kauniaisissa → kauniainen
    if stem and stem[-1] in VOWELS:
        found.add(stem[:-1] + "k" + stem[-1])  # Turussa → turu → turku
    match = LAST_SYLLABLE.match(stem)
    if match:
        head, consonants, vowel = match.groups()
        for weak, strong in STRONG_GRADE.items():
            if consonants.endswith(weak):
                found.add(head + consonants[: -len(weak)] + strong + vowel)
    return found


def base_forms(word):
    """Return the forms `word` may be an inflection of, itself included (lower-case).

    A compound whose first part inflects too ("Uudellamaalla", "Uudessakaupungissa") is
    also read as its first part's base form followed by the rest.
    """
    forms = set()
    for stem in stems(word):
        forms.add(stem)
        # A case ending inside the stem: the first part of a compound inflected as well.
        for cut in range(SHORTEST_STEM + 1, len(stem) - 2):
            for first in stems(stem[:cut]) - {stem[:cut]}:
                forms.update(form + stem[cut:] for form in _with_rules(first, steps=1))
    return _with_rules(forms, steps=RULE_STEPS)


def _with_rules(forms, *, steps):
    """Return `forms` and what up to `steps` rules in a row turn them into."""
    forms = {forms} if isinstance(forms, str) else set(forms)
    new = set(forms)
    for _ in range(steps):
        new = {form for stem in new for form in _rule_steps(stem)} - forms
        forms |= new
    return forms


def places_named(text, places):
    """Return the `places` the text names, in any word or run of words, in Finnish or
    Swedish, in its base form or inflected.

    A word of a longer name the text names is not read alone too: "Södra Österbotten" is
    Etelä-Pohjanmaa, not also Pohjanmaa (Österbotten).
    """
    named, covered = [], set()
    for start, end, phrase in phrases(text):
        if covered.intersection(range(start, end)):
            continue
        forms = base_forms(phrase)
        found = [place for place in places if forms.intersection(place.names)]
        if found:
            covered.update(range(start, end))
            named += [place for place in found if place not in named]
    return named


def places_starting(text, places):
    """Return the `places` whose name starts with `text` (or its stem without a case
    ending): those named by it first."""
    named = places_named(text, places)
    words = " ".join(WORD.findall(text.lower()))
    if not words:
        return named
    beginnings = tuple({words} | {stem for stem in stems(words) if len(stem) > SHORTEST_STEM})
    starting = [
        place
        for place in places
        if place not in named and any(name.startswith(beginnings) for name in place.names)
    ]
    return named + starting


def places_like(text, places, *, shortest_shared=4, differing=4):
    """Return the `places` whose name shares the longest beginning with a stem of `text`.

    The fallback for a form the rules do not know ("Virroilla" → Virrat, "Kangasalla" →
    Kangasala): a name qualifies when at least `shortest_shared` letters and all but its last
    `differing` ones are shared; the longest shared beginning wins, then the closest length.
    """
    words = " ".join(WORD.findall(text.lower()))
    if not words:
        return []
    scored = []
    for place in places:
        best = None
        for stem in stems(words):
            for name in place.names:
                shared = len(_shared_beginning(stem, name))
                if shared >= shortest_shared and shared >= len(name) - differing:
                    score = (shared, -abs(len(name) - len(stem)))
                    best = score if best is None else max(best, score)
        if best is not None:
            scored.append((best, place))
    if not scored:
        return []
    top = max(score for score, _place in scored)
    return [place for score, place in scored if score == top]


def _shared_beginning(first, second):
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return first[:shared]


@dataclass
class Found:
    """What the municipality finder found: the one place meant, or the candidates."""

    place: Place | None = None
    candidates: list = field(default_factory=list)
    guessed: bool = False  # the candidates only look alike (places_like)


def find_place(text, places):
    """Return the one place `text` names or begins, or else the places it may mean.

    A name in any form ("Oulussa") or the only name beginning so ("Oulai") is the place
    meant; several are candidates; none, the names most alike ("Virroilla" → Virrat).
    """
    named = places_named(text, places)
    if len(named) == 1:
        return Found(place=named[0])
    candidates = places_starting(text, places)
    if len(candidates) == 1:
        return Found(place=candidates[0])
    if candidates:
        return Found(candidates=candidates)
    return Found(candidates=places_like(text, places), guessed=True)
