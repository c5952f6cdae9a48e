"""The exam blueprint file: the committed facts, every check with its line, domain headings."""

from pathlib import Path

import pytest

from cards.blueprint import (
    Blueprint,
    UnknownDomainError,
    domain_titles,
    load_blueprint,
    match_domain_heading,
    parse_blueprint,
    title_key,
)
from cards.notes import SourceError, read_notes

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINT = "notes/exam/saa-c03.blueprint.yaml"
PATH = "notes/exam/x.blueprint.yaml"


@pytest.fixture(scope="module")
def blueprint() -> Blueprint:
    return load_blueprint(ROOT / BLUEPRINT, BLUEPRINT)


# --- The committed file says what the exam guide (v1.0) says -----------------------------------


def test_exam_format_is_the_guides(blueprint: Blueprint) -> None:
    assert blueprint.code == "SAA-C03"
    assert blueprint.name_en == "AWS Certified Solutions Architect – Associate"
    assert blueprint.guide_version == "1.0"
    assert (blueprint.scored_questions, blueprint.unscored_questions) == (50, 15)
    assert blueprint.questions == 65
    assert blueprint.minutes == 130
    assert (blueprint.score_min, blueprint.passing_score, blueprint.score_max) == (100, 720, 1000)


@pytest.mark.parametrize(
    ("number", "title_en", "weight", "codes"),
    [
        (1, "Design Secure Architectures", 30, ["1.1", "1.2", "1.3"]),
        (2, "Design Resilient Architectures", 26, ["2.1", "2.2"]),
        (3, "Design High-Performing Architectures", 24, ["3.1", "3.2", "3.3", "3.4", "3.5"]),
        (4, "Design Cost-Optimized Architectures", 20, ["4.1", "4.2", "4.3", "4.4"]),
    ],
)
def test_domains_are_the_guides(
    blueprint: Blueprint, number: int, title_en: str, weight: int, codes: list[str]
) -> None:
    domain = blueprint.domain(number)
    assert (domain.title_en, domain.weight, domain.order) == (title_en, weight, number)
    assert [task.code for task in domain.task_statements] == codes
    assert [task.order for task in domain.task_statements] == list(range(1, len(codes) + 1))
    assert all(task.domain == number for task in domain.task_statements)
    assert domain.title  # the Korean translation


@pytest.mark.parametrize(
    ("code", "title_en"),
    [
        ("1.1", "Design secure access to AWS resources"),
        ("1.2", "Design secure workloads and applications"),
        ("1.3", "Determine appropriate data security controls"),
        ("2.1", "Design scalable and loosely coupled architectures"),
        ("2.2", "Design highly available and/or fault-tolerant architectures"),
        ("3.1", "Determine high-performing and/or scalable storage solutions"),
        ("3.2", "Design high-performing and elastic compute solutions"),
        ("3.3", "Determine high-performing database solutions"),
        ("3.4", "Determine high-performing and/or scalable network architectures"),
        ("3.5", "Determine high-performing data ingestion and transformation solutions"),
        ("4.1", "Design cost-optimized storage solutions"),
        ("4.2", "Design cost-optimized compute solutions"),
        ("4.3", "Design cost-optimized database solutions"),
        ("4.4", "Design cost-optimized network architectures"),
    ],
)
def test_task_statement_titles_are_the_guides(
    blueprint: Blueprint, code: str, title_en: str
) -> None:
    task = blueprint.task_statement(code)
    assert task.title_en == title_en
    assert task.title and task.title != task.title_en


def test_weights_add_up_to_100_and_codes_are_unique(blueprint: Blueprint) -> None:
    assert sum(domain.weight for domain in blueprint.domains) == 100
    codes = [task.code for task in blueprint.task_statements]
    assert len(codes) == len(set(codes)) == 14


def test_categories_are_the_appendix_headings_in_order(blueprint: Blueprint) -> None:
    assert [category.name_en for category in blueprint.categories] == [
        "Analytics",
        "Application Integration",
        "AWS Cost Management",
        "Compute",
        "Containers",
        "Database",
        "Developer Tools",
        "Front-End Web and Mobile",
        "Machine Learning",
        "Management and Governance",
        "Media Services",
        "Migration and Transfer",
        "Networking and Content Delivery",
        "Security, Identity, and Compliance",
        "Serverless",
        "Storage",
    ]
    assert all(category.name for category in blueprint.categories)


