from __future__ import annotations

from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest

from . import services
from .forms import CardSearchForm, NotebookUploadForm
from .models import Deck, Notebook, NotebookVersion, Question
from .notebooks import Draft, NotebookRefused, notebook_draft, notebook_revision_draft

# The preview hands the learner's text back to the browser signed: the confirmation compiles it
# again, so nothing the browser sends is trusted but the text the learner wrote.
DRAFT_SALT = "cards.notebook-draft"
DRAFT_MAX_AGE = 2 * 60 * 60

SEARCH_PAGE_SIZE = 20


@require_safe
def deck_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone for a built-in deck; a teacher's or notebook's deck only for who may see it (else
    404)."""
    deck = get_object_or_404(Deck.objects.visible_to(request.user), slug=slug)
    questions = deck.questions.with_answers().order_by(
        "topic__domain__order", "topic__order", "order", "id"
    )
    return render(request, "cards/deck_detail.html", {"deck": deck, "questions": questions})


@require_safe
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone for built-in content, a notebook's question only for who may see it (else 404):
    one question with its answers, explanations and the note lines it cites."""
    question = get_object_or_404(Question.objects.visible_to(request.user).with_answers(), pk=pk)
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


def _owned_notebook(request: AuthenticatedHttpRequest, pk: int) -> Notebook:
    """The signed-in learner's own notebook, else 404 (a student of an assigned class studies
    its decks, not the notebook)."""
    return get_object_or_404(Notebook.objects.filter(owner=request.user), pk=pk)


