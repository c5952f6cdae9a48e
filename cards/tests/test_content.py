"""Notes + exam YAML -> fixture records: which-service questions, keys, citations, YAML errors."""

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from cards.content import (
    MASK,
    WHICH_PROMPT,
    WHICH_PROMPT_EN,
    Compiled,
    NotesFile,
    build_fixture,
    compile_notes,
    first_link_url,
    parse_exam,
)
from cards.examfiles import exam_files
from cards.notes import SourceError

NOTES_PATH = "notes/domain.md"
EXAM_PATH = "notes/domain.exam.yaml"

NOTES = """\
# Design High-Performing Architectures

## Lambda
* What runs code without servers?
    > * [AWS Lambda](https://aws.amazon.com/lambda/) runs code.
    * > Lambda layers share code between functions.

## Amazon S3
* Where do objects live?
  > * Amazon S3 stores objects.
## EC2
* Virtual machines?
> * Amazon EC2 gives instances; ec2 user data runs once.
## AWS Fargate
* Containers without servers?
* > AWS Fargate runs containers.
## Amazon EFS
* Shared files?
\t> * EFS is an NFS file system.
"""

EXAM = """\
notes: domain.md
domain:
  name_en: Domain Title EN
  description: 도메인 설명
  description_en: Domain description
topics:
  - {heading: Lambda, slug: lambda, task_statement: "3.2", service: AWS Lambda, mask: [Lambda], summary: 람다 요약, summary_en: Lambda summary, description: 람다 덱, description_en: Lambda deck}
  - {heading: Amazon S3, slug: amazon-s3, task_statement: "3.1", service: Amazon S3, mask: [S3], summary: S3 요약, summary_en: S3 summary, description: S3 덱, description_en: S3 deck}
  - {heading: EC2, slug: ec2, task_statement: "3.2", service: Amazon EC2, mask: [EC2], summary: EC2 요약, summary_en: EC2 summary, description: EC2 덱, description_en: EC2 deck}
  - {heading: AWS Fargate, slug: aws-fargate, task_statement: 3.2, service: AWS Fargate, mask: [Fargate], summary: 파게이트 요약, summary_en: Fargate summary, description: 파게이트 덱, description_en: Fargate deck}
  - {heading: Amazon EFS, slug: amazon-efs, task_statement: "3.1", service: Amazon EFS, mask: [EFS], summary: EFS 요약, summary_en: EFS summary, description: EFS 덱, description_en: EFS deck}
notes_en:
  4: What runs code without servers?
  5: "[AWS Lambda](https://aws.amazon.com/lambda/) runs code."
questions:
  - key: lambda-exam-1
    topic: lambda
    kind: single
    cites: [4, 6]
    prompt: 람다 문제
    prompt_en: Lambda question
    explanation: 설명
    explanation_en: Explanation
    answers:
      - {text: AWS Lambda, text_en: AWS Lambda, correct: true, why: 맞음, why_en: Right, url: "https://docs.aws.amazon.com/lambda/"}
      - {text: Amazon EC2, text_en: Amazon EC2, correct: false, why: 틀림, why_en: Wrong}
"""  # noqa: E501 - one flow mapping per topic keeps the YAML line numbers easy to read


def sources(notes: str = NOTES, exam: str | None = EXAM) -> list[NotesFile]:
    return [NotesFile(NOTES_PATH, notes, NOTES_PATH, EXAM_PATH, exam)]


def build(notes: str = NOTES, exam: str | None = EXAM) -> list[dict[str, Any]]:
    files = exam_files()
    return build_fixture(
        sources(notes, exam), blueprint=files.blueprint, catalog=files.catalog
    ).records


def problems(notes: str = NOTES, exam: str | None = EXAM) -> list[str]:
    with pytest.raises(SourceError) as info:
        build(notes, exam)
    return [str(problem) for problem in info.value.problems]


def by_model(records: list[dict[str, Any]], model: str) -> list[dict[str, Any]]:
    return [record["fields"] for record in records if record["model"] == f"cards.{model}"]


def question(records: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(fields for fields in by_model(records, "question") if fields["key"] == key)


def answers(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [fields for fields in by_model(records, "answer") if fields["question"] == [key]]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("no link", ""),
        ("[a](https://a.test/x) and [b](https://b.test/)", "https://a.test/x"),
        ("[rel](docs/x.md) then [b](http://b.test/)", "http://b.test/"),
        ('[t](https://t.test/p "title")', "https://t.test/p"),
        ("bare https://a.test/ is no link", ""),
    ],
)
def test_first_link_url(text: str, url: str) -> None:
    assert first_link_url(text) == url


