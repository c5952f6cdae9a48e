"""Uploads are never read past settings.MAX_UPLOAD_BYTES.

Django spools an uploaded file to memory or a temporary file whatever its size, and a form can
only refuse it afterwards. This handler runs first: past the limit it stops passing chunks on, so
the handlers after it (memory, temporary file) hold at most the limit, and it hands the form a
stand-in that carries the real size and no content, so the form's own size check refuses it with
its usual message.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class SizeCappedUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            return None  # the later handlers see nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        if file_size <= settings.MAX_UPLOAD_BYTES:
            return None  # the next handler's file is the upload
        return UploadedFile(
            file=io.BytesIO(),
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
        )
