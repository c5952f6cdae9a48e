"""The exam blueprint: the exam's format, its domains with their weights and task statements.

Pure: no ORM and no Django. Every fact of the exam lives in the committed blueprint file (see
`notes/exam/`); this module only reads and checks it, so no domain, task statement or weight is
ever written in code. The result is frozen dataclasses; every problem in the file is reported as
`file:line: message` from PyYAML's node marks, and nothing is returned unless the whole file is
valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .notes import Problem, SourceError, decode_utf8
from .yamlnodes import Reader, compose, line_of

# "<domain>.<n>": the domain's number, a dot, the task statement's number within the domain.
CODE_RE = re.compile(r"(?P<domain>[1-9][0-9]*)\.(?P<number>[1-9][0-9]*)")
WEIGHT_TOTAL = 100  # domain weights are percentages of the scored content
# Characters a learner may put between words, or leave out, without changing a title.
SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015_·:]+")
# "Domain <n>: <title>" (or the Korean word for domain): the guide's way of writing a heading.
DOMAIN_PREFIX_RE = re.compile(r"(?:domain|도메인)\s*(?P<number>[0-9]+)\s*[:.\-–—)]?\s*", re.I)


@dataclass(frozen=True)
class TaskStatement:
    code: str  # "<domain>.<n>"
    domain: int  # the number of the domain it belongs to
    title: str  # Korean
    title_en: str  # as the exam guide writes it
    order: int  # 1-based position within its domain, as listed in the file
    line: int


@dataclass(frozen=True)
class Domain:
    number: int
    title: str  # Korean
    title_en: str  # as the exam guide writes it
    weight: int  # percent of the scored content
    order: int  # 1-based position in the file
    task_statements: tuple[TaskStatement, ...]
    line: int


@dataclass(frozen=True)
class Category:
    """A category of the guide's appendix of in-scope services ("Analytics", "Storage", ...)."""

    name: str  # Korean
    name_en: str  # as the guide's appendix writes it
    line: int


@dataclass(frozen=True)
class Blueprint:
    path: str
    code: str  # the exam code
    name: str
    name_en: str
    guide_version: str
    questions: int  # in one sitting: scored + unscored
    scored_questions: int
    unscored_questions: int
    minutes: int
    passing_score: int
    score_min: int
    score_max: int
    domains: tuple[Domain, ...]
    categories: tuple[Category, ...]

    @property
    def task_statements(self) -> tuple[TaskStatement, ...]:
        return tuple(task for domain in self.domains for task in domain.task_statements)

    def domain(self, number: int) -> Domain:
        for domain in self.domains:
            if domain.number == number:
                return domain
        raise KeyError(number)

    def task_statement(self, code: str) -> TaskStatement:
        for task in self.task_statements:
            if task.code == code:
                return task
        raise KeyError(code)

    def category(self, name_en: str) -> Category:
        for category in self.categories:
            if category.name_en == name_en:
                return category
        raise KeyError(name_en)


def title_key(text: str) -> str:
    """How a title is compared: compatibility forms folded, case, spacing and hyphens ignored.

    "Design Well-Built Things", "design well built things" and "DESIGN WELL‐BUILT THINGS"
    (with a Unicode hyphen) give the same key.
    """
    return SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


# --- Reading the file -------------------------------------------------------------------------

EXAM_INTEGERS = (
    "questions",
    "scored_questions",
    "unscored_questions",
    "minutes",
    "passing_score",
    "score_min",
    "score_max",
)


def _read_task(
    reader: Reader, node: yaml.Node, domain: int | None, order: int
) -> TaskStatement | None:
    fields = reader.mapping(node, "a task statement", ("code", "title", "title_en"))
    if fields is None:
        return None
    code = reader.code(fields["code"], "code") if "code" in fields else ""
    match = CODE_RE.fullmatch(code)
    if code and match is None:
        reader.problem(fields["code"], f'code {code!r} must look like "<domain>.<number>"')
    elif match is not None and domain is not None and int(match["domain"]) != domain:
        reader.problem(fields["code"], f"code {code!r} does not belong to domain {domain}")
    return TaskStatement(
        code=code,
        domain=domain or 0,
        title=reader.text(fields["title"], "title") if "title" in fields else "",
        title_en=reader.text(fields["title_en"], "title_en") if "title_en" in fields else "",
        order=order,
        line=line_of(node),
    )


