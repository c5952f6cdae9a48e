"""The benchmark's settings: the production settings plus the bench app and its URLconf.

bench/run serves and seeds with DJANGO_SETTINGS_MODULE=bench.settings, so the pages it measures
run on exactly the production configuration; only `bench_seed` and the baseline page are added.
bench/tests/test_settings.py holds that nothing else differs.
"""

from saaprep import settings as production
from saaprep.settings import *  # noqa: F403 - every production setting, unchanged

INSTALLED_APPS = [*production.INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
