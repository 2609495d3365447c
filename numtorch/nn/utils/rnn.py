"""``torch.nn.utils.rnn``: padding and packing of variable-length sequences.

A packed batch stores the time steps of B sequences sorted by decreasing length one after
the other: step t contributes the first ``batch_sizes[t]`` sequences, so
``data`` has sum(lengths) rows.  Packing and padding are both written as one row gather
(``x[index]``) over a flattened (T*B, *) view, so they are differentiable to any order
(the gather's backward is a scatter-add, whose backward is again a gather).
"""
from collections import namedtuple

from ..._backend import xp
from ... import _creation as C
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


def _cat(ts, dim=0):
    import numtorch
    return numtorch.cat(ts, dim)


PackedSequence_ = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(PackedSequence_):
    """Holds the packed ``data`` and the ``batch_sizes`` (int64, one per time step) of a batch of sequences;
    ``sorted_indices`` maps sorted position -> original batch index, ``unsorted_indices`` is its inverse."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        """``data.to(...)``; the index tensors follow the data's device, ``batch_sizes`` stays on the CPU."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cuda(self, *args, **kwargs):
        return self.to(*(("cuda",) + args), **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*(("cpu",) + args), **kwargs)

    def double(self):
        return self.to(dtype=_dt("float64"))

    def float(self):
        return self.to(dtype=_dt("float32"))

    def half(self):
        return self.to(dtype=_dt("float16"))

    def long(self):
        return self.to(dtype=_dt("int64"))

    def int(self):
        return self.to(dtype=_dt("int32"))

    def short(self):
        return self.to(dtype=_dt("int16"))

    def char(self):
        return self.to(dtype=_dt("int8"))

    def byte(self):
        return self.to(dtype=_dt("uint8"))

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def _dt(name):
    import numtorch
    return getattr(numtorch, name)


def invert_permutation(permutation):
    """The inverse permutation: out[permutation[i]] = i."""
    if permutation is None:
        return None
    p = permutation._data
    out = xp.empty_like(p)
    out[p] = xp.arange(p.shape[0], dtype=p.dtype)
    return C.from_numpy(out)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        return lengths._data.astype(xp.int64)
    return xp.asarray(lengths, dtype=xp.int64).reshape(-1)


def _batch_sizes(lengths, T):
    """batch_sizes[t] = number of sequences longer than t (lengths sorted decreasingly)."""
    return (lengths[None, :] > xp.arange(T)[:, None]).sum(1).astype(xp.int64)


def _packed_rows(batch_sizes, B, T, batch_first):
    """Row index into the flattened padded tensor of every packed element, in packed (time-major) order."""
    t, b = xp.nonzero(xp.arange(B)[None, :] < batch_sizes[:, None])
    return b * T + t if batch_first else t * B + b


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded (T, B, *) (or (B, T, *)) batch of sequences of the given lengths."""
    lens = _lengths_array(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = xp.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = C.from_numpy(order.astype(xp.int64))
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if enforce_sorted and (xp.diff(lens) > 0).any():
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
                           "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    B = lens.shape[0]
    T = int(lens[0]) if B else 0
    full_T = input.shape[1] if batch_first else input.shape[0]
    if T > full_T:
        raise RuntimeError(f"Expected sequence length to be at most the padded length {full_T}, but got {T}")
    bs = _batch_sizes(lens, T)
    rows = _packed_rows(bs, B, full_T, batch_first)
    flat = input.reshape((-1,) + tuple(input.shape[2:]))
    data = flat[C.from_numpy(rows)]
    return PackedSequence(data, C.from_numpy(bs), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """(padded (T, B, *) or (B, T, *), lengths) of a packed batch, in the original batch order."""
    bs = sequence.batch_sizes._data.astype(xp.int64)
    max_len = bs.shape[0]
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_len}")
        max_len = total_length
    data = sequence.data
    B = int(bs[0]) if bs.size else 0
    rows = _packed_rows(bs, B, max_len, batch_first)
    # every padded position gathers its packed row, or the extra padding row appended at the end
    src = xp.full(max_len * B, data.shape[0], dtype=xp.int64)
    src[rows] = xp.arange(rows.shape[0])
    pad_row = C.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    padded = _cat([data, pad_row], 0)[C.from_numpy(src)]
    shape = ((B, max_len) if batch_first else (max_len, B)) + tuple(data.shape[1:])
    padded = padded.reshape(shape)
    lengths = (xp.arange(B)[None, :] < bs[:, None]).sum(0).astype(xp.int64)
    if sequence.unsorted_indices is not None:
        u = sequence.unsorted_indices
        return padded.index_select(0 if batch_first else 1, u), C.from_numpy(lengths[u._data])
    return padded, C.from_numpy(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack (L_i, *) tensors into (T, B, *) (or (B, T, *)), padded with ``padding_value`` on ``padding_side``."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    try:
        sequences = tuple(sequences)
    except TypeError:
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}") from None
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    lens = xp.array([s.shape[0] for s in sequences], dtype=xp.int64)
    T = int(lens.max())
    data = _cat(list(sequences), 0)
    starts = xp.concatenate([[0], xp.cumsum(lens)[:-1]])
    steps = xp.arange(T)[None, :]                              # (1, T)
    off = (T - lens)[:, None] if padding_side == "left" else 0
    valid = (steps >= off) & (steps < off + lens[:, None])    # (B, T)
    src = xp.where(valid, starts[:, None] + steps - off, data.shape[0])
    if not batch_first:
        src = src.T
    pad_row = C.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    out = _cat([data, pad_row], 0)[C.from_numpy(xp.ascontiguousarray(src).reshape(-1))]
    return out.reshape(tuple(src.shape) + tuple(data.shape[1:]))


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of unpadded sequences: padded[:lengths[b], b] for every b."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lens = _lengths_array(lengths)
    return [padded_sequences[b, :int(n)] for b, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """``pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=...)``."""
    lengths = C.tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences held by a PackedSequence, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
