"""bench/settings.py is the production configuration plus the bench app and its URLconf; the bench
URLconf is every production URL plus the baseline page, with the production error pages."""

from typing import Any

from django.core.management import get_commands
from django.urls import get_resolver

from bench import settings as bench_settings
from bench import urls as bench_urls
from saaprep import settings as production_settings
from saaprep import urls as production_urls


def _settings(module: Any) -> dict[str, Any]:
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def test_the_bench_settings_change_only_the_apps_and_the_urlconf() -> None:
    production, bench = _settings(production_settings), _settings(bench_settings)
    changed = {name for name in production | bench if production.get(name) != bench.get(name)}
    assert changed == {"INSTALLED_APPS", "ROOT_URLCONF"}
    assert bench["INSTALLED_APPS"] == [*production["INSTALLED_APPS"], "bench"]
    assert bench["ROOT_URLCONF"] == "bench.urls"


def test_the_bench_urlconf_keeps_every_production_url_and_error_page() -> None:
    assert bench_urls.urlpatterns[1:] == production_urls.urlpatterns
    handlers = {name for name in dir(production_urls) if name.startswith("handler")}
    assert handlers == {"handler404", "handler500"}
    for name in handlers:
        assert getattr(bench_urls, name) == getattr(production_urls, name)


def test_the_tests_here_run_with_the_bench_app_and_urls() -> None:
    assert "bench_baseline" in get_resolver().reverse_dict
    assert get_commands()["bench_seed"] == "bench"
