"""The "which AWS service does this describe?" questions: masks, neutral wording, distractors.

Pure: no ORM and no Django. `cards.content` asks this module, for each answer bullet of the
notes, whether it makes a fair question and, if so, for the masked statement and the options.
A question is fair only when the page cannot answer it:

- every name and alias of the answer is hidden, from the service catalog (longest first, so
  "Amazon Redshift Spectrum" goes as one), with the names of its parent service and of its
  features, plus the words the YAML lists for that line as giving the service away ("clues");
- no Korean particle after a blank and no English article before one rules an option out:
  "＿＿＿를" is written "＿＿＿을(를)", "an ＿＿＿" is written "a(n) ＿＿＿";
- a bullet in which no name of the answer is hidden is not asked at all (it does not describe
  the service by name, so the answer is the notes' section, not the statement);
- the wrong options come from the catalog: the answer's confusion groups first, then the
  services that share a category with it; never the answer's parent or features, a service
  the statement names, or one the YAML says the statement also describes ("also_fits").

Everything is seeded from the question key through SHA-256, so the build stays deterministic.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .catalog import Catalog, Service

MASK = "＿＿＿"
DISTRACTORS = 3
LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)[^)]*\)")
HANGUL = "\uac00-\ud7a3"
# A particle right after a blank, ending the word: its form depends on the hidden name's last
# sound, so each is written with both forms.
PARTICLES = (
    (re.compile(f"{MASK}(?:을|를)(?![{HANGUL}])"), f"{MASK}을(를)"),
    (re.compile(f"{MASK}(?:은|는)(?![{HANGUL}])"), f"{MASK}은(는)"),
    (re.compile(f"{MASK}(?:이|가)(?![{HANGUL}])"), f"{MASK}이(가)"),
    (re.compile(f"{MASK}(?:과|와)(?![{HANGUL}])"), f"{MASK}과(와)"),
    (re.compile(f"{MASK}(?:으로|로)(?![{HANGUL}])"), f"{MASK}(으)로"),
)
ARTICLE_RE = re.compile(rf"\b(?P<a>[Aa])n? (?={MASK})")


@dataclass(frozen=True)
class Reason:
    """Why a wrong option does not fit a statement, in Korean and English."""

    why: str
    why_en: str


@dataclass(frozen=True)
class LineOverlay:
    """What the YAML's `which:` says of one answer line of the notes."""

    line: int
    skip: str = ""  # why the line makes no fair question; "" to ask it
    clues: tuple[tuple[str, str], ...] = ()  # (words, what they become), longest applied first
    also_fits: tuple[str, ...] = ()  # slugs of services the statement describes as well
    why_not: Mapping[str, Reason] = field(default_factory=dict)  # slug -> reason


@dataclass(frozen=True)
class Masked:
    text: str
    names: tuple[str, ...]  # the names hidden, as written in the text
    clues: tuple[str, ...]  # the clue words replaced


@dataclass(frozen=True)
class Distractor:
    service: Service
    chosen_for: str  # "group <slug>" or "category <name>": why it was picked
    reason: Reason
    authored: bool  # the reason is the YAML's, not the generic one


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hidden_services(answer: Service, catalog: Catalog) -> tuple[Service, ...]:
    """The answer, its parent service and its features: naming any of them gives it away."""
    family = [answer, *catalog.parts(answer)]
    if answer.part_of and answer.part_of in catalog.by_slug:
        family.append(catalog.service(answer.part_of))
    return tuple(family)


def _replace_all(text: str, phrases: Iterable[tuple[str, str]]) -> tuple[str, list[str]]:
    """Replace each phrase (case-insensitive, longest first) by its replacement, in one pass."""
    table = {phrase.lower(): replacement for phrase, replacement in phrases if phrase}
    if not table:
        return text, []
    ordered = sorted(table, key=lambda phrase: (-len(phrase), phrase))
    pattern = re.compile("|".join(re.escape(phrase) for phrase in ordered), re.IGNORECASE)
    fired: list[str] = []

    def swap(match: re.Match[str]) -> str:
        fired.append(match[0])
        return table[match[0].lower()]

    return pattern.sub(swap, text), fired


def neutral(text: str) -> str:
    """Particles after a blank and articles before one in forms that fit any name."""
    for pattern, replacement in PARTICLES:
        text = pattern.sub(replacement, text)
    return ARTICLE_RE.sub(lambda match: f"{match['a']}(n) ", text)


