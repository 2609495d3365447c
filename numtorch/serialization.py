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
is called (``weights_only=True``, the default, as PyTorch's), unless the caller allow-lists it with
``add_safe_globals`` / ``safe_globals``. ``weights_only=False`` is an ordinary unpickler, for files the
caller trusts (whole pickled models and optimizers): globals named ``torch.X`` / ``torchvision.X``
are served by ``numtorch.X`` / ``numtorch.vision.X``. Writing to a path is atomic: a temporary file in the same directory, flushed and
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

__all__ = ["save", "load", "add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals"]


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
# dtypes without a typed storage class (uint16/32/64): PyTorch writes an UntypedStorage of bytes and names the
# dtype in a _rebuild_tensor_v3 record
_REBUILD_TENSOR_V3 = _Global("torch._utils", "_rebuild_tensor_v3")
_UNTYPED_STORAGE = _Global("torch.storage", "UntypedStorage")
_UNTYPED_DTYPES = {n: _Global("torch", n) for n in ("uint16", "uint32", "uint64")}
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
            if a.dtype.name in _UNTYPED_DTYPES:
                return ("storage", _UNTYPED_STORAGE, obj.key, "cpu", a.nbytes)
            return ("storage", _STORAGE_GLOBALS[a.dtype.name], obj.key, "cpu", a.size)
        return None

    def _storage_for(self, a):
        """(storage, element offset, element strides) for array ``a``; views of one array share a storage."""
        if a.dtype.name not in _STORAGE_OF and a.dtype.name not in _UNTYPED_DTYPES:
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
            if a.dtype.name in _UNTYPED_DTYPES:
                return (_REBUILD_TENSOR_V3, (ref, off, tuple(int(s) for s in a.shape), strides,
                                             bool(obj.requires_grad), _OrderedDict(), _UNTYPED_DTYPES[a.dtype.name]))
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
    __slots__ = ("array", "order")

    def __init__(self, array, order="="):
        self.array = array
        self.order = order   # the file's byte order, for an untyped (byte) storage read as another dtype


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


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    """A tensor over an UntypedStorage (bytes) with its dtype named in the record (uint16/32/64)."""
    if not isinstance(storage, _LoadedStorage) or not isinstance(dtype, _D.dtype):
        raise pickle.UnpicklingError("corrupt checkpoint: a tensor record does not refer to a storage and dtype")
    raw = storage.array
    npd = dtype.np
    if raw.dtype != _xp.uint8:   # a typed storage: the dtype must be its own
        if raw.dtype != npd:
            raise pickle.UnpicklingError("corrupt checkpoint: a tensor's dtype differs from its storage's")
        typed = storage
    else:
        if raw.size % npd.itemsize:
            raise pickle.UnpicklingError(f"corrupt checkpoint: {raw.size} bytes do not hold whole {dtype} values")
        view = raw.view(npd.newbyteorder(storage.order)) if storage.order != "=" else raw.view(npd)
        typed = _LoadedStorage(view if view.dtype.isnative else view.astype(npd))
    return _rebuild_tensor_v2(typed, storage_offset, size, stride, requires_grad, backward_hooks, metadata)


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
        if self.name == "UntypedStorage":
            return _xp.dtype(_xp.uint8)
        return _D.bfloat16.np if self.name == "BFloat16Storage" else _xp.dtype(_DTYPE_OF[self.name])


def _allowed():
    table = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
        ("torch.storage", "UntypedStorage"): _StorageType("UntypedStorage"),
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
                 "double", "half", "long", "int", "short", "bfloat16", "uint16", "uint32", "uint64"):
        dt = getattr(_D, name if name != "bool" else "bool_", None)
        if dt is not None:
            table[("torch", name)] = dt
    return table


_ALLOWED = None


# ------------------------------------------------------------------ allow-listing, as torch.serialization
_safe_globals_set = set()


def add_safe_globals(safe_globals):
    """Allow the given globals (callables, or ``(callable, "module.qualname")`` pairs) in ``weights_only`` loads."""
    global _safe_globals_set
    _safe_globals_set = _safe_globals_set.union(set(safe_globals))


