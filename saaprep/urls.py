from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("cards.urls")),
    path("", include("study.urls")),
    path("", include("classrooms.urls")),
]

handler404 = "saaprep.views.page_not_found"
handler500 = "saaprep.views.server_error"