def _read_domain(reader: Reader, node: yaml.Node, order: int) -> Domain | None:
    fields = reader.mapping(
        node, "a domain", ("number", "title", "title_en", "weight", "task_statements")
    )
    if fields is None:
        return None
    number = reader.integer(fields["number"], "number") if "number" in fields else None
    if number == 0:
        reader.problem(fields["number"], "number must be at least 1")
        number = None
    weight = reader.integer(fields["weight"], "weight") if "weight" in fields else None
    if weight is not None and not 0 < weight <= WEIGHT_TOTAL:
        reader.problem(fields["weight"], f"weight must be between 1 and {WEIGHT_TOTAL}")
    tasks: list[TaskStatement] = []
    if "task_statements" in fields:
        items = reader.sequence(fields["task_statements"], "task_statements")
        if not items and isinstance(fields["task_statements"], yaml.SequenceNode):
            reader.problem(fields.line_of("task_statements"), "a domain needs task statements")
        for position, item in enumerate(items, start=1):
            task = _read_task(reader, item, number, position)
            if task is not None:
                tasks.append(task)
    return Domain(
        number=number or 0,
        title=reader.text(fields["title"], "title") if "title" in fields else "",
        title_en=reader.text(fields["title_en"], "title_en") if "title_en" in fields else "",
        weight=weight or 0,
        order=order,
        task_statements=tuple(tasks),
        line=line_of(node),
    )


def _read_category(reader: Reader, node: yaml.Node) -> Category | None:
    fields = reader.mapping(node, "a category", ("name", "name_en"))
    if fields is None:
        return None
    return Category(
        name=reader.text(fields["name"], "name") if "name" in fields else "",
        name_en=reader.text(fields["name_en"], "name_en") if "name_en" in fields else "",
        line=line_of(node),
    )


def _check_unique(reader: Reader, values: list[tuple[str, int]], what: str) -> None:
    """Report every value (already normalised by the caller) seen before, at its second line."""
    seen: dict[str, int] = {}
    for value, line in values:
        if not value:
            continue
        if value in seen:
            reader.problem(line, f"{what} repeats line {seen[value]}")
        seen.setdefault(value, line)


def _read_exam(reader: Reader, node: yaml.Node, line: int) -> tuple[dict[str, str], dict[str, int]]:
    """The exam's texts and numbers by key; only valid values are returned."""
    fields = reader.mapping(
        node, "exam", ("code", "name", "name_en", "guide_version", *EXAM_INTEGERS), line=line
    )
    texts: dict[str, str] = {}
    numbers: dict[str, int] = {}
    if fields is None:
        return texts, numbers
    for key in ("code", "name", "name_en", "guide_version"):
        if key in fields:
            texts[key] = reader.text(fields[key], key)
    for key in EXAM_INTEGERS:
        if key in fields and (value := reader.integer(fields[key], key)) is not None:
            numbers[key] = value
    count = ("questions", "scored_questions", "unscored_questions")
    if set(count) <= numbers.keys() and numbers[count[0]] != numbers[count[1]] + numbers[count[2]]:
        reader.problem(
            fields["questions"], "questions must equal scored_questions + unscored_questions"
        )
    score = ("score_min", "passing_score", "score_max")
    if (
        set(score) <= numbers.keys()
        and not numbers[score[0]] < numbers[score[1]] <= numbers[score[2]]
    ):
        reader.problem(
            fields["passing_score"], "passing_score must lie above score_min, up to score_max"
        )
    return texts, numbers


