"""A small reader of MATLAB v5 ``.mat`` files: the numeric arrays SVHN and Flowers102 ship, without scipy.

Layout (MathWorks' "MAT-File Format", level 5): a 128-byte header (text, subsystem offset, version 0x0100 and
the endian mark ``IM``/``MI``), then data elements. Each element is a tag (type, byte count; the "small"
form packs both in 4 bytes with up to 4 data bytes) and its data padded to 8 bytes. ``miCOMPRESSED`` holds
one zlib-compressed element; ``miMATRIX`` holds array flags (class), dimensions, name and the real part,
stored column-major, possibly in a narrower type than the class. Only numeric, non-complex, non-sparse
arrays are returned; other variables (cells, structs, strings) are skipped. Every count is checked
against the bytes present before anything is allocated; nothing is executed.
"""
import zlib

from ..._backend import xp

__all__ = ["loadmat"]

_MI = {1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8", 12: "i8", 13: "u8"}
_MI_MATRIX, _MI_COMPRESSED = 14, 15
_CLASS = {6: "f8", 7: "f4", 8: "i1", 9: "u1", 10: "i2", 11: "u2", 12: "i4", 13: "u4", 14: "i8", 15: "u8"}
_MAX_DECOMPRESSED = 1 << 33    # 8 GiB: a bound on what one compressed element may expand to


class MatReadError(RuntimeError):
    pass


def _tag(buf, pos, end, bo):
    """(type, nbytes, data_start, next_pos) of the element at ``pos``."""
    if pos + 8 > end:
        raise MatReadError("truncated element tag")
    word = int(xp.frombuffer(buf, dtype=bo + "u4", count=1, offset=pos)[0])
    if word >> 16:   # small data element: 2-byte size, 2-byte type, 4 bytes of data
        n, t = word >> 16, word & 0xFFFF
        if n > 4:
            raise MatReadError("bad small data element")
        return t, n, pos + 4, pos + 8
    t = word
    n = int(xp.frombuffer(buf, dtype=bo + "u4", count=1, offset=pos + 4)[0])
    start = pos + 8
    if start + n > end:
        raise MatReadError(f"element of {n} bytes runs past the end of the file")
    return t, n, start, start + n + (-n % 8 if t != _MI_COMPRESSED else 0)


def _numeric(buf, t, n, start, bo):
    if t not in _MI:
        raise MatReadError(f"unsupported data type {t}")
    dt = xp.dtype(bo + _MI[t])
    if n % dt.itemsize:
        raise MatReadError("data size is not a multiple of its type's size")
    return xp.frombuffer(buf, dtype=dt, count=n // dt.itemsize, offset=start)


def _matrix(buf, start, end, bo):
    """(name, array) of an miMATRIX element, or (name, None) for non-numeric variables."""
    t, n, s, pos = _tag(buf, start, end, bo)          # array flags
    flags = _numeric(buf, t, n, s, bo)
    if len(flags) < 1:
        raise MatReadError("missing array flags")
    cls, complex_ = int(flags[0]) & 0xFF, bool(int(flags[0]) & 0x800)
    t, n, s, pos = _tag(buf, pos, end, bo)            # dimensions
    dims = [int(d) for d in _numeric(buf, t, n, s, bo)]
    if any(d < 0 for d in dims):
        raise MatReadError("negative dimension")
    t, n, s, pos = _tag(buf, pos, end, bo)            # name
    name = bytes(buf[s:s + n]).decode("latin1")
    if cls not in _CLASS or complex_:
        return name, None
    t, n, s, pos = _tag(buf, pos, end, bo)            # real part
    data = _numeric(buf, t, n, s, bo)
    count = 1
    for d in dims:
        count *= d
    if data.size != count:
        raise MatReadError(f"variable {name!r}: {data.size} values for dimensions {dims}")
    arr = data.astype(xp.dtype(_CLASS[cls]).newbyteorder("="))
    return name, arr.reshape(dims, order="F")


def _squeeze(a):
    a = a.squeeze()
    return a.item() if a.ndim == 0 else a


def loadmat(path, squeeze_me=False):
    """``{name: ndarray}`` of the numeric variables of a MATLAB v5 file (scipy.io.loadmat's result for them)."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 128:
        raise MatReadError(f"{path} is too short to be a MAT-file")
    if buf[:4] in (b"\x89HDF",) or buf[:116].startswith(b"MATLAB 7.3"):
        raise MatReadError(f"{path} is a MATLAB 7.3 (HDF5) file; numtorch reads the v5 format only")
    mark = buf[126:128]
    if mark == b"IM":
        bo = "<"
    elif mark == b"MI":
        bo = ">"
    else:
        raise MatReadError(f"{path} is not a MATLAB v5 file (no endian mark)")
    out = {}
    pending = [(buf, 128, len(buf))]
    while pending:
        b, pos, end = pending.pop(0)
        while pos < end:
            if end - pos < 8:
                break
            t, n, s, nxt = _tag(b, pos, end, bo)
            if t == _MI_COMPRESSED:
                d = zlib.decompressobj()
                raw = d.decompress(bytes(b[s:s + n]), _MAX_DECOMPRESSED)
                if d.unconsumed_tail:
                    raise MatReadError(f"{path}: a compressed element expands past {_MAX_DECOMPRESSED} bytes")
                pending.append((raw, 0, len(raw)))
            elif t == _MI_MATRIX:
                name, arr = _matrix(b, s, s + n, bo)
                if arr is not None:
                    out[name] = _squeeze(arr) if squeeze_me else arr
            pos = nxt
    return out
