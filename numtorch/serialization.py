"""``save`` / ``load`` in PyTorch's own zip checkpoint format, without PyTorch and without running code.

File layout (what ``torch.save`` writes and ``torch.load`` reads)::

    archive/data.pkl              the object, pickled with protocol 2
    archive/.format_version       "1"
    archive/.storage_alignment    "64"
    archive/byteorder             "little"
    archive/data/<key>            raw bytes of one storage (64-byte aligned in the zip)
    archive/version               "3"
    archive/.data/serialization_id

In ``data.pkl`` a tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())`` and a Parameter ``torch._utils._rebuild_parameter(tensor,
requires_grad, OrderedDict())``; a storage is the persistent id ``('storage', torch.FloatStorage,
key, 'cpu', numel)``. Saving writes those GLOBAL opcodes itself (no torch import). Loading uses
an Unpickler whose ``find_class`` serves only an allow-list of reconstructors and plain
containers: any other global (``os.system``, ``builtins.eval``, ...) is refused before anything
is called. Writing to a path is atomic: a temporary file in the same directory, flushed and
fsynced, then ``os.replace``d over the target.
"""
import io
import os
import pickle
import struct
import sys
import tempfile
import uuid as _uuid
import zipfile as _zipfile
from collections import OrderedDict as _OrderedDict

from ._backend import xp as _xp, is_array as _is_array
from ._tensor import Tensor as _Tensor, _make, Size as _Size, device as _device
from . import _dtype as _D

__all__ = ["save", "load"]


_ALIGN = 64
_PROTOCOL = 2

# numpy dtype name <-> torch storage class name
_STORAGE_OF = {"float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
               "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
               "uint8": "ByteStorage", "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
               "complex128": "ComplexDoubleStorage", "bfloat16": "BFloat16Storage"}
_DTYPE_OF = {v: k for k, v in _STORAGE_OF.items()}


# ----------------------------------------------------------------------------- saving
class _Global:
    """Stands for the global ``module.name`` in the pickle stream (written as a GLOBAL opcode)."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires reduce callables to be callable
        raise TypeError(f"{self.module}.{self.name} is a placeholder for pickling only")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_STORAGE_GLOBALS = {k: _Global("torch", v) for k, v in _STORAGE_OF.items()}


class _StorageRef:
    """One storage to be written: a 1-D contiguous array, saved under ``key``."""

    __slots__ = ("array", "key")

    def __init__(self, array, key):
        self.array, self.key = array, key


def _root(a):
    """The ndarray that owns ``a``'s memory (following ``.base`` through ndarray views)."""
    while _is_array(a.base):
        a = a.base
    return a


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, taught to write torch's tensor records and GLOBALs."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file):
        super().__init__(file, protocol=_PROTOCOL)
        self.storages = []     # _StorageRef in key order
        self._by_root = {}     # id(root ndarray) -> (_StorageRef, root)

    def _save_global_placeholder(self, obj):
        self.write(pickle.GLOBAL + obj.module.encode("utf-8") + b"\n" + obj.name.encode("utf-8") + b"\n")
        self.memoize(obj)

    dispatch[_Global] = _save_global_placeholder

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            a = obj.array
            return ("storage", _STORAGE_GLOBALS[a.dtype.name], obj.key, "cpu", a.size)
        return None

    def _storage_for(self, a):
        """(storage, element offset, element strides) for array ``a``; views of one array share a storage."""
        if a.dtype.name not in _STORAGE_OF:
            raise pickle.PicklingError(f"numtorch.save: dtype {a.dtype} has no PyTorch storage type")
        item = a.itemsize
        root = _root(a)
        ok = (root.dtype == a.dtype and root.flags.c_contiguous and a.size > 0
              and all(s >= 0 and s % item == 0 for s in a.strides))
        if ok:
            off_bytes = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            ok = off_bytes >= 0 and off_bytes % item == 0
        if ok:
            rec = self._by_root.get(id(root))
            if rec is None:
                ref = _StorageRef(root.reshape(-1), str(len(self.storages)))
                self.storages.append(ref)
                self._by_root[id(root)] = (ref, root)  # keeps root alive so its id stays unique
            else:
                ref = rec[0]
            return ref, off_bytes // item, tuple(s // item for s in a.strides)
        # negative strides, dtype reinterpretations, empty arrays: save a compact copy
        c = _xp.ascontiguousarray(a).reshape(-1).copy()
        ref = _StorageRef(c, str(len(self.storages)))
        self.storages.append(ref)
        self._by_root[id(c)] = (ref, c)
        strides = []
        acc = 1
        for s in reversed(a.shape):
            strides.append(acc)
            acc *= s
        return ref, 0, tuple(reversed(strides))

    def reducer_override(self, obj):
        if isinstance(obj, _Tensor):
            from .nn.parameter import Parameter
            if isinstance(obj, Parameter):
                return (_REBUILD_PARAMETER, (_make(obj._data), bool(obj.requires_grad), _OrderedDict()))
            a = obj._data
            ref, off, strides = self._storage_for(a)
            return (_REBUILD_TENSOR, (ref, off, tuple(int(s) for s in a.shape), strides,
                                      bool(obj.requires_grad), _OrderedDict()))
        return NotImplemented

    def save(self, obj, save_persistent_id=True):
        # NumPy scalars are written as the Python numbers they hold (PyTorch's loader knows no NumPy)
        if isinstance(obj, _xp.generic):
            obj = obj.item()
        elif type(obj) is _Size:
            obj = tuple(obj)
        return super().save(obj, save_persistent_id)


