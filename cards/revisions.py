"""Match the cards of a notebook's new version to the cards it already has, by their text.

Pure: no ORM. Line numbers never decide anything (notes move when a learner edits them); the
text does. A card whose text is found again is kept (its review state and attempts stay with
it); a note question whose prompt or answers changed, but not both, is the same card, changed;
a "which service?" card follows its bullet, and when the bullet was edited, the card at the same
place of the changed note question is the same card, changed. What is left is new, or retired.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

NOTE = "note"


@dataclass(frozen=True)
class Card:
    """What matching needs of a card, old (`ref` its id) or new (`ref` its index)."""

    ref: int
    origin: str  # "note" or "which"
    prompt: str  # a note question's text; a "which" card's masked bullet
    answers: tuple[str, ...]  # a note question's answer bullets, in order
    bullet: str  # a "which" card's bullet text; "" for a note question
    first_line: int
    last_line: int


@dataclass
class Plan:
    kept: list[tuple[int, int]] = field(default_factory=list)  # (old id, new index)
    changed: list[tuple[int, int]] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)

    @property
    def matched(self) -> dict[int, int]:
        """New index -> old id, for kept and changed cards."""
        return {new: old for old, new in (*self.kept, *self.changed)}


def _pair(
    olds: list[Card],
    news: list[Card],
    key_of: Callable[[Card], Hashable],
    pairs: list[tuple[int, int]],
) -> tuple[list[Card], list[Card]]:
    """Pair cards with equal keys, in order; return what is left of each side."""
    waiting: dict[Hashable, list[Card]] = defaultdict(list)
    for card in olds:
        waiting[key_of(card)].append(card)
    left: list[Card] = []
    for card in news:
        candidates = waiting.get(key_of(card))
        if candidates:
            pairs.append((candidates.pop(0).ref, card.ref))
        else:
            left.append(card)
    taken = {old for old, _new in pairs}
    return [card for card in olds if card.ref not in taken], left


def _parent(card: Card, notes: Iterable[Card]) -> Card | None:
    """The note question a "which" card's bullet belongs to."""
    for note in notes:
        if note.first_line < card.first_line <= note.last_line:
            return note
    return None


def match_cards(old: Sequence[Card], new: Sequence[Card]) -> Plan:
    """Which old card each new card is: kept, changed, or none (new); old ones left: retired."""
    plan = Plan()
    old_notes = [card for card in old if card.origin == NOTE]
    new_notes = [card for card in new if card.origin == NOTE]
    old_which = [card for card in old if card.origin != NOTE]
    new_which = [card for card in new if card.origin != NOTE]

    old_left, new_left = _pair(
        old_notes, new_notes, lambda card: (card.prompt, card.answers), plan.kept
    )
    old_left, new_left = _pair(old_left, new_left, lambda card: card.prompt, plan.changed)
    old_left, new_left = _pair(old_left, new_left, lambda card: card.answers, plan.changed)
    plan.new += [card.ref for card in new_left]
    plan.retired += [card.ref for card in old_left]

    which_old, which_new = _pair(old_which, new_which, lambda card: card.bullet, plan.kept)
    # An edited bullet: the "which" card at the same place of the same (changed) note question.
    note_of = {new_ref: old_ref for old_ref, new_ref in plan.changed}
    placed_old: dict[tuple[int, int], Card] = {}
    for card in which_old:
        parent = _parent(card, old_notes)
        if parent is not None:
            placed_old[(parent.ref, _bullet_index(card, parent, old_which))] = card
    for card in which_new:
        parent = _parent(card, new_notes)
        old_note = note_of.get(parent.ref) if parent is not None else None
        if parent is not None and old_note is not None:
            candidate = placed_old.pop((old_note, _bullet_index(card, parent, new_which)), None)
            if candidate is not None:
                plan.changed.append((candidate.ref, card.ref))
                continue
        plan.new.append(card.ref)
    taken = {old_ref for old_ref, _new in (*plan.kept, *plan.changed)}
    plan.retired += [card.ref for card in which_old if card.ref not in taken]
    return plan


def _bullet_index(card: Card, note: Card, siblings: Sequence[Card]) -> int:
    """The bullet's position among its note question's bullets (0 for the first)."""
    return sum(1 for other in siblings if note.first_line < other.first_line < card.first_line)
