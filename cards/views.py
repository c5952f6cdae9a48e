from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Deck, Question


@require_safe
def deck_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone for a built-in deck; a teacher's deck only for who may see it (else 404)."""
    deck = get_object_or_404(Deck.objects.visible_to(request.user), slug=slug)
    questions = deck.questions.with_answers().order_by(
        "topic__domain__order", "topic__order", "order", "id"
    )
    return render(request, "cards/deck_detail.html", {"deck": deck, "questions": questions})


@require_safe
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone: one question with its answers, explanations and the note lines it cites."""
    question = get_object_or_404(Question.objects.with_answers(), pk=pk)
    return render(request, "cards/question_detail.html", {"question": question})
