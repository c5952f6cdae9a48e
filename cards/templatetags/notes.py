"""Render note text: Markdown links become safe links, everything else is escaped text.

Also picks which language of a card's text a reader sees first (`bilingual`); the markup of the
toggle that shows the other language is `templates/cards/bilingual.html`.
"""

import re
from typing import Any

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cards.bilingual import CardText, CardTexts, card_text, card_texts, first_language
from cards.examfiles import exam_files
from cards.which import mask_statement

register = template.Library()

# "zero" turns every rule off; only links, emphasis and code spans come back. Raw HTML stays off,
# so a note can never inject markup, and markdown-it refuses javascript:/data: link targets.
_md = MarkdownIt("zero").enable(["link", "emphasis", "backticks", "escape", "entity"])

# Inline tokens whose content is text a reader sees; the rest are markup around it.
_TEXT_TOKENS = {"text", "text_special", "code_inline"}


def _link_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


_md.add_render_rule("link_open", _link_open)


# The block markers a notes line may start with: quotes (">") and bullets ("* ", "- ", "+ "),
# in any order and number ("> * answer", "* > answer", "    > * answer"). A star glued to a
# word ("*emphasis*") is not a bullet.
_BLOCK_MARKERS = re.compile(r"^\s*(?:>\s*|[*+-]\s+)+")


def _unmarked(line: str) -> tuple[str, bool]:
    """The line without its block markers, and whether one of them was a quote."""
    found = _BLOCK_MARKERS.match(line)
    if found is None:
        return line.strip(), False
    return line[found.end() :].strip(), ">" in found.group()


def render_note_markdown(text: str) -> str:
    """One line renders inline; several lines become block-displayed spans, and a quoted line
    (`>`) a quote. Spans, not <p>/<blockquote>, so the result is valid inside a heading. The
    lines' own Markdown markers (`>`, `* `) are never shown."""
    lines = [_unmarked(line) for line in (text or "").strip().splitlines() if line.strip()]
    if len(lines) <= 1:
        return _md.renderInline(lines[0][0] if lines else "").strip()
    parts = []
    for line, quoted in lines:
        inner = _md.renderInline(line).strip()
        css = "note-quote" if quoted else "note-line"
        parts.append(f'<span class="{css}">{inner}</span>')
    return "".join(parts)


def note_plain_text(text: str) -> str:
    """The words of a note without its Markdown: a link becomes its label, and the lines' `>`
    and `* ` markers go (for lists, titles and previews)."""
    words: list[str] = []
    for line in (text or "").splitlines():
        unmarked, _quoted = _unmarked(line)
        for block in _md.parseInline(unmarked):
            words.extend(
                child.content for child in block.children or [] if child.type in _TEXT_TOKENS
            )
        words.append(" ")
    return " ".join("".join(words).split())


@register.filter(name="note_markdown")
def note_markdown(value: Any) -> SafeString:
    return mark_safe(render_note_markdown(str(value or "")))  # noqa: S308 - escaped by markdown-it


@register.filter(name="note_text")
def note_text(value: Any) -> str:
    """Plain text for previews and titles; the template escapes it like any other string."""
    return note_plain_text(str(value or ""))


# --- Cards in two languages: `{% bilingual question "prompt" as prompt %}` picks the wording ---


def reader_card_language(context: Context) -> str:
    """A signed-in learner's "card language shown first"; anyone else reads the UI's language."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return first_language(user.card_language)
    return first_language(get_language())


@register.simple_tag(takes_context=True)
def bilingual(context: Context, obj: Any, field: str) -> CardText:
    """`field` of `obj` (its `field_en` holds the English) in the reader's card language first."""
    return card_text(
        getattr(obj, field), getattr(obj, f"{field}_en"), reader_card_language(context)
    )


@register.simple_tag(takes_context=True)
def bilingual_each(context: Context, objects: Any, field: str) -> CardTexts:
    """`bilingual` for every object of a list, e.g. the options of a question."""
    first = reader_card_language(context)
    return card_texts(((getattr(o, field), getattr(o, f"{field}_en")) for o in objects), first)


@register.simple_tag(takes_context=True)
def hide_answer(context: Context, text: Any) -> str:
    """`hide_answer_of` the card of the page, if the page shows one (`question` in context)."""
    return hide_answer_of(text, context.get("question"))


@register.filter(name="hide_answer_of")
def hide_answer_of(text: Any, question: Any) -> str:
    """`text` (a deck or exam title shown beside a card before it is answered) with every name of
    a "which service?" card's answer blanked out: a teacher may name a deck after a service."""
    text = str(text)
    if question is None or not getattr(question, "asks_for_service", False):
        return text
    labels = [answer.text for answer in question.answers.all() if answer.is_correct]
    files = exam_files()
    service = files.catalog.by_slug.get(question.topic.service)
    return mask_statement(
        text, answer=service, catalog=files.catalog, names=[*labels, question.topic.name]
    ).text