def mask_statement(
    text: str,
    *,
    answer: Service | None,
    catalog: Catalog,
    names: Sequence[str] = (),
    clues: Sequence[tuple[str, str]] = (),
) -> Masked:
    """Hide the answer in `text`: links become their text, then clues, catalog names, `names`.

    `names` are further strings to hide (the YAML's mask, the topic heading, the option);
    `clues` are (words, replacement) pairs, applied first.
    """
    text = LINK_RE.sub(lambda match: match["text"], text)
    text, fired_clues = _replace_all(text, clues)
    # A clue that leaves a blank where the name was hides the name with it.
    blanks = {words.lower() for words, replacement in clues if MASK in replacement}
    fired: list[str] = [clue for clue in fired_clues if clue.lower() in blanks]
    if answer is not None:
        family = {service.slug for service in hidden_services(answer, catalog)}
        mentions = [m for m in catalog.find(text) if m.service.slug in family]
        hidden = []
        for mention in reversed(mentions):
            hidden.append(text[mention.start : mention.end])
            text = text[: mention.start] + MASK + text[mention.end :]
        fired += reversed(hidden)
    text, fired_names = _replace_all(text, ((name, MASK) for name in names))
    return Masked(neutral(text), (*fired, *fired_names), tuple(fired_clues))


def visible_names(
    text: str, *, answer: Service | None, catalog: Catalog, names: Sequence[str] = ()
) -> list[str]:
    """Names of the answer (or its family) still readable in `text`: each one is a giveaway."""
    left: list[str] = []
    if answer is not None:
        family = {service.slug for service in hidden_services(answer, catalog)}
        left += [text[m.start : m.end] for m in catalog.find(text) if m.service.slug in family]
    lowered = text.lower()
    left += [name for name in names if name and name.lower() in lowered]
    return left


def named_services(text: str, catalog: Catalog) -> tuple[Service, ...]:
    """The services a statement names (links count by their text)."""
    text = LINK_RE.sub(lambda match: match["text"], text)
    seen: dict[str, Service] = {}
    for mention in catalog.find(text):
        seen.setdefault(mention.service.slug, mention.service)
    return tuple(seen.values())


def generic_reason(distractor: Service, answer_name: str, line: int) -> Reason:
    return Reason(
        why=(
            f"{distractor.name}: {distractor.summary} 노트 {line}행의 설명은 {answer_name}에 "
            f"관한 것으로, {distractor.name}에는 해당하지 않습니다."
        ),
        why_en=(
            f"{distractor.name}: {distractor.summary_en} The statement on line {line} of the "
            f"notes is about {answer_name}; it does not describe {distractor.name}."
        ),
    )


def pick_distractors(
    key: str,
    answer: Service,
    catalog: Catalog,
    *,
    line: int,
    answer_name: str,
    excluded: Iterable[str] = (),
    reasons: Mapping[str, Reason] | None = None,
) -> list[Distractor]:
    """Up to three wrong services: the answer's confusion groups first, then its categories.

    Never the answer's family or an `excluded` slug; never two services of which one is a
    feature of the other; a feature of another service only when a confusion group names it.
    """
    reasons = reasons or {}
    barred = {service.slug for service in hidden_services(answer, catalog)} | set(excluded)

    def rank(service: Service) -> str:
        return sha256(f"{key}|pick|{service.slug}")

    pools: list[tuple[str, list[Service]]] = []
    grouped: set[str] = set()
    for group in catalog.groups_of(answer):
        members = [s for s in group.members if s.slug not in barred and s.slug not in grouped]
        grouped.update(s.slug for s in members)
        pools.append((f"group {group.slug}", members))
    in_category = [
        service
        for service in catalog.services
        if not service.part_of
        and service.slug not in barred
        and service.slug not in grouped
        and set(service.categories) & set(answer.categories)
    ]
    categories = ", ".join(category.name_en for category in answer.categories)
    pools.append((f"category {categories}", in_category))

    # Groups first, each pool in a seeded order: the first group's members are not favoured
    # over the second's, so all group members are ranked together.
    group_members = sorted(
        ((why, service) for why, members in pools[:-1] for service in members),
        key=lambda pair: rank(pair[1]),
    )
    category_members = sorted(((pools[-1][0], s) for s in pools[-1][1]), key=lambda p: rank(p[1]))
    chosen: list[Distractor] = []
    for why, service in (*group_members, *category_members):
        if len(chosen) == DISTRACTORS:
            break
        related = any(
            service.part_of == other.service.slug or other.service.part_of == service.slug
            for other in chosen
        )
        if related:
            continue
        reason = reasons.get(service.slug)
        chosen.append(
            Distractor(
                service=service,
                chosen_for=why,
                reason=reason or generic_reason(service, answer_name, line),
                authored=reason is not None,
            )
        )
    return chosen


def option_order(key: str, labels: Sequence[str]) -> list[str]:
    """The options in a seeded order that does not depend on which one is right."""
    return sorted(labels, key=lambda label: sha256(f"{key}|order|{label}"))
