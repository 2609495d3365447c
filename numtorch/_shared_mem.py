"""Tensor storage in POSIX shared memory (``Tensor.share_memory_()``), kept shared across processes.

A shared tensor's array lives in a ``multiprocessing.shared_memory`` segment. Forked children map the
same pages; a pickled shared array (``spawn`` children, queues) travels as the segment's name, offset,
shape and strides and is mapped again on the other side, so in-place updates (Hogwild training) are seen
by every process. The process that created a segment unlinks it when its array is freed or at exit.
"""
import atexit
import os
import weakref

from ._backend import xp

# name -> (SharedMemory, start address, size in bytes, pid of the creating process)
_segments = {}


def _addr(a):
    return a.__array_interface__["data"][0]


def _extent(a):
    """Bytes spanned by ``a`` from its first element (non-negative strides)."""
    if a.size == 0:
        return 0
    return sum((n - 1) * s for n, s in zip(a.shape, a.strides)) + a.itemsize


def find(a):
    """``(name, byte offset)`` of the segment holding array ``a``, or None."""
    if not _segments or not isinstance(a, xp.ndarray):
        return None
    p = _addr(a)
    for name, (_, start, size, _) in _segments.items():
        if start <= p and p + _extent(a) <= start + max(size, 1):
            return name, p - start
    return None


def _release(name):
    seg = _segments.pop(name, None)
    if seg is None:
        return
    shm, _, _, pid = seg
    try:
        shm.close()
    except BufferError:   # a view still exports the buffer: the mapping goes with the process
        pass
    if pid == os.getpid():
        try:
            shm.unlink()
        except FileNotFoundError:
            pass


@atexit.register
def _release_all():
    for name in list(_segments):
        _release(name)


def _wrap(shm, shape, dtype, offset=0, strides=None):
    return xp.ndarray(shape, dtype=dtype, buffer=shm.buf, offset=offset, strides=strides)


def share(a):
    """A copy of array ``a`` in a new shared segment (``a`` itself when it already is in one)."""
    if find(a) is not None:
        return a
    from multiprocessing import shared_memory
    shm = shared_memory.SharedMemory(create=True, size=max(a.nbytes, 1))
    arr = _wrap(shm, a.shape, a.dtype)
    arr[...] = a
    _segments[shm.name] = (shm, _addr(arr), shm.size, os.getpid())
    weakref.finalize(arr, _release, shm.name)
    return arr


def attach(name, offset, shape, strides, dtype):
    """The array at ``offset`` in segment ``name`` (mapping the segment in this process if needed)."""
    seg = _segments.get(name)
    if seg is None:
        from multiprocessing import shared_memory
        shm = shared_memory.SharedMemory(name=name)
        base = _wrap(shm, (shm.size,), xp.uint8)
        seg = _segments[name] = (shm, _addr(base), shm.size, None)
        _bases[name] = base   # keeps the mapping for the life of this process
    base = _bases.get(name)
    if base is None:   # a segment this process created: its first array holds the whole buffer
        base = xp.ndarray((seg[2],), dtype=xp.uint8, buffer=seg[0].buf)
    return xp.ndarray(shape, dtype=xp.dtype(dtype), buffer=base, offset=offset, strides=strides)


_bases = {}


class _SharedRef:
    """Pickles as a reference to shared memory and unpickles as an array over the same memory."""

    __slots__ = ("args",)

    def __init__(self, args):
        self.args = args

    def __reduce__(self):
        return (attach, self.args)


def picklable(a):
    """What to pickle for array ``a``: a reference to its segment when it is shared, else ``a``."""
    where = find(a) if _segments else None
    if where is None:
        return a
    return _SharedRef((where[0], where[1], a.shape, a.strides, a.dtype.str))
