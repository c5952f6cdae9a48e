"""Korean and English throughout: the committed catalogs are complete and current, and every page
speaks the language the browser asked for, with no string left behind in the other.

The Korean catalog must translate every message: a new `{% translate %}` or `gettext` fails
`test_the_committed_catalogs_are_current` until `makemessages` is run, and then
`test_every_korean_message_is_translated` until someone translates it.
"""

import ast
import html.parser
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import allauth
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from cards.models import Deck
from study.selectors import user_zone

BASE_DIR = Path(django_settings.BASE_DIR)
LOCALE = BASE_DIR / "locale"
CATALOGS = {code: LOCALE / code / "LC_MESSAGES" / "django.po" for code in ("ko", "en")}
MAKEMESSAGES = (
    "python manage.py makemessages -l ko -l en --ignore=.venv --ignore=staticfiles --no-obsolete"
)
# Top-level entries makemessages must not read: build output, caches, the catalogs themselves.
NOT_SOURCES = {"locale", "staticfiles", "test-results", "screenshots", "db.sqlite3"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"%(\(\w+\))?[-#0 +]*\d*[sdif%]")


# --- A small .po reader (polib is not a dependency) ---


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header's fields and the entries of a .po file, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] = ("", 0)
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, flags = None, set()
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value: str = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            if current is None:
                current = Entry(msgid="", flags=flags)
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            target = (keyword.split("[")[0], index)
            if target[0] == "msgstr":
                current.msgstr.append("")
        assert current is not None, f"{path}: text before any keyword: {raw!r}"
        name, index = target
        if name == "msgstr":
            current.msgstr[index] += value
        else:
            setattr(current, name, (getattr(current, name) or "") + value)
    header = next(entry for entry in entries if entry.msgid == "" and entry.msgctxt is None)
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    return fields, [entry for entry in entries if entry is not header]


def catalog(code: str) -> list[Entry]:
    return read_po(CATALOGS[code])[1]


# --- The catalogs themselves ---


def test_both_catalogs_are_committed_with_a_sane_header() -> None:
    ko_header, _entries = read_po(CATALOGS["ko"])
    en_header, _entries = read_po(CATALOGS["en"])
    assert ko_header["Language"] == "ko"
    assert ko_header["Plural-Forms"] == "nplurals=1; plural=0;"
    assert en_header["Language"] == "en"
    assert en_header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    for header in (ko_header, en_header):
        assert header["Content-Type"] == "text/plain; charset=UTF-8"


def test_every_korean_message_is_translated() -> None:
    entries = catalog("ko")
    assert len(entries) > 500
    untranslated = [entry.msgid for entry in entries if not entry.translated]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert untranslated == [], "translate these in locale/ko/LC_MESSAGES/django.po"
    assert fuzzy == [], "check these translations and remove their fuzzy flag"
    # A copied English msgstr is an untranslated message in disguise (acronyms such as FSRS
    # and bare placeholders may stay as they are).
    copied = [
        entry.msgid
        for entry in entries
        if re.search(r"[a-z]{3,}", PLACEHOLDER.sub("", entry.msgid))
        and not HANGUL.search("".join(entry.msgstr))
    ]
    assert copied == []


def test_the_korean_catalog_has_one_plural_form() -> None:
    plurals = [entry for entry in catalog("ko") if entry.msgid_plural is not None]
    assert plurals
    assert all(len(entry.msgstr) == 1 for entry in plurals)


