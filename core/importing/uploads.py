"""Uploads kept in memory, never in a temporary folder.

Import files hold personnel and need-to-know records. Django's default
handlers write an upload past 2.5 MB to a temporary file; this one keeps it
in memory, bounded by ``IMPORT_MAX_FILE_BYTES``: past that, the rest of the
upload is counted, not kept, and the import refuses the file by its size
(``files.read_table``) before reading any of it.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        # One byte past the limit is enough to know the file is too large.
        self.room = settings.IMPORT_MAX_FILE_BYTES + 1

    def receive_data_chunk(self, raw_data, start):
        if self.room > 0:
            kept = raw_data[: self.room]
            self.file.write(kept)
            self.room -= len(kept)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
