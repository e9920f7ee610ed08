"""Room on CPython's frame stack for the deep calls of a request.

CPython 3.11 keeps the frames of Python calls in chunks of 16 KiB that it
maps from the system one at a time, and unmaps a chunk as soon as the calls
return out of it (python/cpython#142183; 3.13 and later keep one chunk
back). Rendering a page goes down and up across the edge of a chunk
hundreds of times, and each crossing is an mmap, a munmap and fresh pages
to fault in: a quarter of the time of an admin page here (the URL sweep's
requests of one persona: 7.4 s, 1.7 s of it in the kernel; 5.4 s called
through ``with_room``, 0.14 s in the kernel).

``with_room(func, ...)`` calls ``func`` from a frame that reserves
``ROOM_SLOTS`` object slots beyond what it needs, so that CPython gives it a
chunk of 256 KiB; the calls below it fit in the rest of that chunk and never
cross an edge. Where CPython keeps a chunk back the reservation costs one
mapping per call and nothing else.
"""

ROOM_SLOTS = 16 * 1024


def _call(func, /, *args, **kwargs):
    return func(*args, **kwargs)


# The frame's size is the code's locals and its value stack: a deeper
# declared stack than the body uses is reserved and never touched.
_call.__code__ = _call.__code__.replace(co_stacksize=_call.__code__.co_stacksize + ROOM_SLOTS)


def with_room(func, /, *args, **kwargs):
    """``func(*args, **kwargs)``, called with room on the frame stack."""
    return _call(func, *args, **kwargs)