def test_topics_keys_and_order() -> None:
    records = build()
    models = [record["model"] for record in records]
    order = [
        "cards.certification",
        "cards.domain",
        "cards.taskstatement",
        "cards.topic",
        "cards.question",
        "cards.answer",
        "cards.deck",
    ]
    assert models == sorted(models, key=order.index)
    assert all("pk" not in record for record in records)
    domain = ["SAA-C03", 3]
    assert by_model(records, "topic") == [
        {
            "slug": "lambda",
            "name": "Lambda",
            "domain": domain,
            "task_statement": ["SAA-C03", "3.2"],
            "service": "aws-lambda",
            "order": 1,
        },
        {
            "slug": "amazon-s3",
            "name": "Amazon S3",
            "domain": domain,
            "task_statement": ["SAA-C03", "3.1"],
            "service": "amazon-s3",
            "order": 2,
        },
        {
            "slug": "ec2",
            "name": "EC2",
            "domain": domain,
            "task_statement": ["SAA-C03", "3.2"],
            "service": "amazon-ec2",
            "order": 3,
        },
        {
            "slug": "aws-fargate",
            "name": "AWS Fargate",
            "domain": domain,
            "task_statement": ["SAA-C03", "3.2"],
            "service": "aws-fargate",
            "order": 4,
        },
        {
            "slug": "amazon-efs",
            "name": "Amazon EFS",
            "domain": domain,
            "task_statement": ["SAA-C03", "3.1"],
            "service": "amazon-efs",
            "order": 5,
        },
    ]
    lambda_questions = [
        (fields["key"], fields["origin"], fields["kind"], fields["order"])
        for fields in by_model(records, "question")
        if fields["topic"] == ["lambda"]
    ]
    assert lambda_questions == [
        ("lambda-note-1", "note", "flashcard", 1),
        ("lambda-which-service-5", "which", "single", 2),
        ("lambda-which-service-6", "which", "single", 3),
        ("lambda-exam-1", "exam", "single", 4),
    ]


def test_note_question_cites_its_lines_and_answers_keep_links() -> None:
    records = build()
    note = question(records, "lambda-note-1")
    source_text = (
        "* What runs code without servers?\n"
        "    > * [AWS Lambda](https://aws.amazon.com/lambda/) runs code.\n"
        "    * > Lambda layers share code between functions."
    )
    assert note == {
        "key": "lambda-note-1",
        "topic": ["lambda"],
        "task_statement": None,
        "kind": "flashcard",
        "origin": "note",
        "prompt": "What runs code without servers?",
        "prompt_en": "What runs code without servers?",
        "explanation": "",
        "explanation_en": "",
        "source_file": "notes/domain.md",
        "source_first_line": 4,
        "source_last_line": 6,
        "source_text": source_text,
        "source_hash": hashlib.sha256(source_text.encode()).hexdigest(),
        "note_flags": [],
        "retired_at": None,
        "order": 1,
    }
    assert answers(records, "lambda-note-1") == [
        {
            "question": ["lambda-note-1"],
            "text": "[AWS Lambda](https://aws.amazon.com/lambda/) runs code.",
            "text_en": "[AWS Lambda](https://aws.amazon.com/lambda/) runs code.",
            "is_correct": True,
            "explanation": "",
            "explanation_en": "",
            "reference_url": "https://aws.amazon.com/lambda/",
            "order": 1,
        },
        {
            "question": ["lambda-note-1"],
            "text": "Lambda layers share code between functions.",
            "text_en": "",
            "is_correct": True,
            "explanation": "",
            "explanation_en": "",
            "reference_url": "",
            "order": 2,
        },
    ]


