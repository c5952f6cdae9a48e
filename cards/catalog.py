"""The catalog of AWS services an exam covers, and finding those services in what learners write.

Pure: no ORM and no Django. The catalog is a committed YAML file (see `notes/exam/`) checked
against the exam blueprint: every category and task statement it uses must be the blueprint's.
Every problem is reported as `file:line: message` from PyYAML's node marks, all at once, and
nothing is returned unless the whole file is valid.

Names are matched the way learners write them:

- case does not matter, nor spacing or hyphens between the words of a name; a name written in
  CamelCase may be split where its capitals are ("DynamoDB" matches "Dynamo DB"), and a name
  ending in a word of three letters or more may take a plural "s" ("NAT gateways");
- "Amazon" and "AWS" are interchangeable ("AWS FSx for Lustre" is "Amazon FSx for Lustre"); a
  name given with one of them needs one of them in the text, a name given without (an alias
  such as "Lambda") matches with or without;
- a name must not touch another Latin letter or digit ("EC2" is not found in "EC22"), but
  Korean text may sit right against it ("Lambda를", "람다의");
- where names overlap, the longest wins ("Amazon Redshift Spectrum" is Spectrum, not Redshift).

So that no text can name two services at once, every name and alias must be unique across the
catalog once case, spacing, hyphens and the vendor word are set aside.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from .blueprint import Blueprint, Category, Domain, TaskStatement
from .notes import Problem, SourceError, decode_utf8
from .yamlnodes import Fields, Reader, compose, line_of

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 80
MAX_URL = 200
# The vendor word that learners put in front of a service name, or leave out, or swap.
VENDORS = ("amazon", "aws")
# What may stand between the words of a name: spaces, hyphens of any kind, underscores.
# (Folded text has plain spaces only: NFKC turns no-break and other spaces into " ". A short
# class keeps the ~150 patterns quick to compile; `\s` would expand to all of Unicode's.)
SEPARATOR = r"[ \t\-\u2010-\u2015_·]"
SEPARATOR_RE = re.compile(f"{SEPARATOR}+")
# A parenthesised part of an official name ("Amazon Keyspaces (for Apache Cassandra)") is
# not part of what learners write, so it is left out of matching.
PARENTHESES_RE = re.compile(r"\s*\([^()]*\)\s*")
PLURAL_RE = re.compile(r"[a-z]{3,}")
URL_RE = re.compile(r"https?://[^\s)\]>]+", re.ASCII | re.IGNORECASE)
# Letters (any script) and digits only, once separators and parentheses are gone.
WORD_RE = re.compile(r"[^\W_]+")
# Where a word splits into tokens: lower-to-upper case ("Dynamo|DB"), letters and digits
# ("Route|53"), Hangul and Latin ("다이나모|DB").
TOKEN_RE = re.compile(
    r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+|[^\W\d_]+"
)


# --- Names ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameForm:
    """A name as it is matched: its tokens, and whether it was given with a vendor word."""

    tokens: tuple[str, ...]
    vendor: bool

    @property
    def core(self) -> str:
        """The tokens run together: two names with the same core read alike to the matcher."""
        return "".join(self.tokens)

    @property
    def plural(self) -> str | None:
        """The core with a plural "s" that the matcher also accepts ("NAT gateways"), if any.

        Only after a Latin word of three letters or more: "EBs" or "S3s" are not plurals.
        """
        return f"{self.core}s" if PLURAL_RE.fullmatch(self.tokens[-1]) else None

    def pattern(self) -> str:
        core = f"{SEPARATOR}*".join(re.escape(token) for token in self.tokens)
        if self.plural is not None:
            core += "s?"
        vendor = f"(?:{'|'.join(VENDORS)}){SEPARATOR}*"
        return f"{vendor}{core}" if self.vendor else f"(?:{vendor})?{core}"


def _per_char(text: str, fold: Callable[[str], str]) -> str:
    """`fold` applied to each character where it gives one character, so positions still hold."""
    return "".join(folded if len(folded := fold(char)) == 1 else char for char in text)


def _compatible(text: str) -> str:
    """Full-width letters, no-break spaces and other compatibility forms in their plain form."""
    return _per_char(text, lambda char: unicodedata.normalize("NFKC", char))


def _fold(text: str) -> str:
    """The text as names are searched in: compatibility forms plain, and lower case.

    Matching lower-case text against lower-case patterns keeps case out of the regular
    expressions, which compile several times faster without IGNORECASE.
    """
    return _per_char(text, lambda char: unicodedata.normalize("NFKC", char).lower())


def name_form(name: str) -> NameForm | None:
    """How `name` is matched; None when it has nothing but a vendor word or punctuation."""
    words = SEPARATOR_RE.split(PARENTHESES_RE.sub(" ", _compatible(name)).strip())
    tokens = [token.lower() for word in words for token in TOKEN_RE.findall(word)]
    vendor = bool(tokens) and tokens[0] in VENDORS
    if vendor:
        tokens = tokens[1:]
    if not tokens:
        return None
    return NameForm(tuple(tokens), vendor)


def _is_plain_name(name: str) -> bool:
    """Letters, digits, spaces and hyphens, and at most a parenthesised part."""
    words = SEPARATOR_RE.split(PARENTHESES_RE.sub(" ", _compatible(name)).strip())
    return all(WORD_RE.fullmatch(word) for word in words if word)


# --- The catalog ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    slug: str
    name: str  # the current official name
    appendix: str  # the entry as the guide's appendix writes it; "" for a feature it does not list
    part_of: str  # slug of the service this one is a feature or member of; "" for none
    aliases: tuple[str, ...]
    categories: tuple[Category, ...]
    task_statements: tuple[TaskStatement, ...]  # those whose guide text names it
    summary: str  # Korean
    summary_en: str
    url: str  # AWS documentation
    status: str  # a rename, closure or end of support worth knowing; "" for none
    line: int

    @property
    def names(self) -> tuple[str, ...]:
        """The official name, then the aliases, as written in the catalog."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Group:
    """Services the exam likes to set against each other."""

    slug: str
    name: str  # Korean
    name_en: str
    members: tuple[Service, ...]
    line: int


