"""Cards a learner may reach: one helper, so every page on a card narrows the same way."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Question, QuestionQuerySet


def question_for_user(user: User, pk: int, queryset: QuestionQuerySet | None = None) -> Question:
    """The question if it is in a deck the user may see (Question.objects.visible_to), else 404:
    an outsider learns nothing of a card outside their decks, not even that it exists."""
    base = Question.objects.all() if queryset is None else queryset
    return get_object_or_404(base.visible_to(user), pk=pk)
