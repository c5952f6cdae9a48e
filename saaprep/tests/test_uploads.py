"""No upload is read past MAX_UPLOAD_BYTES: the handlers after the cap never hold more."""

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import encode_multipart

from saaprep.uploads import SizeCappedUploadHandler

LIMIT = 1000


class Recorder(FileUploadHandler):
    """Stands for the memory/temporary-file handler: counts the bytes it was given."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def parse(size: int, settings: Any) -> tuple[Any, Recorder]:
    """Post a file of `size` bytes through the capped handler, then the recorder, then memory."""
    settings.MAX_UPLOAD_BYTES = LIMIT
    body = encode_multipart("BoUnDaRy", {"file": ("export.json", BytesIO(b"x" * size))})
    request = RequestFactory().post(
        "/", data=body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    recorder = Recorder(request)
    handlers = [SizeCappedUploadHandler(request), recorder, MemoryFileUploadHandler(request)]
    for handler in handlers:
        handler.chunk_size = 64  # many chunks, so the cap falls inside the file
    parser = MultiPartParser(request.META, BytesIO(body), handlers, "utf-8")
    _post, files = parser.parse()
    return files["file"], recorder


@pytest.mark.parametrize("size", [0, 1, LIMIT - 1, LIMIT])
def test_a_file_within_the_limit_arrives_whole(size: int, settings: Any) -> None:
    upload, recorder = parse(size, settings)
    assert upload.size == size
    assert upload.read() == b"x" * size
    assert recorder.received == size


@pytest.mark.parametrize("size", [LIMIT + 1, LIMIT * 3, LIMIT * 50])
def test_a_file_past_the_limit_keeps_its_size_but_is_never_held(size: int, settings: Any) -> None:
    upload, recorder = parse(size, settings)
    assert upload.size == size  # what the form's size check refuses
    assert upload.read() == b""
    assert recorder.received <= LIMIT


def test_the_cap_is_the_first_upload_handler(settings: Any) -> None:
    assert settings.FILE_UPLOAD_HANDLERS[0] == "saaprep.uploads.SizeCappedUploadHandler"
    assert settings.MAX_UPLOAD_BYTES == 5 * 1024 * 1024