def test_which_question_masks_the_service_and_explains_every_option() -> None:
    records = build()
    which = question(records, "lambda-which-service-5")
    assert which["prompt"] == WHICH_PROMPT + f"{MASK} runs code."
    assert which["prompt_en"] == WHICH_PROMPT_EN + f"{MASK} runs code."
    assert (which["source_first_line"], which["source_last_line"]) == (5, 5)
    assert which["source_text"] == "    > * [AWS Lambda](https://aws.amazon.com/lambda/) runs code."
    assert question(records, "lambda-which-service-6")["prompt_en"] == ""
    assert question(records, "ec2-which-service-13")["prompt"].endswith(
        f"{MASK} gives instances; {MASK} user data runs once."
    )

    options = answers(records, "lambda-which-service-5")
    assert [option["order"] for option in options] == [1, 2, 3, 4]
    assert all(option["text"] == option["text_en"] for option in options)
    right = [option for option in options if option["is_correct"]]
    assert len(right) == 1
    assert right[0]["text"] == "AWS Lambda"
    # Why it is right: what the catalog says the service is for, then where the line is.
    assert right[0]["explanation"] == (
        "AWS Lambda: 서버를 프로비저닝하거나 관리하지 않고 이벤트에 응답해 코드를 실행하는 "
        "서버리스 컴퓨팅 서비스. 이 설명은 노트의 Lambda 항목(5행)에서 나왔습니다."
    )
    assert right[0]["explanation_en"] == (
        "AWS Lambda: Serverless compute service that runs code in response to events without "
        "provisioning or managing servers. The statement is line 5 of the Lambda section of the "
        "notes."
    )
    assert right[0]["reference_url"] == "https://aws.amazon.com/lambda/"
    # The wrong options come from the catalog (Lambda's confusion group), not from the other
    # topics of the file, and each says why it does not fit this statement.
    catalog = exam_files().catalog
    wrong = [option for option in options if not option["is_correct"]]
    assert {option["text"] for option in wrong} == {"AWS Fargate", "Amazon EC2", "AWS Batch"}
    for option in wrong:
        service = next(s for s in catalog.services if s.name == option["text"])
        assert "line 5" in option["explanation_en"]
        assert f"it does not describe {service.name}" in option["explanation_en"]
        assert option["reference_url"] == service.url


def test_one_which_question_per_answer_bullet_that_names_its_service() -> None:
    keys = [f["key"] for f in by_model(build(), "question") if f["origin"] == "which"]
    assert keys == [
        "lambda-which-service-5",
        "lambda-which-service-6",
        "amazon-s3-which-service-10",
        "ec2-which-service-13",
        "aws-fargate-which-service-16",
        "amazon-efs-which-service-19",
    ]


def test_exam_question_from_yaml() -> None:
    records = build()
    exam = question(records, "lambda-exam-1")
    text = "\n".join(NOTES.splitlines()[3:6])
    assert exam["origin"] == "exam"
    assert (exam["prompt"], exam["prompt_en"]) == ("람다 문제", "Lambda question")
    assert (exam["explanation"], exam["explanation_en"]) == ("설명", "Explanation")
    assert (exam["source_first_line"], exam["source_last_line"]) == (4, 6)
    assert exam["source_text"] == text
    assert exam["source_hash"] == hashlib.sha256(text.encode()).hexdigest()
    assert answers(records, "lambda-exam-1") == [
        {
            "question": ["lambda-exam-1"],
            "text": "AWS Lambda",
            "text_en": "AWS Lambda",
            "is_correct": True,
            "explanation": "맞음",
            "explanation_en": "Right",
            "reference_url": "https://docs.aws.amazon.com/lambda/",
            "order": 1,
        },
        {
            "question": ["lambda-exam-1"],
            "text": "Amazon EC2",
            "text_en": "Amazon EC2",
            "is_correct": False,
            "explanation": "틀림",
            "explanation_en": "Wrong",
            "reference_url": "",
            "order": 2,
        },
    ]


def test_decks_one_per_topic_and_one_for_the_domain() -> None:
    records = build()
    decks = by_model(records, "deck")
    all_keys = [[fields["key"]] for fields in by_model(records, "question")]
    assert [(d["slug"], d["order"]) for d in decks] == [
        ("design-high-performing-architectures", 0),
        ("lambda", 1),
        ("amazon-s3", 2),
        ("ec2", 3),
        ("aws-fargate", 4),
        ("amazon-efs", 5),
    ]
    domain = decks[0]
    assert (domain["name"], domain["name_en"]) == (
        "Design High-Performing Architectures",
        "Domain Title EN",
    )
    assert (domain["description"], domain["description_en"]) == (
        "도메인 설명",
        "Domain description",
    )
    assert domain["questions"] == all_keys
    assert domain["owner"] is None
    assert all(deck["domain"] == ["SAA-C03", 3] for deck in decks)
    assert decks[1] == {
        "slug": "lambda",
        "name": "Lambda",
        "name_en": "Lambda",
        "description": "람다 덱",
        "description_en": "Lambda deck",
        # A deck named after a service holds none of the questions whose answer it names.
        "questions": [["lambda-note-1"], ["lambda-exam-1"]],
        "owner": None,
        "domain": ["SAA-C03", 3],
        "order": 1,
    }