@login_required
@require_safe
def notebook_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in users: their notebooks, and the form to add one."""
    notebooks = Notebook.objects.filter(owner=request.user)
    return render(
        request,
        "cards/notebook_list.html",
        {"notebooks": notebooks, "form": NotebookUploadForm()},
    )


def _preview(
    request: AuthenticatedHttpRequest,
    form: NotebookUploadForm,
    draft: Draft,
    notebook: Notebook | None = None,
) -> HttpResponse:
    signed: dict[str, Any] = {"user": request.user.pk, "title": draft.title, "text": draft.text}
    if notebook is not None:
        signed["notebook"] = notebook.pk
        signed["base"] = notebook.versions.order_by("-number").values_list("number", flat=True)[0]
    token = signing.dumps(signed, salt=DRAFT_SALT, compress=True) if draft.ok else ""
    return render(
        request,
        "cards/notebook_preview.html",
        {"form": form, "draft": draft, "token": token, "notebook": notebook},
    )


def _signed_draft(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """The draft the preview signed for this user, or None (tampered, expired, someone else's)."""
    try:
        draft = signing.loads(request.POST.get("draft", ""), salt=DRAFT_SALT, max_age=DRAFT_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(draft, dict) or draft.get("user") != request.user.pk:
        return None
    return draft


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notebook_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in users: upload or paste notes; a POST shows the preview, and saves nothing."""
    if request.method != "POST":
        return render(request, "cards/notebook_new.html", {"form": NotebookUploadForm()})
    limited = ratelimit.consume_or_429(request, action="notebook_upload", user=request.user)
    if limited is not None:
        return limited
    form = NotebookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "cards/notebook_new.html", {"form": form}, status=400)
    draft = notebook_draft(
        user=request.user, title=form.cleaned_data["title"], text=form.cleaned_data["notes"]
    )
    # The textarea under the preview holds the notes, to fix and preview again.
    form = NotebookUploadForm(initial={"title": draft.title, "text": draft.text})
    return _preview(request, form, draft)


@login_required
@require_POST
def notebook_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in users: save the notebook they previewed (compiled again from its text)."""
    limited = ratelimit.consume_or_429(request, action="notebook_upload", user=request.user)
    if limited is not None:
        return limited
    try:
        draft = signing.loads(request.POST.get("draft", ""), salt=DRAFT_SALT, max_age=DRAFT_MAX_AGE)
    except signing.BadSignature:
        return HttpResponseBadRequest(_("This preview has expired. Upload the notes again."))
    if draft.get("user") != request.user.pk:
        return HttpResponseBadRequest(_("This preview has expired. Upload the notes again."))
    try:
        notebook = services.notebook_create(
            user=request.user, title=draft["title"], text=draft["text"], now=timezone.now()
        )
    except NotebookRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(reverse("cards:notebook_new"), status=303)
    messages.success(request, _("Your notebook is saved: study its decks below."))
    return HttpResponseRedirect(notebook.get_absolute_url(), status=303)


@login_required
@require_safe
def notebook_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The notebook's owner: its decks and its versions."""
    notebook = _owned_notebook(request, pk)
    decks = notebook.decks.with_card_counts().order_by("order", "name")
    versions = notebook.versions.order_by("-number").only("number", "created", "notebook_id")
    form = NotebookUploadForm(initial={"title": notebook.title})
    return render(
        request,
        "cards/notebook_detail.html",
        {"notebook": notebook, "decks": decks, "versions": versions, "form": form},
    )


@login_required
@require_POST
def notebook_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The notebook's owner: a new version of its notes, previewed (kept, changed, new,
    retired); nothing is saved."""
    notebook = _owned_notebook(request, pk)
    limited = ratelimit.consume_or_429(request, action="notebook_upload", user=request.user)
    if limited is not None:
        return limited
    form = NotebookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "cards/notebook_detail.html",
            {
                "notebook": notebook,
                "decks": notebook.decks.with_card_counts().order_by("order", "name"),
                "versions": notebook.versions.order_by("-number"),
                "form": form,
            },
            status=400,
        )
    draft = notebook_revision_draft(notebook=notebook, text=form.cleaned_data["notes"])
    return _preview(request, NotebookUploadForm(initial={"text": draft.text}), draft, notebook)


@login_required
@require_POST
def notebook_revise_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The notebook's owner: save the new version they previewed (compiled again)."""
    notebook = _owned_notebook(request, pk)
    limited = ratelimit.consume_or_429(request, action="notebook_upload", user=request.user)
    if limited is not None:
        return limited
    draft = _signed_draft(request)
    if draft is None or draft.get("notebook") != notebook.pk:
        return HttpResponseBadRequest(_("This preview has expired. Upload the notes again."))
    try:
        revision = services.notebook_revise(
            notebook=notebook, text=draft["text"], base_version=draft["base"], now=timezone.now()
        )
    except NotebookRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(notebook.get_absolute_url(), status=303)
    messages.success(
        request,
        _(
            "New version saved: %(kept)d kept, %(changed)d changed, %(new)d new, "
            "%(retired)d retired."
        )
        % revision.counts,
    )
    return HttpResponseRedirect(notebook.get_absolute_url(), status=303)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notebook_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The notebook's owner: what deleting it removes (GET), and deleting it (POST); refused
    with a 409 while a class is assigned one of its decks."""
    notebook = _owned_notebook(request, pk)
    counts = {
        "cards": notebook.questions.count(),
        "versions": notebook.versions.count(),
        "decks": notebook.decks.count(),
    }
    if request.method == "POST":
        try:
            services.notebook_delete(notebook=notebook)
        except services.NotebookInUse as refused:
            return render(
                request,
                "cards/notebook_delete.html",
                {"notebook": notebook, "counts": counts, "refused": refused.message},
                status=409,
            )
        messages.success(request, _("The notebook is deleted."))
        return HttpResponseRedirect(reverse("cards:notebook_list"), status=303)
    return render(request, "cards/notebook_delete.html", {"notebook": notebook, "counts": counts})


@login_required
@require_safe
def notebook_version_download(
    request: AuthenticatedHttpRequest, pk: int, number: int
) -> HttpResponse:
    """The notebook's owner: one version's Markdown exactly as it was uploaded."""
    notebook = _owned_notebook(request, pk)
    version = get_object_or_404(NotebookVersion, notebook=notebook, number=number)
    response = HttpResponse(version.text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="notebook-{notebook.pk}-v{version.number}.md"'
    )
    return response
