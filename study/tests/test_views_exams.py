"""The exam pages through the test client: permissions, the whole flow, bad input, the deadline
and query counts that do not grow with history or exam size."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cards.models import Answer, Deck, Question
from study import exam_services
from study.models import Attempt, Exam, ExamItem, ExamScope, Mode, ReviewState

pytestmark = pytest.mark.django_db

MULTI = [("DAX", True), ("최종 일관성 읽기", True), ("S3 TA", False), ("gp3", False)]


@pytest.fixture
def learner(client, student):
    client.force_login(student)
    return student


@pytest.fixture
def bank(topic, other_topic, make_question):
    singles = [make_question(topic, prompt=f"Lambda 질문 {i}") for i in range(3)]
    singles.append(make_question(other_topic, prompt="Accelerator"))
    multiple = make_question(other_topic, kind="multiple", prompt="두 가지 고르세요", answers=MULTI)
    make_question(topic, kind="flashcard", prompt="Card")
    return [*singles, multiple]


def new_exam(user, clock, *, count=5, timed=True, seed=3):
    return exam_services.exam_start(
        user=user,
        scope=ExamScope.EXAM,
        question_count=count,
        timed=timed,
        now=timezone.now(),
        seed=seed,
    )


def item_at(exam, position):
    return ExamItem.objects.select_related("question").get(exam=exam, position=position)


def right(question):
    return [a.pk for a in question.answers.all() if a.is_correct]


def wrong(question):
    return [a.pk for a in question.answers.all() if not a.is_correct]


def url(name, exam=None):
    return reverse(f"study:{name}", args=[exam.pk] if exam is not None else [])


def snapshot():
    return (
        list(Exam.objects.order_by("pk").values()),
        list(ExamItem.objects.order_by("pk").values()),
        list(Attempt.objects.order_by("pk").values()),
        list(ReviewState.objects.order_by("pk").values()),
    )


# Permissions ----------------------------------------------------------------------------------

VIEWS = [
    ("get", "exam_list", False),
    ("post", "exam_start", False),
    ("get", "exam_take", True),
    ("post", "exam_save", True),
    ("get", "exam_confirm", True),
    ("post", "exam_submit", True),
    ("get", "exam_results", True),
]


@pytest.mark.parametrize(("method", "name", "with_exam"), VIEWS)
def test_anonymous_is_sent_to_login(client, student, bank, clock, method, name, with_exam):
    exam = new_exam(student, clock)
    before = snapshot()
    response = getattr(client, method)(url(name, exam if with_exam else None))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize(("method", "name", "with_exam"), VIEWS)
def test_wrong_method_gets_405(client, learner, bank, clock, method, name, with_exam):
    exam = new_exam(learner, clock)
    before = snapshot()
    other = "post" if method == "get" else "get"
    response = getattr(client, other)(url(name, exam if with_exam else None))
    assert response.status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize(("method", "name", "with_exam"), [v for v in VIEWS if v[2]])
def test_another_learners_exam_is_404_and_unchanged(
    client, learner, other_student, bank, clock, method, name, with_exam
):
    exam = new_exam(other_student, clock)
    question = item_at(exam, 1).question
    before = snapshot()
    data = {"position": "1", "answer": str(right(question)[0]), "go": "next"}
    response = getattr(client, method)(url(name, exam), data if method == "post" else None)
    assert response.status_code == 404
    assert snapshot() == before


def test_another_learners_timed_out_exam_is_not_submitted_by_me(
    client, learner, other_student, bank, clock
):
    exam = new_exam(other_student, clock)
    clock.move_to(exam.deadline + timedelta(minutes=1))
    for name in ("exam_take", "exam_confirm", "exam_results"):
        assert client.get(url(name, exam)).status_code == 404
    exam.refresh_from_db()
    assert exam.submitted_at is None


# The list and starting ------------------------------------------------------------------------


def test_the_list_shows_the_start_form_with_counts(client, learner, bank, clock):
    response = client.get(url("exam_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "(5 questions)" in html  # the whole exam: choice questions only
    assert "Lambda (3)" in html
    assert "AWS Global Accelerator (2)" in html
    assert "Domain 3: Design High-Performing Architectures (5)" in html
    assert "3.2 Design high-performing and elastic compute solutions (3)" in html
    assert "No exams submitted yet." in html
    assert 'style="' not in html
    assert "SAA-C03 format: 65 questions in 130 minutes" in html
    assert "2 minutes per question, as in the real exam: 130 minutes for 65." in html


def test_the_start_page_says_what_a_whole_exam_will_contain(client, learner, bank, clock):
    response = client.get(url("exam_list"))
    html = response.content.decode()
    plan = response.context["form"].plan
    # 65 by 30/26/24/20 is 19.5, 16.9, 15.6, 13: the guide's mix; the bank has Domain 3 only.
    assert [(r.domain.number, r.ideal, r.available, r.count) for r in plan.rows] == [
        (1, 19, 0, 0),
        (2, 17, 0, 0),
        (3, 16, 5, 5),
        (4, 13, 0, 0),
    ]
    assert "A whole exam here has 5 questions, not the guide's mix of 65" in html
    assert '<tr data-domain="1" class="is-short">' in html
    assert "does not cover every domain" in html


def test_a_domain_or_task_statement_exam_draws_from_it(client, learner, bank, clock, topic):
    client.post(url("exam_start"), {"scope": "domain", "domain": topic.domain_id})
    client.post(url("exam_start"), {"scope": "task", "task_statement": topic.task_statement_id})
    by_domain, by_task = Exam.objects.order_by("pk")
    assert (by_domain.domain, by_domain.question_count) == (topic.domain, 5)
    assert (by_task.task_statement_id, by_task.question_count) == (topic.task_statement_id, 3)
    assert {i.question.topic for i in by_task.items.select_related("question")} == {topic}


def test_starting_an_exam_redirects_to_its_first_question(client, learner, bank, clock):
    response = client.post(
        url("exam_start"),
        {"scope": "exam", "question_count": "4", "timed": "on", "user": "999"},
    )
    exam = Exam.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{url('exam_take', exam)}?q=1"
    assert (exam.user, exam.question_count, exam.timed) == (learner, 4, True)
    assert exam.deadline == timezone.now() + timedelta(minutes=8)
    assert exam.items.count() == 4


def test_an_empty_count_starts_a_full_exam_and_no_timed_box_an_untimed_one(
    client, learner, bank, clock
):
    client.post(url("exam_start"), {"scope": "exam", "question_count": ""})
    exam = Exam.objects.get()
    assert (exam.question_count, exam.timed, exam.deadline) == (5, False, None)


def test_a_topic_or_deck_exam_draws_from_it(client, learner, deck, other_topic, bank, clock):
    client.post(url("exam_start"), {"scope": "topic", "topic": other_topic.pk, "timed": "on"})
    client.post(url("exam_start"), {"scope": "deck", "deck": deck.pk, "timed": "on"})
    by_topic, by_deck = Exam.objects.order_by("pk")
    assert {i.question.topic for i in by_topic.items.select_related("question")} == {other_topic}
    assert by_deck.deck == deck
    assert set(by_deck.items.values_list("question", flat=True)) <= set(
        deck.questions.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "data",
    [
        {"scope": "exam", "question_count": "6"},  # more than there are
        {"scope": "exam", "question_count": "66"},
        {"scope": "exam", "question_count": "zwei"},
        {"scope": "topic"},
        {"scope": "topic", "topic": "999999"},
        {"scope": "domain"},
        {"scope": "domain", "domain": "999999"},
        {"scope": "task"},
        {"scope": "task", "task_statement": "abc"},
        {"scope": "deck"},
        {"scope": "sideways"},
        {},
    ],
)
def test_an_impossible_exam_re_renders_the_form_and_writes_nothing(
    client, learner, bank, clock, data
):
    response = client.post(url("exam_start"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert not Exam.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"scope": "topic", "topic": "999999"}, "topic"),
        ({"scope": "domain", "domain": "abc"}, "domain"),
        ({"scope": "topic"}, "topic"),
    ],
)
def test_one_cause_gives_one_message(client, learner, bank, clock, data, field):
    response = client.post(url("exam_start"), data)
    assert len(response.context["form"].errors[field]) == 1


def test_the_stock_korean_messages_speak_like_the_app(client, learner, bank, clock):
    response = client.post(
        url("exam_start"), {"scope": "topic", "topic": "999999"}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    html = response.content.decode()
    assert "목록에 없는 항목이에요. 목록에서 골라 주세요." in html
    assert "선택가능항목" not in html


def test_a_deck_of_another_teacher_cannot_be_chosen(
    client, learner, teacher, topic, make_question, clock
):
    private = Deck.objects.create(slug="private", name="Private deck", owner=teacher)
    private.questions.set([make_question(topic)])
    assert "Private deck" not in client.get(url("exam_list")).content.decode()
    response = client.post(url("exam_start"), {"scope": "deck", "deck": private.pk})
    assert response.status_code == 200
    assert "deck" in response.context["form"].errors
    assert not Exam.objects.exists()


# Taking ---------------------------------------------------------------------------------------


def test_a_question_page_shows_the_options_in_the_exams_order_and_the_clock(
    client, learner, bank, clock
):
    exam = new_exam(learner, clock)
    item = item_at(exam, 1)
    clock.shift(timedelta(seconds=75))

    response = client.get(url("exam_take", exam))

    assert response.status_code == 200
    html = response.content.decode()
    ids = [int(v) for v in re.findall(r'name="answer" value="(\d+)"', html)]
    assert ids == item.option_order
    assert "08:45 left" in html
    assert 'data-seconds-left="525"' in html
    assert "Question 1 of 5" in html
    assert html.count('class="nav-item') == 5
    assert 'style="' not in html


def test_a_multiple_response_question_says_how_many_to_choose(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    position = next(i.position for i in exam.items.all() if i.question.kind == "multiple")
    html = client.get(f"{url('exam_take', exam)}?q={position}").content.decode()
    assert "Choose 2." in html
    assert html.count('type="checkbox" name="answer"') == 4


def test_an_untimed_exam_says_so(client, learner, bank, clock):
    exam = new_exam(learner, clock, timed=False)
    html = client.get(url("exam_take", exam)).content.decode()
    assert "Untimed" in html
    assert "data-seconds-left" not in html


def test_without_a_question_number_the_first_unanswered_one_is_shown(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    for position in (1, 2):
        exam_services.exam_answer_save(
            user=learner,
            exam=exam,
            position=position,
            answer_ids=right(item_at(exam, position).question),
            flagged=False,
            now=timezone.now(),
        )
    response = client.get(url("exam_take", exam))
    assert response.context["page"].item.position == 3
    response = client.get(f"{url('exam_take', exam)}?q=1")
    html = response.content.decode()
    assert response.context["page"].item.position == 1
    assert re.search(rf'value="{right(item_at(exam, 1).question)[0]}" checked', html)
    # Out of range or nonsense: the nearest question, not an error page.
    assert client.get(f"{url('exam_take', exam)}?q=99").context["page"].item.position == 5
    assert client.get(f"{url('exam_take', exam)}?q=x").context["page"].item.position == 3


@pytest.mark.parametrize(
    ("go", "expected"),
    [
        ("next", "?q=3"),
        ("prev", "?q=1"),
        ("stay", "?q=2"),
        ("", "?q=2"),
        ("5", "?q=5"),
        ("finish", "finish"),
    ],
)
def test_saving_moves_where_the_button_says(client, learner, bank, clock, go, expected):
    exam = new_exam(learner, clock)
    question = item_at(exam, 2).question
    response = client.post(
        url("exam_save", exam), {"position": "2", "answer": right(question)[:1], "go": go}
    )
    assert response.status_code == 303
    target = (
        url("exam_confirm", exam) if expected == "finish" else url("exam_take", exam) + expected
    )
    assert response["Location"] == target
    assert item_at(exam, 2).chosen_answer_ids == right(question)[:1]


def test_save_and_next_on_the_last_question_goes_to_the_review(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    response = client.post(url("exam_save", exam), {"position": "5", "go": "next"})
    assert response["Location"] == url("exam_confirm", exam)


def test_a_flag_is_saved_with_the_form(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    client.post(url("exam_save", exam), {"position": "3", "flagged": "1", "go": "stay"})
    item = item_at(exam, 3)
    assert (item.flagged, item.answered_at) == (True, None)
    html = client.get(f"{url('exam_take', exam)}?q=3").content.decode()
    assert re.search(r'name="flagged" value="1" checked', html)
    client.post(url("exam_save", exam), {"position": "3", "go": "stay"})
    assert item_at(exam, 3).flagged is False


def test_javascript_saves_get_json(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    question = item_at(exam, 1).question
    response = client.post(
        url("exam_save", exam),
        {"position": "1", "answer": right(question), "flagged": "1", "go": "stay"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "position": 1,
        "answered": True,
        "flagged": True,
        "seconds_left": 600,
    }
    assert item_at(exam, 1).chosen_answer_ids == right(question)


def bad_inputs(exam):
    single = next(i for i in exam.items.select_related("question") if i.question.kind == "single")
    other = next(i for i in exam.items.select_related("question") if i.pk != single.pk)
    pos = str(single.position)
    return [
        {"position": pos, "answer": "999999"},  # unknown answer
        {"position": pos, "answer": str(right(other.question)[0])},  # another question's
        {"position": pos, "answer": [str(a) for a in wrong(single.question)[:2]]},  # two
        {"position": pos, "answer": "abc"},  # not an integer
        {"position": pos, "answer": "-3"},
        {"position": "x", "answer": str(right(single.question)[0])},
        {"answer": str(right(single.question)[0])},  # no question
        {"position": "99", "answer": str(right(single.question)[0])},
        {"position": pos, "answer": str(right(single.question)[0]), "go": "sideways"},
    ]


@pytest.mark.parametrize("case", range(9))
def test_bad_input_gets_the_400_page_and_writes_nothing(client, learner, bank, clock, case):
    exam = new_exam(learner, clock)
    data = bad_inputs(exam)[case]
    before = snapshot()
    response = client.post(url("exam_save", exam), data)
    assert response.status_code == 400
    assert response.templates[0].name == "400.html"
    assert response.context["message"]
    assert response.context["back_url"].startswith(url("exam_take", exam))
    assert snapshot() == before


def test_bad_input_from_javascript_gets_a_json_error(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    response = client.post(
        url("exam_save", exam),
        {"position": "1", "answer": "999999"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "That answer does not belong to this question.",
        "results_url": None,
    }


# The deadline ---------------------------------------------------------------------------------


def test_an_answer_after_the_deadline_is_refused_and_the_exam_submitted(
    client, learner, bank, clock
):
    exam = new_exam(learner, clock)
    first = item_at(exam, 1)
    client.post(url("exam_save", exam), {"position": "1", "answer": right(first.question)})
    clock.move_to(exam.deadline + timedelta(seconds=1))
    late = item_at(exam, 2)

    response = client.post(
        url("exam_save", exam), {"position": "2", "answer": right(late.question)}
    )

    assert response.status_code == 400
    assert "Time is up" in response.context["message"]
    assert response.context["back_url"] == url("exam_results", exam)
    assert item_at(exam, 2).chosen_answer_ids == []
    exam.refresh_from_db()
    assert (exam.submitted_at, exam.raw_score) == (timezone.now(), 1)
    assert Attempt.objects.filter(user=learner, mode=Mode.EXAM).count() == 1


def test_a_late_javascript_save_is_told_where_the_results_are(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    clock.move_to(exam.deadline)
    response = client.post(
        url("exam_save", exam),
        {"position": "1", "answer": right(item_at(exam, 1).question)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["results_url"] == url("exam_results", exam)
    assert "Time is up" in response.json()["error"]


@pytest.mark.parametrize("name", ["exam_take", "exam_confirm", "exam_results"])
def test_loading_an_exam_after_its_deadline_submits_it(client, learner, bank, clock, name):
    exam = new_exam(learner, clock)
    clock.move_to(exam.deadline + timedelta(hours=5))
    response = client.get(url(name, exam), follow=True)
    assert response.redirect_chain in ([], [(url("exam_results", exam), 303)])
    assert response.templates[0].name == "study/exams/results.html"
    exam.refresh_from_db()
    assert exam.submitted_at == timezone.now()
    if name != "exam_results":
        assert "Time is up" in response.content.decode()


def test_a_submitted_exam_refuses_answers(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    client.post(url("exam_submit", exam))
    before = snapshot()
    response = client.post(
        url("exam_save", exam), {"position": "1", "answer": right(item_at(exam, 1).question)}
    )
    assert response.status_code == 400
    assert "submitted" in response.context["message"]
    assert snapshot() == before
    assert client.get(url("exam_take", exam))["Location"] == url("exam_results", exam)


# Review, submit, results ----------------------------------------------------------------------


def test_the_review_page_lists_unanswered_and_flagged_questions(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    for position in (1, 2, 4):
        client.post(
            url("exam_save", exam),
            {
                "position": str(position),
                "answer": right(item_at(exam, position).question)[:1],
                "flagged": "1" if position == 2 else "",
            },
        )
    client.post(url("exam_save", exam), {"position": "5", "flagged": "1"})

    response = client.get(url("exam_confirm", exam))

    assert response.status_code == 200
    assert [e.position for e in response.context["unanswered"]] == [3, 5]
    assert [e.position for e in response.context["flagged"]] == [2, 5]
    html = response.content.decode()
    assert "You have answered 3 of 5 questions." in html
    assert f'action="{url("exam_submit", exam)}"' in html


def test_submitting_twice_lands_on_the_same_results(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    client.post(
        url("exam_save", exam), {"position": "1", "answer": right(item_at(exam, 1).question)}
    )
    first = client.post(url("exam_submit", exam))
    before = snapshot()
    clock.shift(timedelta(minutes=1))
    second = client.post(url("exam_submit", exam))
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == url("exam_results", exam)
    assert snapshot() == before
    assert Attempt.objects.filter(mode=Mode.EXAM).count() == 1


def test_results_of_an_open_exam_send_the_learner_back_to_it(client, learner, bank, clock):
    exam = new_exam(learner, clock)
    response = client.get(url("exam_results", exam))
    assert response.status_code == 302
    assert response["Location"] == url("exam_take", exam)


def test_the_results_show_score_estimate_breakdown_and_every_question(
    client, learner, bank, clock, topic, other_topic
):
    exam = new_exam(learner, clock)
    positions = {i.position: i.question for i in exam.items.select_related("question")}
    multiple_at = next(p for p, q in positions.items() if q.kind == "multiple")
    for position, question in positions.items():
        if position == multiple_at:
            continue  # left unanswered
        chosen = right(question) if question.topic == topic else wrong(question)[:1]
        client.post(url("exam_save", exam), {"position": str(position), "answer": chosen})
    client.post(url("exam_submit", exam))

    response = client.get(url("exam_results", exam))

    assert response.status_code == 200
    results = response.context["results"]
    assert (results.correct, results.total, results.unanswered) == (3, 5, 1)
    assert results.scaled == 640 and not results.passed
    assert [(r.label, r.correct, r.total) for r in results.by_topic] == [
        ("Lambda", 3, 3),
        ("AWS Global Accelerator", 0, 2),
    ]
    assert [(r.code, r.correct, r.total) for r in results.by_task] == [("3.2", 3, 3), ("3.4", 0, 2)]
    assert [(r.label, r.correct, r.total) for r in results.by_domain] == [
        ("Domain 3: Design High-Performing Architectures", 3, 5)
    ]
    html = response.content.decode()
    assert "3 / 5" in html
    assert "640" in html
    assert "weighted by the domain's weight in the exam guide" in html
    assert "With one domain it is simply 100 + (1000 − 100) × correct ÷ total" in html
    assert "estimate" in html
    assert "3.2 Design high-performing and elastic compute solutions" in html
    assert html.count('class="citation"') == 5
    assert html.count("why: AWS Lambda") == 4  # every option's explanation, every question
    assert "Not answered" in html
    assert 'style="' not in html
    # Every question listed, each closed, with a jump list of all five numbers.
    assert html.count('<details class="card review-item') == 5
    assert " open>" not in html
    assert html.count('<a href="#q') == 5
    assert "All (5)" in html and "Wrong (1)" in html and "Unanswered (1)" in html


def submitted_with_one_of_each(client, learner, clock):
    """A three-question exam: question 1 right, 2 wrong, 3 unanswered."""
    exam = new_exam(learner, clock, count=3)
    for position, pick in ((1, right), (2, wrong)):
        chosen = pick(item_at(exam, position).question)[:1]
        client.post(url("exam_save", exam), {"position": str(position), "answer": chosen})
    client.post(url("exam_submit", exam))
    return exam


@pytest.mark.parametrize(
    ("show", "listed"),
    [("wrong", ["q2"]), ("unanswered", ["q3"]), ("all", ["q1", "q2", "q3"]), ("nonsense", None)],
)
def test_the_results_list_only_the_questions_asked_for(client, learner, bank, clock, show, listed):
    client.force_login(learner)
    exam = submitted_with_one_of_each(client, learner, clock)
    response = client.get(url("exam_results", exam), {"show": show})
    assert response.status_code == 200
    html = response.content.decode()
    found = [m for m in ("q1", "q2", "q3") if f'<li id="{m}"' in html]
    assert found == (listed or ["q1", "q2", "q3"])
    if show in ("wrong", "unanswered"):
        assert html.count(" open>") == 1  # what was asked for opens
        assert '<a href="?show=all#q1"' in html  # the jump list reaches every question
        assert f'href="?show={show}#every-question" aria-current="page"' in html
    else:
        assert " open>" not in html
        assert 'href="?show=all#every-question" aria-current="page"' in html


def test_the_list_plots_past_scores_as_an_accessible_svg(client, learner, bank, clock):
    for count, right_count in ((5, 5), (4, 1)):
        exam = new_exam(learner, clock, count=count)
        for position in range(1, right_count + 1):
            exam_services.exam_answer_save(
                user=learner,
                exam=exam,
                position=position,
                answer_ids=right(item_at(exam, position).question),
                flagged=False,
                now=timezone.now(),
            )
        exam_services.exam_submit(user=learner, exam=exam, now=timezone.now())
        clock.shift(timedelta(hours=1))
    open_exam = new_exam(learner, clock, count=2)

    response = client.get(url("exam_list"))

    html = response.content.decode()
    assert '<svg class="score-chart-svg"' in html
    assert 'role="img"' in html
    assert '<title id="score-chart-title">Scaled scores of your last 2 exams</title>' in html
    assert "Oldest first: 1000, 325." in html
    assert html.count('<circle class="chart-point') == 2
    assert "In progress" in html
    assert url("exam_take", open_exam) in html
    assert "04:00 left" in html
    assert 'style="' not in html


# Query counts ---------------------------------------------------------------------------------


def choice_bank(topic, n):
    questions = Question.objects.bulk_create(
        Question(
            key=f"bulk-{i}",
            topic=topic,
            kind="single",
            prompt=f"질문 {i}",
            source_file="notes/x.md",
            source_first_line=1,
            source_last_line=2,
            order=i,
        )
        for i in range(n)
    )
    Answer.objects.bulk_create(
        Answer(question=q, text=f"답 {j}", is_correct=j == 0, explanation=f"설명 {j}", order=j)
        for q in questions
        for j in range(4)
    )
    return questions


def history(user, questions, n):
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=questions[i % len(questions)],
            mode=Mode.CHOICE,
            correct=i % 2 == 0,
            rating=3,
            reviewed_at=now - timedelta(minutes=i),
        )
        for i in range(n)
    )


@pytest.mark.parametrize(("attempts", "size"), [(10, 5), (2000, 5), (10, 65), (2000, 65)])
def test_exam_pages_run_a_fixed_number_of_queries(
    client, learner, topic, clock, django_assert_max_num_queries, attempts, size
):
    questions = choice_bank(topic, 65)
    history(learner, questions, attempts)
    exam = new_exam(learner, clock, count=size)
    for position in range(1, size + 1, 2):
        exam_services.exam_answer_save(
            user=learner,
            exam=exam,
            position=position,
            answer_ids=right(item_at(exam, position).question),
            flagged=position % 3 == 0,
            now=timezone.now(),
        )

    # Session and user, then: the exam, the item statuses, one question and its answers.
    with django_assert_max_num_queries(6):
        assert client.get(f"{url('exam_take', exam)}?q=2").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url("exam_confirm", exam)).status_code == 200
    # The exams with answered counts, the blueprint, the topics and the decks (each counted and
    # shown from one read), the choice questions per task statement: 7, within the old bound.
    with django_assert_max_num_queries(8):
        assert client.get(url("exam_list")).status_code == 200

    exam_services.exam_submit(user=learner, exam=exam, now=timezone.now())
    # The exam, the blueprint (its format and pass line), the items with questions, topics and
    # their blueprint rows, all their answers.
    with django_assert_max_num_queries(6):
        assert client.get(url("exam_results", exam)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url("exam_list")).status_code == 200


def test_the_results_cache_key_changes_with_every_preference_the_page_shows(
    client, learner, bank, clock
):
    exam = new_exam(learner, clock, count=3)
    exam_services.exam_submit(user=learner, exam=exam, now=timezone.now())

    def key(language="en"):
        response = client.get(url("exam_results", exam), HTTP_ACCEPT_LANGUAGE=language)
        return response.context["cache_key"]

    first = key()
    assert key() == first
    keys = {first, key("ko")}  # the interface language
    learner.card_language = "en" if learner.card_language == "ko" else "ko"
    learner.save()
    keys.add(key())  # the card language shown first
    learner.time_zone = "America/New_York"
    learner.save()
    keys.add(key())  # the time zone of the times shown
    learner.ui_language = "ko"
    learner.save()
    keys.add(key())  # the interface language the account chose
    assert len(keys) == 5
    assert str(exam.pk) in first


def test_a_short_timed_exam_does_not_start_with_the_red_clock(client, learner, bank, clock):
    exam = new_exam(learner, clock, count=2)  # 4 minutes: under the usual five-minute warning
    client.force_login(learner)
    html = client.get(url("exam_take", exam)).content.decode()
    assert 'class="exam-clock"' in html
    assert 'data-low-below="60"' in html
    clock.shift(timedelta(minutes=3, seconds=1))
    assert 'class="exam-clock is-low"' in client.get(url("exam_take", exam)).content.decode()