@dataclass(frozen=True)
class Mention:
    """A service named in a text, at `text[start:end]`."""

    start: int
    end: int
    service: Service


@dataclass(frozen=True)
class Catalog:
    path: str
    blueprint: Blueprint
    services: tuple[Service, ...]
    groups: tuple[Group, ...]
    by_slug: Mapping[str, Service] = field(repr=False, compare=False)
    # Each service's pattern, with words one of which any match of it contains (see find).
    patterns: tuple[tuple[Service, re.Pattern[str], tuple[str, ...]], ...] = field(
        repr=False, compare=False
    )
    words: WordIndex | None = field(default=None, repr=False, compare=False)

    def service(self, slug: str) -> Service:
        return self.by_slug[slug]

    def parts(self, service: Service) -> tuple[Service, ...]:
        """The features and members listed as part of `service`, in catalog order."""
        return tuple(other for other in self.services if other.part_of == service.slug)

    def groups_of(self, service: Service) -> tuple[Group, ...]:
        return tuple(group for group in self.groups if service in group.members)

    def task_statements_in(self, service: Service, domain: Domain) -> tuple[TaskStatement, ...]:
        return tuple(task for task in service.task_statements if task.domain == domain.number)

    def task_statement_in(self, service: Service, domain: Domain) -> TaskStatement | None:
        """The task statement of `service` within `domain` when the catalog gives exactly one."""
        tasks = self.task_statements_in(service, domain)
        return tasks[0] if len(tasks) == 1 else None

    def find(self, text: str) -> tuple[Mention, ...]:
        """Every service named in `text`, longest names first where they overlap, in text order.

        A web address is not prose: ".../global-accelerator/" in a link names nothing, though
        the link's text does.
        """
        folded = _fold(text)
        urls = [(url.start(), url.end()) for url in URL_RE.finditer(text)]
        # Only the few patterns one of whose words the text holds run at all: compiling a 1 MB
        # notebook asks this of every bullet, and ~150 patterns each was most of its time.
        candidates = self.words.services_in(folded) if self.words is not None else None
        found = [
            Mention(match.start(), match.end(), service)
            for index, (service, pattern, _words) in enumerate(self.patterns)
            if candidates is None or index in candidates
            for match in pattern.finditer(folded)
            if not any(match.start() < end and start < match.end() for start, end in urls)
        ]
        found.sort(key=lambda mention: (mention.start - mention.end, mention.start))
        taken: list[Mention] = []
        for mention in found:
            if all(mention.end <= other.start or other.end <= mention.start for other in taken):
                taken.append(mention)
        return tuple(sorted(taken, key=lambda mention: mention.start))


