from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", accounts_views.language_switch, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("cards.urls")),
    path("", include("study.urls")),
    path("", include("classrooms.urls")),
]

handler404 = "saaprep.views.page_not_found"
handler500 = "saaprep.views.server_error"
