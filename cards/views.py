from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest

from .forms import CardSearchForm
from .models import Deck, Question

SEARCH_PAGE_SIZE = 20


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


@require_safe
@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: search the cards of the decks they can see (nobody else's)."""
    form = CardSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        questions = Question.objects.visible_to(request.user).matching(data["q"])
        if data["domain"] is not None:
            questions = questions.filter(topic__domain=data["domain"])
        if data["topic"] is not None:
            questions = questions.filter(topic=data["topic"])
        if data["kind"]:
            questions = questions.filter(kind=data["kind"])
        questions = questions.select_related("topic").order_by(
            "topic__domain__order", "topic__order", "order", "pk"
        )
        # get_page turns a missing, wrong or too large page number into the nearest page.
        page = Paginator(questions, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cards/search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
