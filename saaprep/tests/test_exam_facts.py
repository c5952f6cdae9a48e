"""No production code names a fact of the exam: its domains, task statements and weights are data.

Every page takes them from the blueprint rows, built from notes/exam/*.blueprint.yaml; a title,
a "Domain <n>", a task statement code or a weight written into a module or a template would go
stale the day the guide changes. This reads every production Python module, template and
script, and fails on any of them, with the file and line.

Left out, on purpose: tests (they pin the real blueprint's figures), migrations (history: 0003
names the task statement codes the schema before it allowed, to say what it can reverse),
notes/ (the data itself) and the README (its example of notes needs a real heading).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from cards.blueprint import Blueprint
from cards.tests.factories import committed_blueprint

BASE = Path(settings.BASE_DIR)
APPS = ("accounts", "cards", "study", "classrooms", "saaprep", "bench")
SUFFIXES = (".py", ".html", ".js", ".txt")


def production_files() -> list[Path]:
    roots = [BASE / app for app in APPS] + [BASE / "templates", BASE / "static", BASE / "bin"]
    files = [
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file()
        and (path.suffix in SUFFIXES or path.parent.name == "bin")
        and not {"tests", "migrations", "__pycache__"} & set(path.relative_to(BASE).parts)
    ]
    return [*sorted(files), BASE / "pyproject.toml"]


def fact_patterns(blueprint: Blueprint) -> list[tuple[str, re.Pattern[str]]]:
    patterns = [("a domain by number", re.compile(r"\b(?:domain|도메인)\s*[0-9]+\b", re.I))]
    for domain in blueprint.domains:
        patterns += [
            ("a domain title", re.compile(re.escape(domain.title_en), re.I)),
            ("a domain title", re.compile(re.escape(domain.title))),
            # 24 % written as a fraction or a percentage.
            ("a weight", re.compile(rf"(?<![\w.])0\.{domain.weight:02d}(?![\d])")),
            ("a weight", re.compile(rf"(?<![\w.]){domain.weight}\s?(?:%|percent)")),
        ]
    for task in blueprint.task_statements:
        code = re.escape(task.code)
        patterns += [
            ("a task statement title", re.compile(re.escape(task.title_en), re.I)),
            ("a task statement title", re.compile(re.escape(task.title))),
            # A code as a string, or leading a title ("3.2 Design ..."); a version number or
            # a float in a formula is neither.
            ("a task statement code", re.compile(rf"""["']{code}["']""")),
            ("a task statement code", re.compile(rf"(?<![\w.]){code}\s+[A-Z가-힣]")),
        ]
    return patterns


def findings(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[int, str]]:
    return [
        (number, what)
        for number, line in enumerate(text.splitlines(), start=1)
        for what, pattern in patterns
        if pattern.search(line)
    ]


@pytest.mark.parametrize(
    "line",
    [
        'return _("Domain 3: Design High-Performing Architectures")',
        "DOMAIN_WEIGHT = 0.24",
        "Domain 3 is 24% of the scored exam.",
        'TASK_STATEMENTS = ("3.1", "3.2")',
        '_("3.5 Determine high-performing data ingestion and transformation solutions")',
        "도메인 3: 고성능 아키텍처 설계",
        'code == "4.4"',
    ],
)
def test_the_check_finds_exam_facts(line: str) -> None:
    assert findings(line, fact_patterns(committed_blueprint()))


@pytest.mark.parametrize(
    "line",
    [
        "stability = {Rating.HARD: 1.2, Rating.GOOD: 3.0}[rating]",
        "# YAML 1.1 would also read 0x1F as an integer",
        'label = f"{task.code} {task.title}"',
        "max_length=20",
        "opacity: 0.2;",
    ],
)
def test_the_check_leaves_ordinary_code_alone(line: str) -> None:
    assert findings(line, fact_patterns(committed_blueprint())) == []


def test_no_production_code_names_a_domain_task_statement_or_weight() -> None:
    patterns = fact_patterns(committed_blueprint())
    found = [
        f"{path.relative_to(BASE)}:{number}: {what}"
        for path in production_files()
        for number, what in findings(path.read_text(encoding="utf-8", errors="replace"), patterns)
    ]
    assert found == [], "exam facts belong in notes/exam/, not in code:\n" + "\n".join(found)


def test_the_check_reads_the_code_it_guards() -> None:
    names = {path.relative_to(BASE).as_posix() for path in production_files()}
    assert {
        "study/progress.py",
        "study/exam_services.py",
        "cards/content.py",
        "templates/home.html",
        "templates/study/progress.html",
        "pyproject.toml",
    } <= names
    assert not any("/tests/" in name or "/migrations/" in name for name in names)