def test_build_is_deterministic() -> None:
    assert build() == build()


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "topic: lambda\n",
            "topic: lambada\n",
            "notes/domain.exam.yaml:17: unknown topic 'lambada'",
        ),
        (
            "cites: [4, 6]",
            "cites: [4, 10]",
            "notes/domain.exam.yaml:19: cites [4, 10] lie outside topic 'lambda' "
            "(lines 4-6 of notes/domain.md)",
        ),
        (
            "cites: [4, 6]",
            "cites: [6, 4]",
            "notes/domain.exam.yaml:19: cites [6, 4]: need 1 <= first <= last",
        ),
        (
            "cites: [4, 6]",
            "cites: 4",
            "notes/domain.exam.yaml:19: cites must be [first line, last line]",
        ),
        (
            "kind: single",
            "kind: flashcard",
            "notes/domain.exam.yaml:18: kind 'flashcard' is not one of single, multiple",
        ),
        (
            "key: lambda-exam-1",
            "key: Lambda_Exam",
            "notes/domain.exam.yaml:16: key 'Lambda_Exam' must be a slug (a-z, 0-9, single "
            "hyphens) of at most 100 chars",
        ),
        (
            "key: lambda-exam-1",
            "key: lambda-note-1",
            "notes/domain.exam.yaml:16: key 'lambda-note-1' is used twice",
        ),
        (
            'task_statement: "3.1", service: Amazon S3',
            'task_statement: "4.1", service: Amazon S3',
            "notes/domain.exam.yaml:8: task_statement '4.1' is not one of domain 3's: "
            "3.1, 3.2, 3.3, 3.4, 3.5",
        ),
        (
            "slug: amazon-s3,",
            "slug: s3,",
            "notes/domain.exam.yaml:8: slug 's3' should be 'amazon-s3'",
        ),
        (
            '  5: "[AWS',
            '  7: "[AWS',
            "notes/domain.exam.yaml:14: notes_en line 7 is not a question or answer line of "
            "notes/domain.md",
        ),
        (
            "notes: domain.md",
            "notes: other.md",
            "notes/domain.exam.yaml:1: notes: 'other.md' should be 'domain.md'",
        ),
        (
            'url: "https://docs',
            'url: "ftp://docs',
            "notes/domain.exam.yaml:25: 'url' must start with https:// or http://",
        ),
        (
            "why_en: Wrong}",
            "why_en: Wrong, colour: red}",
            "notes/domain.exam.yaml:26: unknown key 'colour' in answer",
        ),
        (
            "    prompt_en: Lambda question\n",
            "",
            "notes/domain.exam.yaml:16: question has no 'prompt_en'",
        ),
        (
            "correct: false",
            "correct: maybe",
            "notes/domain.exam.yaml:26: 'correct' must be true or false",
        ),
    ],
)
def test_yaml_errors_name_the_yaml_line(old: str, new: str, expected: str) -> None:
    assert problems(exam=replace(EXAM, old, new)) == [expected]


def test_yaml_topic_heading_must_match_the_notes() -> None:
    """A notes topic the YAML leaves out is placed by the catalog; a YAML topic the notes do
    not have is a mistake."""
    exam = replace(EXAM, "heading: Amazon EFS,", "heading: Amazon EFX,")
    assert problems(exam=exam) == [
        'notes/domain.exam.yaml:11: topic "Amazon EFX" is not a "## " heading of notes/domain.md',
    ]


def test_extra_yaml_topic_is_reported_at_its_line() -> None:
    extra = (
        '  - {heading: Amazon SQS, slug: amazon-sqs, task_statement: "3.5", service: Amazon SQS,'
        " mask: [SQS], summary: a, summary_en: a, description: a, description_en: a}\n"
    )
    exam = replace(EXAM, "notes_en:\n", extra + "notes_en:\n")
    assert problems(exam=exam) == [
        'notes/domain.exam.yaml:12: topic "Amazon SQS" is not a "## " heading of notes/domain.md'
    ]