def _local_header_size(name, extra=b""):
    return 30 + len(name.encode("utf-8")) + len(extra)


def _write_archive(fileobj, obj):
    """Write the whole zip checkpoint for ``obj`` to a binary file object."""
    buf = io.BytesIO()
    p = _Pickler(buf)
    p.dump(obj)
    pkl = buf.getvalue()
    prefix = "archive/"
    with _zipfile.ZipFile(fileobj, mode="w", compression=_zipfile.ZIP_STORED, allowZip64=True) as zf:
        def put(name, data, align=False):
            info = _zipfile.ZipInfo(prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = _zipfile.ZIP_STORED
            info.create_system = 0
            if align:
                # pad the local header's extra field so the record's bytes start on a 64-byte boundary
                start = zf.fp.tell() if hasattr(zf.fp, "tell") else 0
                base = _local_header_size(info.filename) + 4
                pad = (-(start + base)) % _ALIGN
                info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # 'FB' id, as PyTorch's writer
            zf.writestr(info, data)

        put("data.pkl", pkl)
        put(".format_version", b"1")
        put(".storage_alignment", b"64")
        put("byteorder", sys.byteorder.encode())
        for ref in p.storages:
            a = ref.array
            if a.dtype.byteorder == ">" or (a.dtype.byteorder == "=" and sys.byteorder == "big"):
                a = a.astype(a.dtype.newbyteorder("<"))
            put("data/" + ref.key, memoryview(_xp.ascontiguousarray(a).reshape(-1).view(_xp.uint8)), align=True)
        put("version", b"3\n")
        put(".data/serialization_id", _uuid.uuid4().hex.encode())


def _set_mode(fd, path):
    """Give the temporary file the permissions an ordinary ``open(path, 'wb')`` would (mkstemp uses 0600)."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    try:
        os.fchmod(fd, mode)
    except (AttributeError, OSError):  # no fchmod on Windows
        pass


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (nested dicts/lists/tuples of tensors, numbers, strings, None) to ``f`` in PyTorch's
    zip format; ``f`` is a path (written atomically) or a writable binary file object."""
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fspath(f)
        if isinstance(path, bytes):
            path = path.decode()
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise RuntimeError(f"Parent directory {directory} does not exist.")
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
        try:
            _set_mode(fd, path)
            with os.fdopen(fd, "wb") as fh:
                _write_archive(fh, obj)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:  # make the rename itself durable (best effort: not every platform can open a directory)
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass
        return
    if not hasattr(f, "write"):
        raise AttributeError(f"numtorch.save: expected a path or a writable file object, got {type(f).__name__}")
    _write_archive(f, obj)
    if hasattr(f, "flush"):
        f.flush()


# ---------------------------------------------------------------------------- loading
class _LoadedStorage:
    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if not isinstance(storage, _LoadedStorage):
        raise pickle.UnpicklingError("corrupt checkpoint: a tensor record does not refer to a storage")
    base = storage.array
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride) or any(s < 0 for s in size) or any(s < 0 for s in stride) or storage_offset < 0:
        raise pickle.UnpicklingError("corrupt checkpoint: invalid tensor size/stride")
    n = 1
    for s in size:
        n *= s
    if n == 0:
        arr = _xp.empty(size, dtype=base.dtype)
    else:
        extent = storage_offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1
        if extent > base.size:
            raise pickle.UnpicklingError(f"corrupt checkpoint: a tensor needs {extent} elements of a storage "
                                         f"that has {base.size}")
        item = base.itemsize
        arr = _xp.lib.stride_tricks.as_strided(base[storage_offset:], shape=size,
                                              strides=tuple(st * item for st in stride))
        if any(st == 0 and s > 1 for s, st in zip(size, stride)):
            arr = arr.copy()  # an expanded (stride-0) tensor becomes an ordinary one
        # otherwise ``arr`` stays a view: tensors that shared a storage when saved share it again
    t = _make(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks=None, *state):
    from .nn.parameter import Parameter
    if not isinstance(data, _Tensor):
        raise pickle.UnpicklingError("corrupt checkpoint: a Parameter record does not hold a tensor")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _rebuild_parameter(data, requires_grad, backward_hooks)