def test_lookups_of_unknown_codes_raise_key_error(blueprint: Blueprint) -> None:
    with pytest.raises(KeyError):
        blueprint.domain(5)
    with pytest.raises(KeyError):
        blueprint.task_statement("3.6")
    with pytest.raises(KeyError):
        blueprint.category("Internet of Things")


# --- Every check, from a small bad file --------------------------------------------------------

GOOD = """\
exam:
  code: X-01
  name: 시험
  name_en: Exam
  guide_version: "1.0"
  questions: 12
  scored_questions: 10
  unscored_questions: 2
  minutes: 60
  passing_score: 700
  score_min: 100
  score_max: 1000
domains:
  - number: 1
    title: 첫째
    title_en: First
    weight: 60
    task_statements:
      - {code: "1.1", title: 일, title_en: One}
      - {code: "1.2", title: 이, title_en: Two}
  - number: 2
    title: 둘째
    title_en: Second
    weight: 40
    task_statements:
      - {code: 2.1, title: 삼, title_en: Three}
categories:
  - {name: 분석, name_en: Analytics}
"""


def test_a_small_good_file_parses() -> None:
    blueprint = parse_blueprint(GOOD, PATH)
    assert [domain.number for domain in blueprint.domains] == [1, 2]
    assert [task.code for task in blueprint.task_statements] == ["1.1", "1.2", "2.1"]
    assert blueprint.task_statement("2.1").domain == 2
    assert blueprint.domain(2).line == 21
    assert blueprint.category("Analytics").name == "분석"


def problems_of(text: str) -> list[str]:
    with pytest.raises(SourceError) as info:
        parse_blueprint(text, PATH)
    return [str(problem) for problem in info.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("weight: 40", "weight: 30", "13: domain weights add up to 90, not 100"),
        ("weight: 40", "weight: 0", "24: weight must be between 1 and 100"),
        ("weight: 40", "weight: 40%", "24: weight must be a whole number"),
        ("weight: 40", "weight: 4.0e1", "24: weight must be a whole number"),
        ("number: 2", "number: 1", "21: number repeats line 14"),
        ("number: 2", "number: 0", "21: number must be at least 1"),
        ('{code: "1.2"', '{code: "1.1"', "20: task statement code repeats line 19"),
        ("{code: 2.1", "{code: 1.3", "26: code '1.3' does not belong to domain 2"),
        ('{code: "1.2"', '{code: "1-2"', "20: code '1-2' must look like \"<domain>.<number>\""),
        ('{code: "1.2"', "{code: [1]", '20: code must be a code written "<domain>.<n>"'),
        ("title_en: Second", "title_en: FIRST", "21: domain title repeats line 14"),
        ("title: 둘째", "title_en: Twice", "23: a domain repeats the key 'title_en'"),
        ("title: 둘째", "titel: 둘째", "22: unknown key 'titel' in a domain"),
        ("    title: 둘째\n", "", "21: a domain has no 'title'"),
        ("title: 둘째", 'title: ""', "22: title is empty"),
        ("title: 둘째", "title: 2", "22: title must be text"),
        ("questions: 12", "questions: 13", "6: questions must equal scored_questions + unscored"),
        ("passing_score: 700", "passing_score: 1001", "10: passing_score must lie above"),
        ("passing_score: 700", "passing_score: 100", "10: passing_score must lie above"),
        ("  minutes: 60\n", "", "1: exam has no 'minutes'"),
        ("code: X-01", "code: [X]", "2: code must be text"),
        (
            "  - {name: 분석, name_en: Analytics}\n",
            "  - {name: 분석, name_en: Analytics}\n  - {name: 통계, name_en: Analytics}\n",
            "29: category name_en repeats line 28",
        ),
        (
            "  - {name: 분석, name_en: Analytics}",
            "  - Analytics",
            "28: a category must be a mapping",
        ),
        ("categories:", "kategories:", "27: unknown key 'kategories' in the file"),
        (
            "    task_statements:\n      - {code: 2.1, title: 삼, title_en: Three}",
            "    task_statements: []",
            "25: a domain needs task statements",
        ),
        (
            "    task_statements:\n      - {code: 2.1, title: 삼, title_en: Three}",
            "    task_statements: {code: 2.1}",
            "25: task_statements must be a list",
        ),
        ("domains:", "domains: []\nx:", "13: the exam needs domains"),
        ("  code: X-01", "  code: X-01\n   bad: indent", "3: "),
    ],
)
def test_each_problem_is_reported_at_its_line(old: str, new: str, problem: str) -> None:
    assert old in GOOD
    problems = problems_of(GOOD.replace(old, new, 1))
    assert any(line.startswith(f"{PATH}:{problem}") for line in problems), problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "1: file is empty"),
        ("# only a comment\n", "1: file is empty"),
        ("- a list\n", "1: the file must be a mapping"),
        ("exam: {}\n---\nexam: {}\n", "2: expected a single document in the stream, but found"),
        ("exam: [\n", "2: while parsing a flow node"),
    ],
)
def test_files_that_are_not_a_blueprint_are_refused(text: str, problem: str) -> None:
    problems = problems_of(text)
    assert any(line.startswith(f"{PATH}:{problem}") for line in problems), problems


