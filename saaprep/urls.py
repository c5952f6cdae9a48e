from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

from . import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("help/", views.help_page, name="help"),
    path("i18n/setlang/", accounts_views.language_switch, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    # Beside the settings page; here because they need the study and classrooms apps.
    path(
        "settings/reset-history/",
        account_views.history_reset,
        name="settings_history_reset",
    ),
    path(
        "settings/delete-account/",
        account_views.account_delete,
        name="settings_account_delete",
    ),
    path("", include("cards.urls")),
    path("", include("study.urls")),
    path("", include("classrooms.urls")),
]

handler404 = "saaprep.views.page_not_found"
handler500 = "saaprep.views.server_error"