# --- Matching a topic heading --------------------------------------------------------------------


@dataclass(frozen=True)
class HeadingMatch:
    text: str
    mentions: tuple[Mention, ...]
    # Set when a domain was given and the one service found has exactly one task statement in it.
    task_statement: TaskStatement | None

    @property
    def candidates(self) -> tuple[Service, ...]:
        """The distinct services the heading names, in the order they first appear."""
        seen: dict[str, Service] = {}
        for mention in self.mentions:
            seen.setdefault(mention.service.slug, mention.service)
        return tuple(seen.values())

    @property
    def service(self) -> Service | None:
        """The service when the heading names exactly one; None for none or several."""
        candidates = self.candidates
        return candidates[0] if len(candidates) == 1 else None


def match_heading(text: str, catalog: Catalog, *, domain: Domain | None = None) -> HeadingMatch:
    """The service(s) a `## ` topic heading names, and its task statement within `domain`."""
    mentions = catalog.find(text)
    match = HeadingMatch(text, mentions, None)
    service = match.service
    if service is None or domain is None:
        return match
    return HeadingMatch(text, mentions, catalog.task_statement_in(service, domain))


# --- Reading the file ----------------------------------------------------------------------------

SERVICE_KEYS = ("slug", "name", "categories", "task_statements", "summary", "summary_en", "url")
SERVICE_OPTIONAL = ("appendix", "part_of", "aliases", "status")


@dataclass
class _Draft:
    """A service as read, before its parent and its names are checked across the catalog."""

    service: Service
    fields: Fields
    alias_nodes: list[yaml.Node]


def _texts(reader: Reader, fields: Fields, key: str) -> list[tuple[str, yaml.Node]]:
    if key not in fields:
        return []
    return [
        (reader.text(item, f"each of {key}"), item) for item in reader.sequence(fields[key], key)
    ]


def _read_service(reader: Reader, node: yaml.Node, blueprint: Blueprint) -> _Draft | None:
    fields = reader.mapping(node, "a service", SERVICE_KEYS, SERVICE_OPTIONAL)
    if fields is None:
        return None

    def text(key: str) -> str:
        return reader.text(fields[key], key) if key in fields else ""

    slug = text("slug")
    if slug and (not SLUG_RE.fullmatch(slug) or len(slug) > MAX_SLUG):
        reader.problem(
            fields["slug"], f"slug {slug!r} must be a-z, 0-9 and single hyphens, at most {MAX_SLUG}"
        )
    url = text("url")
    if url and not url.startswith("https://"):
        reader.problem(fields["url"], "url must start with https://")
    if len(url) > MAX_URL:
        reader.problem(fields["url"], f"url is longer than {MAX_URL} characters")

    categories: list[Category] = []
    for name, item in _texts(reader, fields, "categories"):
        try:
            category = blueprint.category(name)
        except KeyError:
            if name:
                reader.problem(item, f"category {name!r} is not one of the blueprint's")
            continue
        if category in categories:
            reader.problem(item, f"category {name!r} is listed twice")
        categories.append(category)
    listed = fields.get("categories")
    if isinstance(listed, yaml.SequenceNode) and not listed.value:
        reader.problem(fields.line_of("categories"), "a service needs a category")

    tasks: list[TaskStatement] = []
    if "task_statements" in fields:
        for item in reader.sequence(fields["task_statements"], "task_statements"):
            code = reader.code(item, "each task statement")
            try:
                task = blueprint.task_statement(code)
            except KeyError:
                if code:
                    reader.problem(item, f"task statement {code!r} is not one of the blueprint's")
                continue
            if task in tasks:
                reader.problem(item, f"task statement {code!r} is listed twice")
            tasks.append(task)

    aliases = _texts(reader, fields, "aliases")
    return _Draft(
        Service(
            slug=slug,
            name=text("name"),
            appendix=text("appendix"),
            part_of=text("part_of"),
            aliases=tuple(alias for alias, _ in aliases),
            categories=tuple(categories),
            task_statements=tuple(tasks),
            summary=text("summary"),
            summary_en=text("summary_en"),
            url=url,
            status=text("status"),
            line=line_of(node),
        ),
        fields,
        [item for _, item in aliases],
    )


