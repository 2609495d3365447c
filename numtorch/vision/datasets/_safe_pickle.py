"""A restricted unpickler for dataset files (CIFAR's python format).

A pickle can name any importable callable (``os.system``, ``builtins.eval``) and the loader calls it:
loading an untrusted file with ``pickle.load`` runs arbitrary code. Dataset files only need dicts,
lists, bytes, str, ints and NumPy arrays, so ``find_class`` hands out exactly the globals NumPy's
array pickling uses and refuses every other name with ``pickle.UnpicklingError`` before anything is
called.
"""
import codecs
import io
import pickle

from ..._backend import xp

_reconstruct = xp.zeros(1).__reduce__()[0]      # numpy's array-reconstruction function, wherever it lives
_scalar = xp.float64(0).__reduce__()[0]         # numpy's scalar reconstruction (numbers inside meta files)
_frombuffer = xp.arange(2).__reduce_ex__(5)[0]  # protocol-5 arrays: numpy's _frombuffer(buffer, dtype, shape, order)


def _latin1_encode(obj, encoding="latin1", errors="strict"):
    # protocol-2 pickles written by Python 3 store bytes as _codecs.encode(text, "latin1")
    if encoding not in ("latin1", "latin-1", "iso-8859-1"):
        raise pickle.UnpicklingError(f"refused _codecs.encode with encoding {encoding!r}")
    return codecs.encode(obj, encoding, errors)


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): _scalar,
    ("numpy._core.multiarray", "scalar"): _scalar,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): xp.ndarray,
    ("numpy", "dtype"): xp.dtype,
    ("_codecs", "encode"): _latin1_encode,
    ("builtins", "bytearray"): bytearray,
}


class RestrictedUnpickler(pickle.Unpickler):
    """``pickle.Unpickler`` that resolves only the globals a dataset file needs."""

    def find_class(self, module, name):
        fn = _ALLOWED.get((module, name))
        if fn is None:
            raise pickle.UnpicklingError(
                f"refused to load global '{module}.{name}' from a dataset file: only dicts, lists, bytes, "
                f"str, numbers and NumPy arrays are allowed (the file may be corrupt or malicious)")
        return fn


def safe_load(f, encoding="latin1"):
    """Unpickle ``f`` (a binary file object, bytes, or a path) with the restricted unpickler."""
    if isinstance(f, (bytes, bytearray)):
        f = io.BytesIO(f)
    elif isinstance(f, str):
        with open(f, "rb") as fh:
            return RestrictedUnpickler(fh, encoding=encoding).load()
    return RestrictedUnpickler(f, encoding=encoding).load()