def parse_blueprint(text: str, path: str) -> Blueprint:
    """Parse and check a blueprint file; raise SourceError listing every problem."""
    reader = Reader(path)
    root = reader.mapping(
        compose(text, path), "the file", ("exam", "domains", "categories"), line=1
    )
    if root is None:
        reader.fail()

    texts: dict[str, str] = {}
    numbers: dict[str, int] = {}
    if "exam" in root:
        texts, numbers = _read_exam(reader, root["exam"], root.line_of("exam"))

    domains: list[Domain] = []
    if "domains" in root:
        items = reader.sequence(root["domains"], "domains")
        if not items and isinstance(root["domains"], yaml.SequenceNode):
            reader.problem(root.line_of("domains"), "the exam needs domains")
        for order, item in enumerate(items, start=1):
            domain = _read_domain(reader, item, order)
            if domain is not None:
                domains.append(domain)
        total = sum(domain.weight for domain in domains)
        if domains and all(domain.weight for domain in domains) and total != WEIGHT_TOTAL:
            reader.problem(
                root.line_of("domains"), f"domain weights add up to {total}, not {WEIGHT_TOTAL}"
            )
    tasks = [task for domain in domains for task in domain.task_statements]
    _check_unique(reader, [(str(d.number), d.line) for d in domains if d.number], "number")
    _check_unique(reader, [(t.code, t.line) for t in tasks], "task statement code")
    # Titles are how a notes heading names its domain, so no two may read alike.
    _check_unique(
        reader,
        [(title_key(title), d.line) for d in domains for title in (d.title, d.title_en)],
        "domain title",
    )

    categories: list[Category] = []
    if "categories" in root:
        for item in reader.sequence(root["categories"], "categories"):
            category = _read_category(reader, item)
            if category is not None:
                categories.append(category)
    _check_unique(reader, [(c.name_en, c.line) for c in categories], "category name_en")
    _check_unique(reader, [(c.name, c.line) for c in categories], "category name")

    reader.raise_problems()
    return Blueprint(
        path=path,
        code=texts["code"],
        name=texts["name"],
        name_en=texts["name_en"],
        guide_version=texts["guide_version"],
        questions=numbers["questions"],
        scored_questions=numbers["scored_questions"],
        unscored_questions=numbers["unscored_questions"],
        minutes=numbers["minutes"],
        passing_score=numbers["passing_score"],
        score_min=numbers["score_min"],
        score_max=numbers["score_max"],
        domains=tuple(domains),
        categories=tuple(categories),
    )


def load_blueprint(file: Path, path: str) -> Blueprint:
    """Read and check the blueprint `file`, reporting problems against the name `path`."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SourceError([Problem(path, None, f"cannot read: {exc.strerror or exc}")]) from exc
    return parse_blueprint(decode_utf8(data, path), path)


# --- The notes' "# " heading names a domain ---------------------------------------------------


class UnknownDomainError(ValueError):
    """A notes title that names no domain of the blueprint; the message lists what is accepted."""

    def __init__(self, message: str, accepted: tuple[str, ...]) -> None:
        super().__init__(message)
        self.accepted = accepted


def domain_titles(blueprint: Blueprint) -> tuple[str, ...]:
    """Every title a notes heading may use, English then Korean for each domain in order."""
    return tuple(title for d in blueprint.domains for title in (d.title_en, d.title))


def match_domain_heading(text: str, blueprint: Blueprint) -> Domain:
    """The domain a notes `# ` heading names by its English or Korean title.

    Case, spacing and hyphens do not matter, and the guide's "Domain <n>: <title>" form is accepted
    when its number is that title's domain. Raise UnknownDomainError otherwise.
    """
    accepted = domain_titles(blueprint)
    listing = "; ".join(f'"{title}"' for title in accepted)
    heading = text.strip()
    number: int | None = None
    prefix = DOMAIN_PREFIX_RE.match(unicodedata.normalize("NFKC", heading))
    rest = heading
    if prefix is not None:
        number = int(prefix["number"])
        rest = unicodedata.normalize("NFKC", heading)[prefix.end() :]
    key = title_key(rest)
    for domain in blueprint.domains:
        if key and key in (title_key(domain.title), title_key(domain.title_en)):
            if number is not None and number != domain.number:
                raise UnknownDomainError(
                    f'"{heading}": "{rest.strip()}" is domain {domain.number}, not {number}',
                    accepted,
                )
            return domain
    raise UnknownDomainError(
        f'"{heading}" names no {blueprint.code} domain; the "# " title must be one of: {listing}',
        accepted,
    )
