from django.urls import path

from . import exam_views, plan_views, views

app_name = "study"

urlpatterns = [
    path("decks/<slug:slug>/study/", views.session, name="session"),
    path("decks/<slug:slug>/study/answer/", views.answer, name="answer"),
    path("decks/<slug:slug>/study/result/<str:token>/", views.result, name="result"),
    path("decks/<slug:slug>/study/regrade/", views.regrade, name="regrade"),
    path("progress/", views.progress, name="progress"),
    path("progress/leeches/study/", views.leech_session, name="leech_session"),
    path("progress/leeches/study/answer/", views.leech_answer, name="leech_answer"),
    path("progress/leeches/study/result/<str:token>/", views.leech_result, name="leech_result"),
    path("progress/suspended/", views.suspended_list, name="suspended_list"),
    path("questions/<int:pk>/history/", views.card_history, name="card_history"),
    path("questions/<int:pk>/suspend/", views.card_suspend, name="card_suspend"),
    path("questions/<int:pk>/unsuspend/", views.card_unsuspend, name="card_unsuspend"),
    path("questions/<int:pk>/report/", views.card_report, name="card_report"),
    path("progress/data/", views.my_data, name="data"),
    path("progress/data/export.json", views.data_export_json, name="data_export_json"),
    path("progress/data/attempts.csv", views.data_export_csv, name="data_export_csv"),
    path("progress/data/import/", views.data_import, name="data_import"),
    path("plan/", plan_views.plan, name="plan"),
    path("plan/apply/", plan_views.plan_apply, name="plan_apply"),
    path("plan/exam-order/", plan_views.exam_order, name="exam_order"),
    path("exams/", exam_views.exam_list, name="exam_list"),
    path("exams/start/", exam_views.exam_start, name="exam_start"),
    path("exams/<int:pk>/", exam_views.exam_take, name="exam_take"),
    path("exams/<int:pk>/save/", exam_views.exam_save, name="exam_save"),
    path("exams/<int:pk>/finish/", exam_views.exam_confirm, name="exam_confirm"),
    path("exams/<int:pk>/submit/", exam_views.exam_submit, name="exam_submit"),
    path("exams/<int:pk>/results/", exam_views.exam_results, name="exam_results"),
]
