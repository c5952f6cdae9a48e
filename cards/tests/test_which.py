"""The "which service?" pieces as tables: masks, neutral wording, distractors."""

from __future__ import annotations

import pytest

from cards.catalog import Service
from cards.examfiles import exam_files
from cards.which import MASK, mask_statement, neutral, pick_distractors, visible_names

B = MASK


def service(slug: str) -> Service:
    return exam_files().catalog.service(slug)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{B}를 구성.", f"{B}을(를) 구성."),
        (f"{B}을 구성.", f"{B}을(를) 구성."),
        (f"{B}는 데이터 웨어하우스", f"{B}은(는) 데이터 웨어하우스"),
        (f"방법으로 {B}가 있음.", f"방법으로 {B}이(가) 있음."),
        (f"{B}와 S3", f"{B}과(와) S3"),
        (f"{B}로 보낸다", f"{B}(으)로 보낸다"),
        (f"{B}에서 작동", f"{B}에서 작동"),  # no choice of form to give away
        (f"{B}의 기능", f"{B}의 기능"),
        (f"{B}가능", f"{B}가능"),  # not a particle: the word goes on
        (f"consider an {B} Layer", f"consider a(n) {B} Layer"),
        (f"A {B} runs code", f"A(n) {B} runs code"),
        ("an apple", "an apple"),
    ],
)
def test_particles_and_articles_fit_any_name(text: str, expected: str) -> None:
    assert neutral(text) == expected


@pytest.mark.parametrize(
    ("slug", "text", "masked", "fired"),
    [
        (
            "aws-lambda",
            "여러 Lambda function에서 AWS Lambda Layer를 고려",
            f"여러 {B} function에서 {B} Layer를 고려",  # the particle follows Layer
            ("Lambda", "AWS Lambda"),
        ),
        # The catalog's aliases, in any case, Korean ones too, and through a link's text.
        ("aws-lambda", "람다와 LAMBDA", f"{B}과(와) {B}", ("람다", "LAMBDA")),
        (
            "aws-datasync",
            "온프레미스 서버에 [AWS DataSync](https://aws.amazon.com/ko/datasync/)를 구성.",
            f"온프레미스 서버에 {B}을(를) 구성.",
            ("AWS DataSync",),
        ),
        # A feature of the answer gives it away as well: Spectrum is part of Redshift.
        (
            "amazon-redshift",
            "Amazon Redshift Spectrum에서 Redshift 테이블",
            f"{B}에서 {B} 테이블",
            ("Amazon Redshift Spectrum", "Redshift"),
        ),
        # ... and so does the parent service: Amazon FSx for FSx for Lustre.
        (
            "amazon-fsx-for-lustre",
            "AWS FSx for Lustre는 Amazon FSx의 하나",
            f"{B}은(는) {B}의 하나",
            None,
        ),
        ("amazon-efs", "no name here", "no name here", ()),
    ],
)
def test_mask_statement_hides_every_name_of_the_answer(
    slug: str, text: str, masked: str, fired: tuple[str, ...] | None
) -> None:
    result = mask_statement(text, answer=service(slug), catalog=exam_files().catalog)
    assert result.text == masked
    if fired is not None:
        assert result.names == fired
    assert visible_names(result.text, answer=service(slug), catalog=exam_files().catalog) == []


def test_clues_go_first_and_a_clue_that_leaves_a_blank_counts_as_a_mask() -> None:
    result = mask_statement(
        "여러 Lambda function에서 AWS Lambda Layer를 고려",
        answer=service("aws-lambda"),
        catalog=exam_files().catalog,
        clues=[("Lambda function", f"{B} 워크로드"), ("AWS Lambda Layer를", f"{B}의 기능을")],
    )
    assert result.text == f"여러 {B} 워크로드에서 {B}의 기능을 고려"
    assert result.names == ("Lambda function", "AWS Lambda Layer를")
    dropped = mask_statement(
        "AWS FSx for Lustre(고성능 파일 시스템): 기계학습",
        answer=service("amazon-fsx-for-lustre"),
        catalog=exam_files().catalog,
        clues=[("(고성능 파일 시스템)", "")],
    )
    assert dropped.text == f"{B}: 기계학습"
    assert dropped.clues == ("(고성능 파일 시스템)",)


def test_distractors_come_from_the_confusion_group_first_then_the_category() -> None:
    catalog = exam_files().catalog
    redshift = service("amazon-redshift")
    picked = pick_distractors("k", redshift, catalog, line=1, answer_name="Amazon Redshift")
    assert len(picked) == 3
    group = {"amazon-athena", "amazon-emr"}  # Spectrum is Redshift's own feature: never offered
    assert group <= {d.service.slug for d in picked}
    assert all(d.service.slug != "amazon-redshift-spectrum" for d in picked)
    assert {d.chosen_for for d in picked} == {
        "group warehouse-and-query-in-s3",
        "category Analytics, Database",
    }
    # What also fits the statement is never offered; the choice is seeded by the key.
    fitting = pick_distractors(
        "k", redshift, catalog, line=1, answer_name="x", excluded=["amazon-athena", "amazon-emr"]
    )
    assert not {"amazon-athena", "amazon-emr"} & {d.service.slug for d in fitting}
    assert [d.service for d in picked] == [
        d.service
        for d in pick_distractors("k", redshift, catalog, line=1, answer_name="Amazon Redshift")
    ]
    many = {
        tuple(
            d.service.slug
            for d in pick_distractors(f"k{n}", redshift, catalog, line=1, answer_name="x")
        )
        for n in range(10)
    }
    assert len(many) > 1


def test_a_wrong_option_without_an_authored_reason_gets_one_that_names_the_line() -> None:
    picked = pick_distractors(
        "k", service("aws-lambda"), exam_files().catalog, line=8, answer_name="AWS Lambda"
    )
    for distractor in picked:
        assert not distractor.authored
        assert "line 8" in distractor.reason.why_en
        assert "8행" in distractor.reason.why
        assert f"does not describe {distractor.service.name}" in distractor.reason.why_en
