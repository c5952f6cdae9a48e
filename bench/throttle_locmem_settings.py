"""bench/throttle only, never deployed: the production settings with a per-process cache.

With it each gunicorn worker counts failed logins on its own, so a lockout needs five failures
on one worker: bench/throttle runs the same requests against it to show why the shared cache
matters.
"""

from saaprep.settings import *  # noqa: F403 - the production settings, one line changed

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
