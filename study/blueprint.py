"""The exam blueprint as the study pages read it: the format, the domains, the whole-exam mix.

The rows come from the blueprint file through the content fixture (cards.Certification, Domain,
TaskStatement); this module reads them in one query and turns them into the plain values the
exam maths (study.exams) takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cards.models import Certification, Domain, TaskStatement

from . import exams


def exam_format(certification: Certification) -> exams.ExamFormat:
    return exams.ExamFormat(
        questions=certification.question_count,
        minutes=certification.minutes,
        score_min=certification.score_min,
        score_max=certification.score_max,
        passing_score=certification.passing_score,
    )


@dataclass(frozen=True)
class Blueprint:
    """The exam the site prepares for: its format, its domains and their task statements."""

    certification: Certification
    format: exams.ExamFormat
    domains: list[Domain]
    task_statements: list[TaskStatement]  # in domain order, each with its domain loaded

    def statements_of(self, domain: Domain) -> list[TaskStatement]:
        return [task for task in self.task_statements if task.domain_id == domain.pk]


def load() -> Blueprint | None:
    """The blueprint in one query (every domain has task statements); None before content."""
    everything = list(
        TaskStatement.objects.select_related("domain__certification").order_by(
            "domain__certification__code", "domain__order", "domain__number", "order", "code"
        )
    )
    if not everything:
        return None
    # The one certification (Certification.objects.current(): the first by code), read with
    # its rows rather than by a query of its own; the tables hold a few dozen rows.
    certification = everything[0].domain.certification
    tasks = [task for task in everything if task.domain.certification_id == certification.pk]
    domains: dict[int, Domain] = {}
    for task in tasks:
        domains.setdefault(task.domain_id, task.domain)
    return Blueprint(
        certification=certification,
        format=exam_format(certification),
        domains=list(domains.values()),
        task_statements=tasks,
    )


@dataclass(frozen=True)
class PlanRow:
    domain: Domain
    ideal: int  # its share of the exam by the guide's weights, were the bank unlimited
    available: int  # choice questions there are
    count: int  # what the exam will take

    @property
    def short(self) -> bool:
        return self.count < self.ideal


@dataclass(frozen=True)
class WholeExamPlan:
    """What a whole-exam mock of `requested` questions draws from each domain."""

    requested: int
    rows: list[PlanRow]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def available(self) -> int:
        return sum(row.available for row in self.rows)

    @property
    def short(self) -> bool:
        """The bank cannot give every domain its share: the exam is not in the guide's mix."""
        return any(row.short for row in self.rows)


def whole_exam_plan(
    blueprint: Blueprint, available: dict[int, int], requested: int
) -> WholeExamPlan:
    """Apportion `requested` questions among the domains by weight, within `available` (the
    choice questions per domain id)."""
    weights = [domain.weight for domain in blueprint.domains]
    have = [available.get(domain.pk, 0) for domain in blueprint.domains]
    ideal = exams.apportion(requested, weights, [requested] * len(weights))
    counts = exams.apportion(requested, weights, have)
    return WholeExamPlan(
        requested=requested,
        rows=[
            PlanRow(domain=domain, ideal=i, available=a, count=c)
            for domain, i, a, c in zip(blueprint.domains, ideal, have, counts, strict=True)
        ],
    )


def domain_scores(rows: Iterable[tuple[Domain, bool]]) -> list[exams.DomainScore]:
    """Each domain's weight and right answers, for the weighted scaled-score estimate."""
    by_domain: dict[int, tuple[Domain, int, int]] = {}
    for domain, correct in rows:
        _domain, right, total = by_domain.get(domain.pk, (domain, 0, 0))
        by_domain[domain.pk] = (domain, right + correct, total + 1)
    return [
        exams.DomainScore(weight=domain.weight, correct=right, total=total)
        for domain, right, total in by_domain.values()
    ]