def _encode(s, encoding="latin1"):
    # protocol-2 pickles spell bytes as _codecs.encode(str, 'latin1')
    if not isinstance(s, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8", "ascii"):
        raise pickle.UnpicklingError("_codecs.encode: unexpected arguments in checkpoint")
    return s.encode(encoding)


class _StorageType:
    """``torch.FloatStorage`` & co. as read from a checkpoint: only their dtype matters."""

    def __init__(self, name):
        self.name = name

    @property
    def dtype(self):
        # bfloat16 is ml_dtypes' type, loaded only when a checkpoint holds one
        return _D.bfloat16.np if self.name == "BFloat16Storage" else _xp.dtype(_DTYPE_OF[self.name])


def _allowed():
    table = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("collections", "OrderedDict"): _OrderedDict,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "complex"): complex,
        ("builtins", "slice"): slice,
        ("_codecs", "encode"): _encode,
        ("torch", "Size"): _Size,
        ("torch", "device"): _device,
    }
    for name in _DTYPE_OF:
        table[("torch", name)] = _StorageType(name)
    for name in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "float",
                 "double", "half", "long", "int", "short", "bfloat16"):
        dt = getattr(_D, name if name != "bool" else "bool_", None)
        if dt is not None:
            table[("torch", name)] = dt
    return table


_ALLOWED = None