@dataclass(frozen=True)
class _Owner:
    slug: str
    name: str  # as written
    line: int

    def __str__(self) -> str:
        return f"{self.name!r} of {self.slug} (line {self.line})"


def _check_names(reader: Reader, drafts: Iterable[_Draft]) -> None:
    """Every name and alias is matchable and reads unlike every other service's names."""
    owners: dict[str, _Owner] = {}  # core -> the first name that reads so
    plurals: list[tuple[str, _Owner]] = []
    for draft in drafts:
        service = draft.service
        named = [(service.name, draft.fields["name"])] if "name" in draft.fields else []
        named += list(zip(service.aliases, draft.alias_nodes, strict=True))
        forms: dict[tuple[str, bool], str] = {}
        for name, node in named:
            if not name:
                continue
            form = name_form(name)
            if form is None or not _is_plain_name(name):
                reader.problem(
                    node,
                    f"{name!r} must be a name: letters, digits, spaces and hyphens, "
                    "not only 'Amazon' or 'AWS'",
                )
                continue
            earlier = forms.get((form.core, form.vendor))
            if earlier is not None:
                reader.problem(
                    node,
                    f"{name!r} reads the same as {earlier!r} of this service "
                    "(case, spacing, hyphens and Amazon/AWS do not count)",
                )
                continue
            forms[(form.core, form.vendor)] = name
            owner = owners.get(form.core)
            if owner is not None and owner.slug != service.slug:
                reader.problem(node, f"{name!r} reads the same as {owner}")
                continue
            here = _Owner(service.slug, name, line_of(node))
            owners.setdefault(form.core, here)
            if form.plural is not None:
                plurals.append((form.plural, here))
    for plural, here in plurals:
        owner = owners.get(plural)
        if owner is not None and owner.slug != here.slug:
            # Reported at the later of the two, which is usually the one just added.
            first, second = sorted((here, owner), key=lambda name: name.line)
            reader.problem(
                second.line, f"{second.name!r} reads the same as {first} with a plural s"
            )


class WordIndex:
    """Which services' words occur in a text, in one scan of it.

    Exact, overlaps included: a lookahead at every position records the longest word starting
    there, and a word occurs exactly where it is, or is a prefix of, the longest one starting at
    the same place.
    """

    def __init__(self, patterns: Sequence[tuple[Service, re.Pattern[str], tuple[str, ...]]]):
        self.services_of: dict[str, set[int]] = {}
        for index, (_service, _pattern, words) in enumerate(patterns):
            for word in words:
                self.services_of.setdefault(word, set()).add(index)
        ordered = sorted(self.services_of, key=lambda word: (-len(word), word))
        self.regex = re.compile(
            "(?=(" + "|".join(re.escape(word) for word in ordered) + "))" if ordered else "(?!)"
        )
        # For each word, the services of it and of every word that is a prefix of it.
        self.reached: dict[str, frozenset[int]] = {
            word: frozenset(
                index
                for other, indexes in self.services_of.items()
                if word.startswith(other)
                for index in indexes
            )
            for word in ordered
        }

    def services_in(self, folded: str) -> set[int]:
        found: set[int] = set()
        for longest in {match.group(1) for match in self.regex.finditer(folded)}:
            found |= self.reached[longest]
        return found


def _patterns(
    services: Iterable[Service],
) -> tuple[tuple[Service, re.Pattern[str], tuple[str, ...]], ...]:
    compiled = []
    for service in services:
        forms = {form for name in service.names if (form := name_form(name)) is not None}
        # Longest first, so that where one name of the service extends another the match does.
        ordered = sorted(forms, key=lambda form: (-len(form.core), form.vendor, form.core))
        alternatives = "|".join(form.pattern() for form in ordered)
        # Every match of a form holds each of its tokens as written: its longest will do.
        words = tuple(sorted({max(form.tokens, key=len) for form in forms}))
        pattern = re.compile(f"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")
        compiled.append((service, pattern, words))
    return tuple(compiled)


