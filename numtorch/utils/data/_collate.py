"""``default_collate`` / ``default_convert``: turn a list of samples into a batch.

Same rules as ``torch.utils.data.default_collate``:

* tensors are stacked along a new dimension 0;
* NumPy arrays become tensors and are stacked; NumPy scalars become one tensor;
* Python ``float`` -> float64 tensor, ``int`` -> int64 tensor (``bool`` -> bool tensor);
* ``str`` / ``bytes`` are returned as the list they came in;
* dicts, namedtuples, tuples and lists are collated field by field (a tuple comes back as a list,
  a namedtuple as the same namedtuple type, a mapping as the same mapping type when possible).
"""
import collections.abc
import copy
import re

from ..._backend import xp
from ..._tensor import Tensor, _make

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map",
           "default_collate_err_msg_format"]


def _as_tensor(a):
    from ... import as_tensor
    return as_tensor(a)


def collate_tensor_fn(batch, *, collate_fn_map=None):
    if any(t.requires_grad for t in batch):
        # keep autograd semantics: the stack is differentiable, as in PyTorch
        from ... import stack
        return stack(list(batch), 0)
    shape = batch[0]._data.shape
    for i, t in enumerate(batch):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                               f"and {list(t._data.shape)} at entry {i}")
    dt = batch[0]._data.dtype
    if all(t._data.dtype == dt for t in batch):
        # one preallocated output + one copy per sample (the fastest way NumPy offers)
        out = xp.empty((len(batch),) + shape, dtype=dt)
        for i, t in enumerate(batch):
            out[i] = t._data
        return _make(out)
    from ... import stack
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    # arrays of strings / objects cannot become tensors
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([_as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    # NumPy scalars keep their dtype (np.float32 -> float32), as torch.as_tensor does
    return _make(xp.asarray(list(batch)))


def collate_float_fn(batch, *, collate_fn_map=None):
    return _make(xp.asarray(batch, dtype=xp.float64))


def collate_int_fn(batch, *, collate_fn_map=None):
    if all(isinstance(b, bool) for b in batch):
        return _make(xp.asarray(batch, dtype=xp.bool_))
    return _make(xp.asarray(batch, dtype=xp.int64))


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    xp.ndarray: collate_numpy_array_fn,
    (xp.bool_, xp.number, xp.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples) using ``collate_fn_map`` for leaf types, recursing into containers."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                # the mapping type may carry extra state: clone it rather than rebuild it
                clone = copy.copy(elem)
                clone.update({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem})
                return clone
            return elem_type({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate(samples, collate_fn_map=collate_fn_map)
                return clone
            return elem_type([collate(samples, collate_fn_map=collate_fn_map) for samples in transposed])
        except TypeError:
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def default_collate(batch):
    """Stack a list of samples into a batch (see the module docstring for the rules)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Turn NumPy arrays (also inside containers) into tensors; used when auto-batching is off."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return _make(xp.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
