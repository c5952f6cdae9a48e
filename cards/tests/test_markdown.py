"""The note_markdown filter: links survive, markup never does."""

import pytest
from django.template import engines

from cards.templatetags.notes import note_plain_text, render_note_markdown

SAFE_REL = 'rel="noopener noreferrer"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[AWS Lambda](https://aws.amazon.com/lambda/)",
            f'<a href="https://aws.amazon.com/lambda/" {SAFE_REL}>AWS Lambda</a>',
        ),
        (
            "[NLB](https://docs.aws.amazon.com/x?a=1&b=2) 대상",
            f'<a href="https://docs.aws.amazon.com/x?a=1&amp;b=2" {SAFE_REL}>NLB</a> 대상',
        ),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[x](JavaScript:alert(1))", "[x](JavaScript:alert(1))"),
        ("[x](data:text/html,hi)", "[x](data:text/html,hi)"),
        ("**bold** and *emphasis*", "<strong>bold</strong> and <em>emphasis</em>"),
        ("`s3:GetObject`", "<code>s3:GetObject</code>"),
        ("A & B", "A &amp; B"),
        ("람다는 서버 없이 코드를 실행합니다.", "람다는 서버 없이 코드를 실행합니다."),
        ("> * User data는 root 권한으로 실행됨.", "User data는 root 권한으로 실행됨."),
        ("* > A FIFO queue keeps the order.", "A FIFO queue keeps the order."),
        ("*emphasis* first", "<em>emphasis</em> first"),
        ("a * b > c", "a * b &gt; c"),
        ("", ""),
    ],
)
def test_note_markdown_renders_only_safe_inline_markup(text: str, expected: str) -> None:
    assert render_note_markdown(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java\nscript:alert(1))",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_script_links_are_never_linked(text: str) -> None:
    assert "<a" not in render_note_markdown(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[AWS DataSync](https://aws.amazon.com/ko/datasync/)를 구성.", "AWS DataSync를 구성."),
        ("**bold**  and\n`code`", "bold and code"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("람다 &amp; 서버", "람다 & 서버"),
        ("다음 서비스는?\n\n> ＿＿는 *완전 관리형*", "다음 서비스는? ＿＿는 완전 관리형"),
        ("* question\n    > * answer one\n    * > answer two", "question answer one answer two"),
        ("- a bullet", "a bullet"),
    ],
)
def test_note_plain_text_keeps_the_words_only(text: str, expected: str) -> None:
    assert note_plain_text(text) == expected


def test_filters_in_a_template_escape_what_they_do_not_render() -> None:
    template = engines["django"].from_string(
        "{% load notes %}{{ value|note_markdown }}|{{ value|note_text }}"
    )
    html = template.render({"value": "<b>[docs](https://docs.aws.amazon.com/)</b>"})
    assert html == (
        f'&lt;b&gt;<a href="https://docs.aws.amazon.com/" {SAFE_REL}>docs</a>&lt;/b&gt;'
        "|&lt;b&gt;docs&lt;/b&gt;"
    )


def test_filters_accept_none() -> None:
    template = engines["django"].from_string("{% load notes %}[{{ value|note_markdown }}]")
    assert template.render({"value": None}) == "[]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Which service?\n\n> ＿＿ runs <code>",
            '<span class="note-line">Which service?</span>'
            '<span class="note-quote">＿＿ runs &lt;code&gt;</span>',
        ),
        ("> one line loses its marker", "one line loses its marker"),
        (
            "* question?\n    > * [SQS](https://aws.amazon.com/sqs/) queue\n    * > FIFO",
            '<span class="note-line">question?</span>'
            f'<span class="note-quote"><a href="https://aws.amazon.com/sqs/" {SAFE_REL}>SQS</a>'
            " queue</span>"
            '<span class="note-quote">FIFO</span>',
        ),
        ("one line\n", "one line"),
    ],
)
def test_several_lines_and_quotes_render_as_block_spans(text: str, expected: str) -> None:
    assert render_note_markdown(text) == expected
