"""Content for tests, placed on the real exam blueprint (exam facts are data, never constants)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.conf import settings

from cards.blueprint import Blueprint, load_blueprint
from cards.examfiles import blueprint_file
from cards.models import Certification, Domain, TaskStatement, Topic
from cards.services import blueprint_seed


@functools.cache
def committed_blueprint() -> Blueprint:
    """The exam blueprint of the committed file, parsed once per test run."""
    directory = Path(settings.BASE_DIR) / "notes" / "exam"
    path = blueprint_file(directory, "notes/exam")
    return load_blueprint(path, f"notes/exam/{path.name}")


def ensure_blueprint() -> Certification:
    """The exam blueprint as rows, saved from the committed file the first time a test needs it.

    Exam facts are data: tests place their topics by task statement code, on the real blueprint.
    """
    blueprint = committed_blueprint()
    found = Certification.objects.filter(code=blueprint.code).first()
    return found if found is not None else blueprint_seed(blueprint=blueprint)


def make_topic(slug: str, name: str, task_statement: str | None, **extra: Any) -> Topic:
    """A topic under the task statement with this code (None: unplaced, in `domain=`)."""
    ensure_blueprint()
    if task_statement is not None:
        task = TaskStatement.objects.select_related("domain").get(code=task_statement)
        extra.setdefault("domain", task.domain)
        extra["task_statement"] = task
    return Topic.objects.create(slug=slug, name=name, **extra)


def domain_numbered(number: int) -> Domain:
    return Domain.objects.get(certification=ensure_blueprint(), number=number)