def get_safe_globals():
    """The globals added by ``add_safe_globals`` (a list)."""
    return list(_safe_globals_set)


def clear_safe_globals():
    """Forget every global added by ``add_safe_globals``."""
    global _safe_globals_set
    _safe_globals_set = set()


class safe_globals:
    """Context manager: ``add_safe_globals(globals)`` on entry, removed again on exit."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, type, value, tb):
        global _safe_globals_set
        _safe_globals_set = _safe_globals_set - set(self.safe_globals)


def _torch_path(path):
    """``numtorch.X`` -> ``torch.X`` and ``numtorch.vision.X`` -> ``torchvision.X``: a file written by PyTorch
    names ``torch.nn.modules.linear.Linear`` where numtorch's class is ``numtorch.nn.modules.linear.Linear``."""
    if path.startswith("numtorch.vision.") or path == "numtorch.vision":
        return "torchvision" + path[len("numtorch.vision"):]
    if path.startswith("numtorch.") or path == "numtorch":
        return "torch" + path[len("numtorch"):]
    return path


class _CorruptCheckpoint(pickle.UnpicklingError, RuntimeError):
    """Not a checkpoint / a damaged one: PyTorch raises ``pickle.UnpicklingError`` for such bytes; numtorch's
    earlier ``RuntimeError`` is kept as a second base so that both ``except`` clauses catch it."""


class _EmptyCheckpoint(EOFError, RuntimeError):
    """An empty file: PyTorch's ``EOFError``, also a ``RuntimeError`` as numtorch raised before."""


class _CallerError(pickle.UnpicklingError):
    """Carries an error of the caller's (not of the file) out of the unpickler unchanged."""


