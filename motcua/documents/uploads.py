# SPDX-License-Identifier: AGPL-3.0-or-later
"""An upload handler that stops keeping a file once it passes the per-file limit.

Django's own handlers spool a whole upload to a temporary file before the view can look at it: a 2 GB
"scan" would fill the disk first and be refused after. Put first in `request.upload_handlers`, this
handler skips the file as soon as it is too big (nothing of it is kept) and remembers its name so the
view can say which file was refused and why (`validators.upload_check` gives the same message).
"""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .validators import display_name_clean, max_bytes


class SizeLimitUploadHandler(FileUploadHandler):
    """`too_large`: (form field name, cleaned display name) of each file skipped for its size."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit if limit is not None else max_bytes()
        self.too_large: list[tuple[str, str]] = []
        self._received = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large.append((self.field_name, display_name_clean(self.file_name)))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the UploadedFile
