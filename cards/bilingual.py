"""Which language of a card's text shows first, and whether a toggle offers the other.

Card text is content (the learner's Korean notes, the English exam wording), never run through a
translation: a page only chooses which of the two stored wordings comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

KOREAN = "ko"
ENGLISH = "en"

# Each language named in itself, so a reader finds their language whatever the interface speaks.
LANGUAGE_NAMES = {KOREAN: "한국어", ENGLISH: "English"}


def first_language(code: str | None) -> str:
    """A card language from a setting or a UI language code ("en-us" is English); else Korean."""
    return ENGLISH if (code or "").lower().startswith(ENGLISH) else KOREAN


def _other(language: str) -> str:
    return KOREAN if language == ENGLISH else ENGLISH


def _words(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class CardText:
    """One text of a card: what shows first, and what the toggle shows ("" for no toggle)."""

    text: str
    lang: str
    other: str
    # The language a toggle on this page offers: the reader's second language, even when this
    # text has nothing in it, so one toggle can gather several texts under one label.
    other_lang: str

    @property
    def other_label(self) -> str:
        return LANGUAGE_NAMES[self.other_lang]

    @property
    def second(self) -> str:
        """This text as a toggle lists it: the other wording, or the same one when there is no
        other (a service name reads the same in both languages)."""
        return self.other or self.text

    @property
    def second_lang(self) -> str:
        return self.other_lang if self.other else self.lang


def card_text(korean: str, english: str, first: str) -> CardText:
    """The wording in `first` language, with the other behind a toggle when it says something
    different; an empty wording falls back to the other, so every card reads in some language."""
    first = first_language(first)
    second = _other(first)
    wording = {KOREAN: (korean or "").strip(), ENGLISH: (english or "").strip()}
    if not wording[first]:
        return CardText(text=wording[second], lang=second, other="", other_lang=second)
    other = wording[second]
    if _words(other) == _words(wording[first]):
        other = ""
    return CardText(text=wording[first], lang=first, other=other, other_lang=second)


@dataclass(frozen=True)
class CardTexts:
    """The texts of a list (a question's options, a flashcard's back) and whether any differs."""

    texts: tuple[CardText, ...]

    @property
    def has_other(self) -> bool:
        return any(item.other for item in self.texts)


def card_texts(pairs: Iterable[tuple[str, str]], first: str) -> CardTexts:
    return CardTexts(texts=tuple(card_text(korean, english, first) for korean, english in pairs))
