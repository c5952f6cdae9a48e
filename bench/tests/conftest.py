"""The bench app's tests run in the project's suite, which runs on saaprep.settings: each test here
gets the two settings bench/settings.py changes (test_settings.py holds that there are two), and
pytest-django's `settings` fixture puts them back afterwards, so nothing leaks into other tests.
"""

from typing import Any

import pytest

from bench import settings as bench_settings


@pytest.fixture(autouse=True)
def _bench_settings(settings: Any) -> None:
    settings.INSTALLED_APPS = bench_settings.INSTALLED_APPS
    settings.ROOT_URLCONF = bench_settings.ROOT_URLCONF
