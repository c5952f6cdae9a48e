"""ASGI entry point (unused in production, which runs gunicorn's sync workers)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saaprep.settings")

application = get_asgi_application()
