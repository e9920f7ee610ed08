"""A job's files, stored in the database in chunks (``JobChunk``).

Written as they are produced and read back one chunk at a time, so a worker
and a download hold one chunk (and, for a zip, one member) whatever the size
of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from django.conf import settings
from django.http import StreamingHttpResponse

from .models import Job, JobChunk

PIECE_BATCH = 8


class ChunkWriter:
    """A write-only file object whose bytes go to ``JobChunk`` rows.

    It has ``tell`` and no ``seek``: ``zipfile`` then writes each member's
    sizes after its data (a data descriptor) and never goes back.
    """

    def __init__(self, job: Job, slot: str = JobChunk.Slot.RESULT):
        self.job, self.slot = job, slot
        self.size = 0
        self.seq = 0
        self.buffer = bytearray()
        self.limit = settings.JOBS["chunk_bytes"]
        JobChunk.objects.filter(job=job, slot=slot).delete()

    def write(self, data) -> int:
        self.buffer += data
        self.size += len(data)
        while len(self.buffer) >= self.limit:
            self._store(bytes(self.buffer[: self.limit]))
            del self.buffer[: self.limit]
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        """Whole chunks only go out as they fill; ``close`` stores the rest."""

    def close(self) -> int:
        if self.buffer:
            self._store(bytes(self.buffer))
            self.buffer = bytearray()
        return self.size

    def _store(self, data: bytes) -> None:
        JobChunk.objects.create(job=self.job, slot=self.slot, seq=self.seq, data=data)
        self.seq += 1


def store_bytes(job: Job, slot: str, data: bytes) -> int:
    writer = ChunkWriter(job, slot)
    writer.write(data)
    return writer.close()


def store_file(job: Job, slot: str, binary) -> int:
    """Copy a binary file object into chunks, reading one chunk at a time."""
    writer = ChunkWriter(job, slot)
    while block := binary.read(writer.limit):
        writer.write(block)
    return writer.close()


def read_chunks(job: Job, slot: str = JobChunk.Slot.RESULT) -> Iterator[bytes]:
    """The file's bytes, one chunk per database read."""
    ids = list(JobChunk.objects.filter(job=job, slot=slot).order_by("seq").values_list("pk", flat=True))
    for pk in ids:
        yield bytes(JobChunk.objects.values_list("data", flat=True).get(pk=pk))


def result_response(job: Job) -> StreamingHttpResponse:
    """The job's result file as a download, streamed a chunk at a time; the
    page and the API answer it alike (never cached: it is the owner's)."""
    response = StreamingHttpResponse(read_chunks(job), content_type=job.result_type or "application/octet-stream")
    response["Content-Length"] = str(job.result_bytes)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name)}"
    response["Cache-Control"] = "private, no-store"
    return response


def read_bytes(job: Job, slot: str) -> bytes:
    return b"".join(read_chunks(job, slot))


def store_piece(job: Job, seq: int, name: str, data: bytes) -> None:
    JobChunk.objects.create(job=job, slot=JobChunk.Slot.PIECE, seq=seq, name=name[:255], data=data)


def pieces(job: Job) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of the job's pieces in order, a few rows per read."""
    last = -1
    while True:
        batch = list(
            JobChunk.objects.filter(job=job, slot=JobChunk.Slot.PIECE, seq__gt=last)
            .order_by("seq")
            .values_list("seq", "name", "data")[:PIECE_BATCH]
        )
        if not batch:
            return
        for seq, name, data in batch:
            last = seq
            yield name, bytes(data)