@pytest.mark.parametrize("code", ["ko", "en"])
def test_the_catalogs_compile_with_their_placeholders_intact(code: str, tmp_path: Path) -> None:
    # What compilemessages runs: a msgstr whose %(name)s differ from the msgid's fails here.
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(CATALOGS[code])],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def fresh_extraction(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Run makemessages over the sources into an empty catalog outside the repository.

    The working tree is mirrored with symbolic links (followed by --symlinks), so nothing in
    the repository is written; LOCALE_PATHS points at the temporary catalog.
    """
    for entry in BASE_DIR.iterdir():
        if entry.name.startswith(".") or entry.name in NOT_SOURCES:
            continue
        (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        call_command(
            "makemessages",
            locale=["ko"],
            symlinks=True,
            ignore_patterns=[".venv", "staticfiles"],
            no_obsolete=True,
            verbosity=0,
        )
    finally:
        os.chdir(cwd)
    yield tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_the_committed_catalogs_are_current(fresh_extraction: Path) -> None:
    extracted = {entry.key for entry in read_po(fresh_extraction)[1]}
    for code in ("ko", "en"):
        committed = {entry.key for entry in catalog(code)}
        assert sorted(extracted - committed, key=str) == [], (
            f"new messages missing from locale/{code}: run `{MAKEMESSAGES}` and translate them"
        )
        assert sorted(committed - extracted, key=str) == [], (
            f"locale/{code} has messages no source uses any more: run `{MAKEMESSAGES}`"
        )


# --- Pages in both languages ---


@pytest.fixture(scope="session", autouse=True)
def compiled_messages() -> None:
    """Compile the catalogs when their .mo files are missing or older (a fresh clone).

    `make test` compiles them first; this makes a bare `pytest` work too. Django caches loaded
    catalogs, so the cache is emptied when something was compiled.
    """
    compiled = False
    for po in CATALOGS.values():
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603, S607
            compiled = True
    if compiled:
        trans_real._translations = {}  # type: ignore[attr-defined]


def korean(message: str, context: str | None = None) -> str:
    with translation.override("ko"):
        text = translation.pgettext(context, message) if context else translation.gettext(message)
    assert text != message, f"{message!r} has no Korean translation"
    return text


class TextCollector(html.parser.HTMLParser):
    """The text a person reads or hears: text nodes and labelling attributes, not scripts."""

    LABELS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            if name in self.LABELS and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.texts.append(data)


def shown_texts(response: Any) -> set[str]:
    """Each text node, whitespace collapsed and bare punctuation around it trimmed."""
    parser = TextCollector()
    parser.feed(response.content.decode())
    return {normal(text) for text in parser.texts} - {""}


def normal(text: str) -> str:
    return " ".join(text.split()).strip(" :·→›←()—")


def leftovers(
    texts: set[str], entries: list[Entry], side: Callable[[Entry], list[str]]
) -> set[str]:
    """The catalog strings on one side (English msgids or Korean msgstrs) shown as a whole."""
    wanted: set[str] = set()
    for entry in entries:
        if not entry.translated:
            continue
        wanted |= {normal(text) for text in side(entry) if "%(" not in text and "%s" not in text}
    return (texts & wanted) - SAME_IN_BOTH


def english_side(entry: Entry) -> list[str]:
    return [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])


def korean_side(entry: Entry) -> list[str]:
    return entry.msgstr


def allauth_entries() -> list[Entry]:
    return read_po(Path(allauth.__path__[0]) / "locale" / "ko" / "LC_MESSAGES" / "django.po")[1]


# Shown in their own language on purpose: the names in the language switch, key names.
SAME_IN_BOTH = {"English", "한국어", "Enter", "Space", "FSRS"}


@pytest.fixture(scope="module")
def known_entries() -> list[Entry]:
    return [
        entry
        for entry in catalog("ko") + allauth_entries()
        # One-letter or symbol-only messages cannot be told apart from content.
        if len(normal(entry.msgid)) > 1 and normal(entry.msgid) not in SAME_IN_BOTH
    ]


Page = tuple[str, str, Callable[[Any, Deck], str]]
PAGES: list[Page] = [
    ("anonymous", "home", lambda w, d: reverse("home")),
    ("anonymous", "login", lambda w, d: reverse("account_login")),
    ("anonymous", "signup", lambda w, d: reverse("account_signup")),
    ("anonymous", "password reset", lambda w, d: reverse("account_reset_password")),
    ("anonymous", "not found", lambda w, d: "/no-such-page/"),
    ("learner", "home", lambda w, d: reverse("home")),
    ("learner", "deck", lambda w, d: d.get_absolute_url()),
    (
        "learner",
        "question",
        lambda w, d: reverse("cards:question_detail", args=[w.questions[0].pk]),
    ),
    ("learner", "flashcards", lambda w, d: reverse("study:session", args=[d.slug])),
    ("learner", "choices", lambda w, d: reverse("study:session", args=[d.slug]) + "?mode=choice"),
    (
        "learner",
        "result",
        lambda w, d: reverse("study:result", args=[w.deck.slug, w.showing.token]),
    ),
    ("learner", "nothing due", lambda w, d: reverse("study:session", args=[w.deck.slug])),
    ("learner", "progress", lambda w, d: reverse("study:progress")),
    ("learner", "leeches", lambda w, d: reverse("study:leech_session")),
    ("learner", "my data", lambda w, d: reverse("study:data")),
    ("learner", "exams", lambda w, d: reverse("study:exam_list")),
    ("learner", "exam", lambda w, d: reverse("study:exam_take", args=[w.exam.pk])),
    ("learner", "exam confirm", lambda w, d: reverse("study:exam_confirm", args=[w.exam.pk])),
    (
        "learner",
        "exam results",
        lambda w, d: reverse("study:exam_results", args=[w.submitted_exam.pk]),
    ),
    ("learner", "my classes", lambda w, d: reverse("classrooms:my_classes")),
    ("learner", "class", lambda w, d: reverse("classrooms:class_detail", args=[w.classroom.pk])),
    ("learner", "join", lambda w, d: w.classroom.join_path),
    ("learner", "settings", lambda w, d: reverse("accounts:settings")),
    ("learner", "email addresses", lambda w, d: reverse("account_email")),
    ("learner", "change password", lambda w, d: reverse("account_change_password")),
    ("teacher", "classrooms", lambda w, d: reverse("classrooms:classroom_list")),
    ("teacher", "new class", lambda w, d: reverse("classrooms:classroom_create")),
    (
        "teacher",
        "classroom",
        lambda w, d: reverse("classrooms:classroom_detail", args=[w.classroom.pk]),
    ),
    (
        "teacher",
        "assign a deck",
        lambda w, d: reverse("classrooms:assignment_create", args=[w.classroom.pk]),
    ),
    (
        "teacher",
        "dashboard",
        lambda w, d: reverse("classrooms:assignment_detail", args=[w.assignment.pk]),
    ),
    ("teacher", "teacher decks", lambda w, d: reverse("classrooms:deck_list")),
    ("teacher", "new deck", lambda w, d: reverse("classrooms:deck_create")),
    ("teacher", "teacher deck", lambda w, d: reverse("classrooms:deck_detail", args=[w.deck.pk])),
]


def visit(language: str, who: str, world: Any, url: str) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if who != "anonymous":
        client.force_login(world.learner if who == "learner" else world.teacher)
    response = client.get(url)
    assert response.status_code == (404 if url == "/no-such-page/" else 200), url
    return response


@pytest.mark.parametrize(("who", "name", "url"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_a_korean_browser_sees_no_english_interface_text(
    world: Any, deck: Deck, known_entries: list[Entry], who: str, name: str, url: Callable
) -> None:
    response = visit("ko", who, world, url(world, deck))
    assert '<html lang="ko">' in response.content.decode()
    assert leftovers(shown_texts(response), known_entries, english_side) == set()


@pytest.mark.parametrize(("who", "name", "url"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_an_english_browser_sees_no_korean_interface_text(
    world: Any, deck: Deck, known_entries: list[Entry], who: str, name: str, url: Callable
) -> None:
    response = visit("en", who, world, url(world, deck))
    assert '<html lang="en">' in response.content.decode()
    assert leftovers(shown_texts(response), known_entries, korean_side) == set()


@pytest.mark.parametrize(
    ("who", "url_name", "messages"),
    [
        ("anonymous", "home", ["Pass SAA-C03 with cards built from your own notes"]),
        ("anonymous", "account_login", ["Log in", "Forgot your password?"]),
        ("anonymous", "account_signup", ["Sign up"]),
        ("learner", "home", ["Your decks", "Study flashcards", "Log out"]),
        ("learner", "accounts:settings", ["Save settings", "interface language"]),
        ("learner", "study:progress", ["Your progress", "Readiness for the exam"]),
        ("learner", "study:exam_list", ["Practice exams", "Start an exam"]),
        ("teacher", "classrooms:classroom_list", ["Your classrooms", "New class"]),
    ],
)
def test_key_pages_speak_the_browsers_language(
    world: Any, who: str, url_name: str, messages: list[str]
) -> None:
    korean_page = visit("ko", who, world, reverse(url_name)).content.decode()
    english_page = visit("en", who, world, reverse(url_name)).content.decode()
    for message in messages:
        shown = korean(message)
        if message[0].islower():
            shown = shown[0].upper() + shown[1:]  # form labels go through capfirst
        assert shown in korean_page
        assert message not in korean_page
        assert message in english_page or message.capitalize() in english_page
        assert shown not in english_page


def test_allauth_pages_are_translated(db: None) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="ko").get(reverse("account_login")).content.decode()
    assert korean("Log in") in page  # our wording of allauth's page
    assert korean("Forgot your password?") in page  # allauth's own msgid, its ko catalog
    assert "Log in" not in page


def test_counts_use_the_languages_plural_forms(world: Any, deck: Deck) -> None:
    url = deck.get_absolute_url()
    assert "카드 5장" in visit("ko", "learner", world, url).content.decode()
    assert "5 cards" in visit("en", "learner", world, url).content.decode()


def test_dates_are_written_the_korean_way(world: Any) -> None:
    url = reverse("study:result", args=[world.deck.slug, world.showing.token])
    due = world.showing.attempt.due_after.astimezone(user_zone(world.learner))
    korean_page = visit("ko", "learner", world, url).content.decode()
    english_page = visit("en", "learner", world, url).content.decode()
    assert f"{due.year}년 {due.month}월 {due.day}일" in korean_page
    assert f"{due.day}, {due.year}" in english_page  # "Nov. 27, 2026, 9:00 a.m."


def test_the_listed_stock_messages_are_still_djangos() -> None:
    """saaprep/stock_messages.py retranslates Django's own form messages: each must still be a
    message of Django's catalog, or the override silently stops applying."""
    from django.conf import locale as django_locale

    def msgids(po: str, *, source: str | None = None) -> set[str]:
        found = set()
        for block in po.replace('"\n"', "").split("\n\n"):
            if source is not None and source not in block:
                continue
            match = re.search(r'^msgid "(.+)"$', block, re.M)
            if match:
                found.add(match.group(1))
        return found

    ours = msgids(
        (BASE_DIR / "locale" / "ko" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"),
        source="saaprep/stock_messages.py",
    )
    djangos = msgids(
        (Path(django_locale.__file__).parent / "ko" / "LC_MESSAGES" / "django.po").read_text(
            encoding="utf-8"
        )
    )
    assert len(ours) >= 14
    assert ours <= djangos, ours - djangos