@pytest.mark.parametrize(
    ("correct", "message"),
    [
        ("false", "exactly one correct answer"),
        ("true", "at least one wrong answer"),
    ],
)
def test_bad_answer_set_is_reported_at_the_question(correct: str, message: str) -> None:
    exam = replace(EXAM, "correct: false", f"correct: {correct}")
    exam = replace(exam, "correct: true", f"correct: {correct}")
    found = problems(exam=exam)
    assert len(found) >= 1
    assert all(
        problem.startswith("notes/domain.exam.yaml:16: lambda-exam-1: ") for problem in found
    )


def test_multiple_needs_two_correct() -> None:
    exam = replace(EXAM, "kind: single", "kind: multiple")
    (problem,) = problems(exam=exam)
    assert problem.startswith("notes/domain.exam.yaml:16: lambda-exam-1: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("notes: [unclosed\n", "notes/domain.exam.yaml:2:"),
        ("a: 1\na: 2\n", "notes/domain.exam.yaml:2: duplicate key 'a'"),
        ("- just\n- a list\n", "notes/domain.exam.yaml:1: the file must be a mapping"),
        ("notes: x\n\tdomain: y\n", "notes/domain.exam.yaml:2:"),
    ],
)
def test_yaml_syntax_errors_have_lines(text: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_exam(text, EXAM_PATH)
    assert str(info.value.problems[0]).startswith(expected)


def test_yaml_shape_problems_are_all_reported_in_line_order() -> None:
    exam = "colour: red\nnotes: domain.md\ntopics: {}\nquestions:\n  - 42\n"
    with pytest.raises(SourceError) as info:
        parse_exam(exam, EXAM_PATH)
    assert [str(problem) for problem in info.value.problems] == [
        "notes/domain.exam.yaml:1: unknown key 'colour' in the file",
        "notes/domain.exam.yaml:3: 'topics' must be a list",
        "notes/domain.exam.yaml:5: a question must be a mapping",
    ]


def test_notes_need_a_heading_naming_their_domain() -> None:
    (problem,) = problems(notes=NOTES.replace("# Design High-Performing Architectures\n", "\n"))
    assert problem.startswith(
        "notes/domain.md:1: no '# ' heading naming the SAA-C03 domain of these notes; write one "
        'before the first topic, one of: "Design Secure Architectures"; "안전한 아키텍처 설계"; '
    )


def test_a_file_of_one_service_still_has_which_questions_from_the_catalog() -> None:
    """The wrong options come from the catalog, so one topic alone is enough; a bullet that
    does not name its service is not asked."""
    notes = (
        "# Design High-Performing Architectures\n## Lambda\n* Q\n> * A\n> * AWS Lambda runs code.\n"
    )
    files = exam_files()
    built = build_fixture(
        sources(notes=notes, exam=None), blueprint=files.blueprint, catalog=files.catalog
    )
    keys = [f["key"] for f in by_model(built.records, "question")]
    assert keys == ["lambda-note-1", "lambda-which-service-5"]
    assert built.warnings == ()
    assert [(e.line, e.skipped) for e in built.which] == [
        (4, "no name of the answer in the statement: nothing to ask"),
        (5, ""),
    ]


def compile_text(notes: str, exam: str | None = None) -> Compiled:
    files = exam_files()
    return compile_notes(
        notes, "notes/mine.md", exam, blueprint=files.blueprint, catalog=files.catalog
    )


def one_topic(heading: str, title: str = "Design Resilient Architectures") -> Compiled:
    return compile_text(f"# {title}\n## {heading}\n* Q\n> * A\n## AWS Lambda\n* R\n> * B\n")


@pytest.mark.parametrize(
    ("heading", "service", "task", "warning"),
    [
        ("Amazon Simple Queue Service", "amazon-sqs", "2.1", ""),  # the exact name
        ("SQS", "amazon-sqs", "2.1", ""),  # an alias
        ("sqs 대기열과 DLQ 정리", "amazon-sqs", "2.1", ""),  # Korean around it
        ("Route53", "amazon-route-53", "2.2", ""),  # spacing does not count
        (
            "SQS와 SNS 비교",
            "",
            None,
            "names several services (Amazon Simple Queue Service, "
            "Amazon Simple Notification Service)",
        ),
        ("Message queues", "", None, "names no service of the SAA-C03 catalog"),
        (
            "Amazon Aurora",
            "amazon-aurora",
            None,
            "names Amazon Aurora, which the catalog puts under no task statement of domain 2",
        ),
    ],
)
def test_a_topic_is_placed_by_the_service_its_heading_names(
    heading: str, service: str, task: str | None, warning: str
) -> None:
    result = one_topic(heading)
    assert result.ok
    placed = result.topics[0]
    assert (placed.domain.number, placed.heading) == (2, heading)
    assert (placed.service.slug if placed.service else "") == service
    assert (placed.task_statement.code if placed.task_statement else None) == task
    topic = by_model(list(result.records), "topic")[0]
    assert topic["service"] == service
    assert topic["task_statement"] == (["SAA-C03", task] if task else None)
    assert topic["domain"] == ["SAA-C03", 2]
    warnings = [str(w) for w in result.warnings]
    if warning:
        assert warnings == [
            f'notes/mine.md:2: topic "{heading}" {warning}: built in domain 2 without a task '
            "statement (give one in notes/mine.exam.yaml)"
        ]
    else:
        assert warnings == []


@pytest.mark.parametrize(
    "title",
    [
        "Design Resilient Architectures",
        "복원력 있는 아키텍처 설계",
        "design resilient  architectures",
        "Domain 2: Design Resilient Architectures",
    ],
)
def test_the_domain_heading_may_be_english_or_korean(title: str) -> None:
    assert getattr(one_topic("SQS", title=title).domain, "number", None) == 2


def test_an_unknown_domain_heading_is_a_problem_with_no_records() -> None:
    result = one_topic("SQS", title="Design Resilient Things")
    assert not result.ok
    assert result.records == ()
    (problem,) = result.problems
    assert str(problem).startswith(
        'notes/mine.md:1: "Design Resilient Things" names no SAA-C03 domain; the "# " title must '
        'be one of: "Design Secure Architectures"; "안전한 아키텍처 설계";'
    )


def test_bad_notes_are_problems_not_exceptions() -> None:
    result = compile_text("# Design Resilient Architectures\n## SQS\n* Q\noops\n")
    assert [str(p)[:37] for p in result.problems] == [
        "notes/mine.md:3: question has no answ",
        "notes/mine.md:4: unrecognised line: e",
    ]
    assert (result.records, result.topics, result.domain) == ((), (), None)


SQS_NOTES = "# Design Resilient Architectures\n## SQS\n* Q\n> * A\n## AWS Lambda\n* R\n> * B\n"


def test_the_yaml_wins_over_the_catalog() -> None:
    exam = (
        "notes: mine.md\n"
        "topics:\n"
        '  - {heading: SQS, task_statement: "2.2", summary: 큐, summary_en: A queue}\n'
    )
    result = compile_text(SQS_NOTES, exam)
    assert result.ok, result.problems
    sqs, lambda_ = result.topics
    assert (getattr(sqs.task_statement, "code", None), sqs.placed_by) == ("2.2", "yaml")
    assert (getattr(lambda_.task_statement, "code", None), lambda_.placed_by) == ("2.1", "catalog")
    # What the YAML leaves out comes from the catalog: the option's name, the masks.
    assert sqs.option == "Amazon Simple Queue Service"
    assert sqs.summary_en == "A queue"
    assert "Simple Queue Service" in sqs.mask


def test_a_yaml_task_statement_must_be_of_the_notes_domain() -> None:
    exam = "notes: mine.md\ntopics:\n  - {heading: SQS, task_statement: '3.2'}\n"
    assert [str(p) for p in compile_text(SQS_NOTES, exam).problems] == [
        "notes/mine.exam.yaml:3: task_statement '3.2' is not one of domain 2's: 2.1, 2.2"
    ]


def test_an_authored_question_may_test_another_task_statement_of_the_domain() -> None:
    question_yaml = (
        "questions:\n"
        "  - key: sqs-exam-1\n"
        "    topic: sqs\n"
        "    kind: single\n"
        "    cites: [3, 4]\n"
        "    task_statement: 'CODE'\n"
        "    prompt: 문제\n"
        "    prompt_en: Question\n"
        "    answers:\n"
        "      - {text: a, text_en: a, correct: true, why: w, why_en: w}\n"
        "      - {text: b, text_en: b, correct: false, why: w, why_en: w}\n"
    )
    exam = "notes: mine.md\n" + question_yaml.replace("CODE", "2.2")
    result = compile_text(SQS_NOTES, exam)
    assert question(list(result.records), "sqs-exam-1")["task_statement"] == ["SAA-C03", "2.2"]
    assert question(list(result.records), "sqs-note-1")["task_statement"] is None
    exam = "notes: mine.md\n" + question_yaml.replace("CODE", "1.1")
    assert [str(p) for p in compile_text(SQS_NOTES, exam).problems] == [
        "notes/mine.exam.yaml:7: task_statement '1.1' is not one of domain 2's: 2.1, 2.2"
    ]


def test_compiling_twice_gives_the_same_records() -> None:
    assert compile_text(NOTES, EXAM.replace("domain.md", "mine.md")) == compile_text(
        NOTES, EXAM.replace("domain.md", "mine.md")
    )


def test_the_readme_example_builds_without_yaml_or_warnings() -> None:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```markdown\n(.*?)```", readme, re.DOTALL)
    assert match is not None
    result = compile_text(match[1])
    assert (result.problems, result.warnings) == ((), ())
    assert [(t.heading, getattr(t.task_statement, "code", None)) for t in result.topics] == [
        ("Amazon SQS", "2.1"),
        ("Amazon Route 53", "2.2"),
    ]


FLAGS = """\
note_flags:
  5:
    kind: fact
    correction: 고친 문장
    correction_en: The corrected line
    url: https://docs.aws.amazon.com/lambda/
  3:
    - {kind: typo, correction: 람다, correction_en: Lambda, url: "https://docs.aws.amazon.com/"}
"""


def test_note_flags_go_on_every_question_citing_the_line_and_a_flagged_bullet_is_reworded() -> None:
    records = build(exam=EXAM + FLAGS)
    flag = {
        "line": 5,
        "kind": "fact",
        "correction": "고친 문장",
        "correction_en": "The corrected line",
        "url": "https://docs.aws.amazon.com/lambda/",
    }
    heading = {  # line 3, "## Lambda": it goes with every card of the topic
        "line": 3,
        "kind": "typo",
        "correction": "람다",
        "correction_en": "Lambda",
        "url": "https://docs.aws.amazon.com/",
    }
    assert question(records, "lambda-note-1")["note_flags"] == [heading, flag]  # cites 4-6
    assert question(records, "lambda-exam-1")["note_flags"] == [heading, flag]  # cites 4-6
    assert question(records, "lambda-which-service-6")["note_flags"] == [heading]
    assert question(records, "amazon-s3-note-1")["note_flags"] == []
    # The flagged bullet names no service in its corrected wording: it is not asked.
    assert "lambda-which-service-5" not in [f["key"] for f in by_model(records, "question")]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            "note_flags:\n  2:\n    {kind: fact, correction: a, correction_en: b, url: https://x.test/}\n",
            "note_flags line 2 is not a heading, question or answer line of notes/domain.md",
        ),
        (
            "note_flags:\n  5:\n    {kind: wrong, correction: a, correction_en: b, url: https://x.test/}\n",
            "kind 'wrong' is not one of fact, outdated, typo",
        ),
        (
            "note_flags:\n  5:\n    {kind: typo, correction: a, correction_en: b, url: ftp://x.test/}\n",
            "'url' must start with https://",
        ),
        (
            "note_flags:\n  5:\n    {kind: typo, correction: a, url: https://x.test/}\n",
            "'correction_en'",
        ),
        (
            "which:\n  4:\n    {skip: not fair}\n",
            "which line 4 is not an answer line of notes/domain.md",
        ),
        ("which:\n  5:\n    {also_fits: [no-such-service]}\n", "also_fits: no-such-service"),
        ("which:\n  5:\n    {colour: red}\n", "unknown key 'colour' in which entry"),
    ],
)
def test_overlays_on_lines_are_checked(flags: str, expected: str) -> None:
    assert any(expected in problem for problem in problems(exam=EXAM + flags))


def test_a_retired_question_keeps_its_record_but_leaves_every_deck() -> None:
    exam = EXAM.replace(
        "  - key: lambda-exam-1\n", "  - key: lambda-exam-1\n    retired: 2026-12-04\n"
    )
    records = build(exam=exam)
    assert question(records, "lambda-exam-1")["retired_at"] == "2026-12-04T00:00:00Z"
    for deck in by_model(records, "deck"):
        assert ["lambda-exam-1"] not in deck["questions"]
    bad = EXAM.replace("  - key: lambda-exam-1\n", "  - key: lambda-exam-1\n    retired: yes\n")
    assert any("'retired' must be a date: YYYY-MM-DD" in p for p in problems(exam=bad))