class _Unpickler(pickle.Unpickler):
    """Serves only allow-listed globals; storages come from the zip records."""

    def __init__(self, file, zf, prefix, byteorder):
        super().__init__(file, encoding="utf-8")
        self._zf, self._prefix, self._byteorder = zf, prefix, byteorder
        self._storages = {}

    def find_class(self, module, name):
        global _ALLOWED
        if _ALLOWED is None:
            _ALLOWED = _allowed()
        fn = _ALLOWED.get((module, name))
        if fn is None and module == "torch" and name.endswith("Storage"):
            raise pickle.UnpicklingError(f"numtorch.load: the checkpoint holds a tensor of storage type torch.{name}, "
                                         "a dtype numtorch does not support")
        if fn is None:
            raise pickle.UnpicklingError(
                f"numtorch.load refused the global '{module}.{name}': loading only rebuilds tensors, "
                "parameters and plain containers, and never calls other code from a checkpoint. "
                "If you trust this file, load it with PyTorch itself.")
        return fn

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"corrupt checkpoint: unknown persistent id {pid!r}")
        _, stype, key, _location, numel = pid[:5]
        if not isinstance(stype, _StorageType):
            raise pickle.UnpicklingError(f"corrupt checkpoint: unknown storage type {stype!r}")
        key = str(key)
        cached = self._storages.get(key)
        if cached is not None:
            return cached
        try:
            raw = self._zf.read(self._prefix + "data/" + key)
        except KeyError:
            raise pickle.UnpicklingError(f"corrupt checkpoint: storage record data/{key} is missing") from None
        dt = stype.dtype.newbyteorder("<" if self._byteorder == "little" else ">")
        if len(raw) != int(numel) * dt.itemsize:
            raise pickle.UnpicklingError(f"corrupt checkpoint: storage data/{key} holds {len(raw)} bytes, "
                                         f"expected {int(numel) * dt.itemsize}")
        arr = _xp.frombuffer(bytearray(raw), dtype=dt)  # a writable copy owned by the tensors
        if not dt.isnative:
            arr = arr.astype(dt.newbyteorder("="))
        st = _LoadedStorage(arr)
        self._storages[key] = st
        return st


def _read_source(f):
    """A seekable binary file object for ``f`` (path or file-like) and whether we opened it."""
    if isinstance(f, (str, bytes, os.PathLike)):
        return open(f, "rb"), True
    if not hasattr(f, "read"):
        raise AttributeError(f"numtorch.load: expected a path or a readable file object, got {type(f).__name__}")
    if not (hasattr(f, "seek") and hasattr(f, "tell")) or (hasattr(f, "seekable") and not f.seekable()):
        return io.BytesIO(f.read()), False
    return f, False


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Load an object saved by ``numtorch.save`` or ``torch.save`` (zip format).

    Only tensors, Parameters, numbers, strings, bytes, None, bools and (ordered) dicts,
    lists, tuples and sets are rebuilt: any other global in the file raises
    ``pickle.UnpicklingError`` naming it, whatever ``weights_only`` says. Everything
    lands on the CPU (``map_location`` is accepted for compatibility).
    """
    fh, opened = _read_source(f)
    try:
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if magic[:2] != b"PK":
            if magic[:1] == b"\x80":
                raise RuntimeError("numtorch.load: this is a legacy (pre-1.6, non-zip) PyTorch checkpoint, which "
                                   "numtorch does not read; re-save it with a current torch.save")
            raise RuntimeError("numtorch.load: not a PyTorch checkpoint (no zip archive found): the file is "
                               "empty, truncated or of another format")
        try:
            zf = _zipfile.ZipFile(fh)
        except (_zipfile.BadZipFile, OSError, ValueError, struct.error) as e:
            raise RuntimeError(f"numtorch.load: the checkpoint is truncated or corrupt ({e})") from None
        with zf:
            names = zf.namelist()
            pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
            if not pkl:
                raise RuntimeError("numtorch.load: corrupt checkpoint: no data.pkl record in the archive")
            prefix = pkl[0][: -len("data.pkl")]
            try:
                byteorder = zf.read(prefix + "byteorder").decode().strip() if prefix + "byteorder" in names \
                    else "little"
                data = zf.read(pkl[0])
                up = _Unpickler(io.BytesIO(data), zf, prefix, byteorder)
                return up.load()
            except pickle.UnpicklingError:
                raise
            except (_zipfile.BadZipFile, EOFError, struct.error, _zlib_error()) as e:
                raise RuntimeError(f"numtorch.load: the checkpoint is truncated or corrupt ({e})") from None
            except (pickle.PickleError, ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
                raise pickle.UnpicklingError(f"numtorch.load: corrupt checkpoint ({type(e).__name__}: {e})") \
                    from None
    finally:
        if opened:
            fh.close()


def _zlib_error():
    import zlib
    return zlib.error