def _user_allowed():
    out = {}
    for f in _safe_globals_set:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full path), but got tuple of "
                                 f"length: {len(f)}")
            if type(f[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: {type(f[1])}")
            out[_torch_path(f[1])] = f[0]
        else:
            out[_torch_path(f"{f.__module__}.{f.__qualname__}")] = f
    return out


_UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, "
    "but it can result in arbitrary code execution. Do it only if you got the file from a trusted source.")


def _wo_message(full_path):
    """PyTorch's refusal text for a global that ``weights_only`` loading does not allow."""
    if full_path.startswith("builtins."):
        full_path = full_path[len("builtins."):]
    return ("Weights only load failed. This file can still be loaded, to do so you have two options, do those steps "
            f"only if you trust the source of the checkpoint. \n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to "
            "load with `weights_only=True` please check the recommended steps in the following error message.\n\t"
            f"WeightsUnpickler error: Unsupported global: GLOBAL {full_path} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global if you "
            "trust this class/function.\n\nCheck the documentation of torch.load to learn more about types accepted "
            "by default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


_C_MODULES = {"torch._C._nn": "torch.nn.functional", "torch._C._VariableFunctions": "torch",
              "torch._C._special": "torch.special", "torch._C._linalg": "torch.linalg", "torch._C._fft": "torch.fft"}


def _find_torch(module, name):
    """``torch.X`` / ``torchvision.X`` for ``weights_only=False``: served by ``numtorch.X`` / ``numtorch.vision.X``.

    numtorch's files are not always PyTorch's (``torch.nn.modules.batchnorm.BatchNorm2d`` is
    ``numtorch.nn.modules.normalization.BatchNorm2d``), so the name is also looked up in each parent package
    (``numtorch.nn.modules``, ``numtorch.nn``, ...), which re-export their public classes.
    """
    import importlib
    # PyTorch's C-implemented functions pickle under their binding modules: F.gelu is torch._C._nn.gelu,
    # torch.add is torch._C._VariableFunctions.add
    module = _C_MODULES.get(module, module)
    if module.partition(".")[0] == "torch":
        target = "numtorch" + module[len("torch"):]
    else:
        target = "numtorch.vision" + module[len("torchvision"):]
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
            for part in name.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError):
            continue
        return obj
    raise pickle.UnpicklingError(f"numtorch.load: the checkpoint needs '{module}.{name}', and numtorch has no "
                                 f"'{target}.{name}'")


class _Unpickler(pickle.Unpickler):
    """Serves only allow-listed globals (all of them with ``weights_only=False``); storages come from the zip
    records."""

    def __init__(self, file, zf, prefix, byteorder, weights_only=True):
        super().__init__(file, encoding="utf-8")
        self._zf, self._prefix, self._byteorder = zf, prefix, byteorder
        self.weights_only = weights_only
        self._storages = {}

    def find_class(self, module, name):
        global _ALLOWED
        import _compat_pickle
        # protocol-2 files spell Python 3's builtins with Python 2's names (``__builtin__.set``)
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        if _ALLOWED is None:
            _ALLOWED = _allowed()
        fn = _ALLOWED.get((module, name))
        if fn is not None:
            return fn
        if module == "torch" and name.endswith("Storage"):
            raise pickle.UnpicklingError(f"numtorch.load: the checkpoint holds a tensor of storage type torch.{name}, "
                                         "a dtype numtorch does not support")
        if not self.weights_only:
            if module.partition(".")[0] in ("torch", "torchvision"):
                return _find_torch(module, name)
            return super().find_class(module, name)
        try:
            user = _user_allowed()
        except (ValueError, TypeError) as e:   # a malformed add_safe_globals entry: the caller's error, as is
            raise _CallerError(e) from None
        fn = user.get(_torch_path(f"{module}.{name}"))
        if fn is not None:
            return fn
        raise pickle.UnpicklingError(_wo_message(f"{module}.{name}"))

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
        st = _LoadedStorage(arr, "<" if self._byteorder == "little" else ">")
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


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by ``numtorch.save`` or ``torch.save`` (zip format, or the legacy pickle stream of
    ``_use_new_zipfile_serialization=False``, read by ``numtorch._legacy_load`` with the same rules).

    With ``weights_only=True`` (the default, as in PyTorch 2.6+) only tensors, Parameters,
    numbers, strings, bytes, None, bools, (ordered) dicts, lists, tuples, sets and the globals
    allowed by ``add_safe_globals`` are rebuilt: any other global raises
    ``pickle.UnpicklingError`` naming it, and nothing from the file is called. With
    ``weights_only=False`` the file is unpickled in full (whole models, optimizers, your own
    classes), which can run arbitrary code: only for files you trust. Everything lands on the
    CPU (``map_location`` is accepted for compatibility).
    """
    truthy = ("1", "y", "yes", "true")
    force_wo = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    force_no_wo = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    if force_wo and force_no_wo:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force_wo:
        weights_only = True
    elif force_no_wo and weights_only is None:
        weights_only = False
    elif weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    fh, opened = _read_source(f)
    try:
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if magic[:2] != b"PK":
            if not magic:
                raise _EmptyCheckpoint("numtorch.load: the file is empty (0 bytes), not a PyTorch checkpoint")
            if magic[:2] == b"\x80\x02":   # a protocol-2 pickle stream: torch.save's legacy (non-zip) format
                from . import _legacy_load
                return _legacy_load.load(fh, bool(weights_only))
            raise _CorruptCheckpoint("numtorch.load: not a PyTorch checkpoint (neither a zip archive nor a legacy "
                                     "pickle stream): the file is truncated or of another format")
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
                up = _Unpickler(io.BytesIO(data), zf, prefix, byteorder, weights_only=bool(weights_only))
                return up.load()
            except _CallerError as e:
                raise e.args[0] from None
            except pickle.UnpicklingError:
                raise
            except (_zipfile.BadZipFile, EOFError, struct.error, _zlib_error()) as e:
                raise RuntimeError(f"numtorch.load: the checkpoint is truncated or corrupt ({e})") from None
            except (pickle.PickleError, ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
                if not weights_only and not isinstance(e, pickle.PickleError):
                    raise   # a full unpickle ran the file's own code: its errors are the program's
                raise pickle.UnpicklingError(f"numtorch.load: corrupt checkpoint ({type(e).__name__}: {e})") \
                    from None
    finally:
        if opened:
            fh.close()


def _zlib_error():
    import zlib
    return zlib.error