def test_all_problems_of_a_file_are_reported_together_in_line_order() -> None:
    text = GOOD.replace("weight: 40", "weight: 30").replace("number: 2", "number: 1")
    problems = problems_of(text)
    assert problems == [
        f"{PATH}:13: domain weights add up to 90, not 100",
        f"{PATH}:21: number repeats line 14",
        f"{PATH}:26: code '2.1' does not belong to domain 1",
    ]


def test_an_unreadable_file_is_a_problem_without_a_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        load_blueprint(tmp_path / "missing.yaml", "notes/exam/missing.yaml")
    assert str(info.value).startswith("notes/exam/missing.yaml: cannot read:")


# --- The notes' "# " heading names the domain ---------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("Design High-Performing Architectures", 3),
        ("design high-performing architectures", 3),
        ("Design High Performing Architectures", 3),
        ("  DESIGN HIGH‐PERFORMING   ARCHITECTURES  ", 3),  # a Unicode hyphen, extra spaces
        ("고성능 아키텍처 설계", 3),
        ("고성능아키텍처설계", 3),
        ("Domain 3: Design High-Performing Architectures", 3),
        ("도메인 3: 고성능 아키텍처 설계", 3),
        ("Design Secure Architectures", 1),
        ("복원력 있는 아키텍처 설계", 2),
        ("Design Cost-Optimized Architectures", 4),
        ("Domain 4 - Design Cost-Optimized Architectures", 4),
    ],
)
def test_a_heading_names_its_domain_in_english_or_korean(
    blueprint: Blueprint, heading: str, number: int
) -> None:
    assert match_domain_heading(heading, blueprint).number == number


@pytest.mark.parametrize(
    ("heading", "message"),
    [
        ("Design Fast Architectures", '"Design Fast Architectures" names no SAA-C03 domain'),
        ("Domain 3", '"Domain 3" names no SAA-C03 domain'),
        ("", '"" names no SAA-C03 domain'),
        (
            "Domain 2: Design High-Performing Architectures",
            '"Domain 2: Design High-Performing Architectures": '
            '"Design High-Performing Architectures" is domain 3, not 2',
        ),
        ("High-Performing Architectures 정리", "names no SAA-C03 domain"),
    ],
)
def test_an_unknown_heading_is_refused_with_the_accepted_titles(
    blueprint: Blueprint, heading: str, message: str
) -> None:
    with pytest.raises(UnknownDomainError) as info:
        match_domain_heading(heading, blueprint)
    assert message in str(info.value)
    assert info.value.accepted == domain_titles(blueprint)
    assert "Design Secure Architectures" in info.value.accepted
    assert "고성능 아키텍처 설계" in info.value.accepted


def test_the_refusal_lists_every_title_in_both_languages(blueprint: Blueprint) -> None:
    with pytest.raises(UnknownDomainError) as info:
        match_domain_heading("Operational Excellence", blueprint)
    for domain in blueprint.domains:
        assert f'"{domain.title_en}"' in str(info.value)
        assert f'"{domain.title}"' in str(info.value)


def test_the_seed_notes_title_names_domain_3(blueprint: Blueprint) -> None:
    path = "notes/design-high-performing-architectures.md"
    notes = read_notes(ROOT / path, path)
    assert notes.title is not None
    assert match_domain_heading(notes.title, blueprint).number == 3


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Design High-Performing Architectures", "design high performing architectures"),
        ("ＤＥＳＩＧＮ", "design"),  # full-width letters
        ("고성능 아키텍처 설계", "고성능아키텍처설계"),
        ("a_b·c", "abc"),
    ],
)
def test_title_key_ignores_case_spacing_and_hyphens(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)