def _read_group(reader: Reader, node: yaml.Node, by_slug: Mapping[str, Service]) -> Group | None:
    fields = reader.mapping(node, "a group", ("slug", "name", "name_en", "members"))
    if fields is None:
        return None
    slug = reader.text(fields["slug"], "slug") if "slug" in fields else ""
    if slug and not SLUG_RE.fullmatch(slug):
        reader.problem(fields["slug"], f"slug {slug!r} must be a-z, 0-9 and single hyphens")
    members: list[Service] = []
    for member, item in _texts(reader, fields, "members"):
        if not member:
            continue
        service = by_slug.get(member)
        if service is None:
            reader.problem(item, f"member {member!r} is not a service of the catalog")
        elif service in members:
            reader.problem(item, f"member {member!r} is listed twice")
        else:
            members.append(service)
    listed = fields.get("members")
    if isinstance(listed, yaml.SequenceNode) and len(listed.value) < 2:
        reader.problem(fields.line_of("members"), "a group needs at least two members")
    return Group(
        slug=slug,
        name=reader.text(fields["name"], "name") if "name" in fields else "",
        name_en=reader.text(fields["name_en"], "name_en") if "name_en" in fields else "",
        members=tuple(members),
        line=line_of(node),
    )


def _check_unique(reader: Reader, values: Iterable[tuple[str, int]], what: str) -> None:
    seen: dict[str, int] = {}
    for value, line in values:
        if value and value in seen:
            reader.problem(line, f"{what} {value!r} repeats line {seen[value]}")
        elif value:
            seen[value] = line


def parse_catalog(text: str, path: str, blueprint: Blueprint) -> Catalog:
    """Parse and check a catalog file against `blueprint`; raise SourceError with every problem."""
    reader = Reader(path)
    root = reader.mapping(compose(text, path), "the file", ("exam", "services", "groups"), line=1)
    if root is None:
        reader.fail()
    if "exam" in root:
        exam = reader.text(root["exam"], "exam")
        if exam and exam != blueprint.code:
            reader.problem(root["exam"], f"exam {exam!r} is not the blueprint's {blueprint.code!r}")

    drafts: list[_Draft] = []
    if "services" in root:
        for item in reader.sequence(root["services"], "services"):
            draft = _read_service(reader, item, blueprint)
            if draft is not None:
                drafts.append(draft)
    services = [draft.service for draft in drafts]
    _check_unique(reader, ((s.slug, s.line) for s in services), "slug")
    _check_unique(reader, ((s.appendix, s.line) for s in services), "appendix entry")
    _check_names(reader, drafts)

    by_slug = {service.slug: service for service in services if service.slug}
    for draft in drafts:
        parent_slug = draft.service.part_of
        if not parent_slug:
            continue
        parent = by_slug.get(parent_slug)
        where = draft.fields["part_of"]
        if parent is None:
            reader.problem(where, f"part_of {parent_slug!r} is not a service of the catalog")
        elif parent is draft.service:
            reader.problem(where, "a service cannot be part of itself")
        elif parent.part_of:
            # One level keeps "the service and its features" a plain two-level list.
            reader.problem(
                where, f"part_of {parent_slug!r}, which is itself part of {parent.part_of!r}"
            )

    groups: list[Group] = []
    if "groups" in root:
        for item in reader.sequence(root["groups"], "groups"):
            group = _read_group(reader, item, by_slug)
            if group is not None:
                groups.append(group)
    _check_unique(reader, ((g.slug, g.line) for g in groups), "group slug")

    reader.raise_problems()
    return Catalog(
        path=path,
        blueprint=blueprint,
        services=tuple(services),
        groups=tuple(groups),
        by_slug=MappingProxyType(by_slug),
        patterns=(patterns := _patterns(services)),
        words=WordIndex(patterns),
    )


def load_catalog(file: Path, path: str, blueprint: Blueprint) -> Catalog:
    """Read and check the catalog `file`, reporting problems against the name `path`."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SourceError([Problem(path, None, f"cannot read: {exc.strerror or exc}")]) from exc
    return parse_catalog(decode_utf8(data, path), path, blueprint)
