"""No request body past settings.MAX_REQUEST_BODY_BYTES is read: 413, before reading it.

A worker that reads a 1 GB upload to the end is busy for about 10 s, and the site has two.
Two layers, because the WSGI server and Django see different things:

- `BodyLimit` wraps the WSGI application (saaprep/wsgi.py, which gunicorn and runserver load).
  A declared Content-Length over the limit is refused without reading a byte. A chunked body
  (no Content-Length: gunicorn decodes it, and Django, seeing no length, would treat it as
  empty) is read up to one byte past the limit: over it, it is refused; within it, Django gets
  it with its length, as if it had been sent with one. Only a server that ends the stream at the
  body's end (`wsgi.input_terminated`, as gunicorn does) can be read that way; elsewhere (the
  development server) a chunked body is refused unread rather than waited for.
- `RequestBodyLimitMiddleware` answers the refusal with the site's 413 page, in the site's layout
  and language, and itself refuses a declared length over the limit for anything that reaches
  Django without `BodyLimit` (the test client, another server). Nothing before it reads the body:
  Django reads it only when a view, or CSRF's check just before one, asks for the form.

The TLS proxy in front should cap bodies too (README, "Configuration"); this is the app's own
guard, not a replacement for that.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Set in the WSGI environ (hence request.META) when BodyLimit refused the body.
REFUSED = "saaprep.body_too_large"
READ_SIZE = 64 * 1024

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def declared_length(environ: dict[str, Any]) -> int | None:
    """The Content-Length the client sent, or None when there is none (or it is not a number)."""
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def is_chunked(environ: dict[str, Any]) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


class BodyLimit:
    """WSGI middleware: bodies over the limit reach Django empty, marked as refused."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        limit = settings.MAX_REQUEST_BODY_BYTES
        length = declared_length(environ)
        if length is not None and length > limit:
            self._refuse(environ)
        elif length is None and is_chunked(environ):
            if not environ.get("wsgi.input_terminated"):
                self._refuse(environ)
                return self.application(environ, start_response)
            body = self._read_at_most(environ["wsgi.input"], limit + 1)
            if len(body) > limit:
                self._refuse(environ)
            else:
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)

    @staticmethod
    def _read_at_most(stream: Any, size: int) -> bytes:
        parts: list[bytes] = []
        left = size
        while left > 0:
            part = stream.read(min(READ_SIZE, left))
            if not part:
                break
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    @staticmethod
    def _refuse(environ: dict[str, Any]) -> None:
        environ[REFUSED] = True
        environ["wsgi.input"] = io.BytesIO()
        environ["CONTENT_LENGTH"] = "0"


class RequestBodyLimitMiddleware:
    """The 413 page for a body over the limit, before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request.META)
        limit = settings.MAX_REQUEST_BODY_BYTES
        if request.META.get(REFUSED) or (length is not None and length > limit):
            sizes = {
                "megabytes": f"{limit / 2**20:g}",
                "import_megabytes": f"{settings.MAX_UPLOAD_BYTES / 2**20:g}",
            }
            return render(request, "413.html", sizes, status=413)
        return self.get_response(request)
