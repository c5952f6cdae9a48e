"""WSGI entry point for gunicorn (and runserver, through WSGI_APPLICATION)."""

import os

from django.core.wsgi import get_wsgi_application

from saaprep.bodylimit import BodyLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saaprep.settings")

# Request bodies over settings.MAX_REQUEST_BODY_BYTES are refused before they are read, chunked
# ones included (saaprep/bodylimit.py).
application = BodyLimit(get_wsgi_application())
