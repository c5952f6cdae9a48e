"""Every production URL, plus the benchmark's baseline page."""

from django.urls import path

from saaprep import urls as production

from . import views

urlpatterns = [
    path("bench/baseline/", views.baseline, name="bench_baseline"),
    *production.urlpatterns,
]

# Django reads the error handlers from the root URLconf: the production pages, unchanged.
handler404 = production.handler404
handler500 = production.handler500
