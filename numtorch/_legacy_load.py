"""Reading PyTorch's legacy (non-zip) checkpoints: ``torch.save(obj, f, _use_new_zipfile_serialization=False)``.

File layout, a stream of protocol-2 pickles followed by raw storage bytes::

    pickle  MAGIC_NUMBER (0x1950a86a20f9469cfc6c)
    pickle  PROTOCOL_VERSION (1001)
    pickle  sys_info  {'protocol_version', 'little_endian', 'type_sizes'}
    pickle  the object; a storage is the persistent id
            ('storage', torch.FloatStorage, key, location, numel, view_metadata)
    pickle  the storage keys, in the order their bytes follow
    for each key: int64 little-endian numel, then numel * element_size bytes (little-endian)

The object refers to storages whose bytes come after it, so it is unpickled twice with the same restricted
unpickler as zip checkpoints (``serialization._Unpickler``: no code from the file runs): the first pass learns
each storage's dtype and size (checked against the bytes left in the file before anything is allocated), then
the bytes are read into them, and the second pass rebuilds the object over the filled storages.
"""
import pickle
import struct

from ._backend import xp
from . import serialization as _S

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001


def _corrupt(msg):
    return _S._CorruptCheckpoint(f"numtorch.load: corrupt legacy checkpoint: {msg}")


class _PlainUnpickler(pickle.Unpickler):
    """For the header records and the key list: plain data only, no global, no persistent id."""

    def find_class(self, module, name):
        raise _corrupt(f"unexpected global {module}.{name} in a header record")

    def persistent_load(self, pid):
        raise _corrupt("unexpected persistent id in a header record")


class _LegacyUnpickler(_S._Unpickler):
    """The zip loader's unpickler (same allow-list), with the legacy storage records."""

    def __init__(self, file, storages, budget, weights_only):
        super().__init__(file, None, "", "little", weights_only=weights_only)
        self._legacy = storages   # root key -> _LoadedStorage (shared by both passes)
        self._views = {}
        self._budget = budget     # bytes the file still holds: no storage may need more

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid):
            raise _corrupt(f"unknown persistent id {pid!r}")
        kind = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if kind == "module" and len(pid) >= 2:   # a pickled nn.Module class (with its source): the class itself
            return pid[1]
        if kind != "storage" or len(pid) != 6:
            raise _corrupt(f"unknown persistent id {pid!r}")
        _, stype, key, _location, numel, view = pid
        if not isinstance(stype, _S._StorageType):
            raise _corrupt(f"unknown storage type {stype!r}")
        if not isinstance(numel, int) or isinstance(numel, bool) or numel < 0:
            raise _corrupt(f"invalid storage size {numel!r}")
        key = str(key)
        dt = stype.dtype
        st = self._legacy.get(key)
        if st is None:
            need = 8 + numel * dt.itemsize
            if need > self._budget:
                raise RuntimeError(f"numtorch.load: the legacy checkpoint is truncated: a storage of {numel} "
                                   f"elements needs {need} bytes, the file has {max(self._budget, 0)} left")
            self._budget -= need
            st = _S._LoadedStorage(xp.zeros(numel, dtype=dt))
            self._legacy[key] = st
        elif st.array.dtype != dt or st.array.size != numel:
            raise _corrupt(f"storage {key} is declared twice with different types or sizes")
        if view is None:
            return st
        # pre-1.x files: a typed view (view_key, offset, size) into the root storage
        if not (isinstance(view, tuple) and len(view) == 3 and all(isinstance(v, int) for v in view[1:])):
            raise _corrupt(f"invalid storage view {view!r}")
        vkey, off, size = str(view[0]), view[1], view[2]
        if off < 0 or size < 0 or off + size > numel:
            raise _corrupt(f"storage view {vkey} [{off}, {off + size}) lies outside its storage of {numel}")
        vs = self._views.get(vkey)
        if vs is None:
            vs = self._views[vkey] = _S._LoadedStorage(st.array[off:off + size])
        return vs


def _read_exact(fh, n):
    data = fh.read(n)
    if len(data) != n:
        raise RuntimeError(f"unexpected EOF, expected {n - len(data)} more bytes. The file might be corrupted. "
                           "(numtorch.load: the legacy checkpoint is truncated)")
    return data


def load(fh, weights_only):
    """The object of a legacy checkpoint open in ``fh`` (seekable, positioned at its start)."""
    start = fh.tell()
    end = fh.seek(0, 2)
    fh.seek(start)
    try:
        magic = _PlainUnpickler(fh).load()
        if magic != MAGIC_NUMBER:
            raise _S._CorruptCheckpoint("Invalid magic number; corrupt file? (numtorch.load: not a PyTorch "
                                        "checkpoint: neither a zip archive nor a legacy pickle stream)")
        version = _PlainUnpickler(fh).load()
        if version != PROTOCOL_VERSION:
            raise _S._CorruptCheckpoint(f"Invalid protocol version: {version!r} (numtorch.load reads legacy "
                                        f"checkpoints of version {PROTOCOL_VERSION})")
        sys_info = _PlainUnpickler(fh).load()
        if not isinstance(sys_info, dict):
            raise _corrupt("the sys_info record is not a dict")
        if not sys_info.get("little_endian", True):
            # storages are written little-endian whatever the machine, but such files also pickle C-long sizes
            raise _corrupt("written on a big-endian machine, which numtorch does not read")
        obj_start = fh.tell()
        storages = {}
        _LegacyUnpickler(fh, storages, end - obj_start, weights_only).load()   # pass 1: learn the storages
        keys = _PlainUnpickler(fh).load()
    except (EOFError, struct.error) as e:
        raise _S._CorruptCheckpoint(f"numtorch.load: the legacy checkpoint is truncated ({e or 'EOF'})") from None
    except _S._CallerError as e:
        raise e.args[0] from None
    except (pickle.UnpicklingError, RuntimeError):
        raise
    except (pickle.PickleError, ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
        if not weights_only and not isinstance(e, pickle.PickleError):
            raise   # a full unpickle ran the file's own code: its errors are the program's
        raise _corrupt(f"{type(e).__name__}: {e}") from None
    if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
        raise _corrupt("the storage key list is not a list of strings")
    if set(keys) != set(storages) or len(keys) != len(storages):
        raise _corrupt(f"the storage key list names {len(keys)} storages, the object uses {len(storages)}")
    for key in keys:
        arr = storages[key].array
        (numel,) = struct.unpack("<q", _read_exact(fh, 8))
        if numel != arr.size:
            raise _corrupt(f"storage {key} holds {numel} elements, the object expects {arr.size}")
        raw = _read_exact(fh, numel * arr.itemsize)
        arr[...] = xp.frombuffer(raw, dtype=arr.dtype.newbyteorder("<"))
    after = fh.tell()
    fh.seek(obj_start)
    result = _LegacyUnpickler(fh, storages, 0, weights_only).load()   # pass 2: over the filled storages
    fh.seek(after)
    return result
