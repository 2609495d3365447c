"""A minimal sparse COO tensor: the gradient of ``nn.Embedding(sparse=True)``'s weight.

A ``SparseCOOTensor`` of shape (num_embeddings, dim) holds ``indices`` (1, nnz)
int64 row numbers and ``values`` (nnz, dim): the dense tensor it stands for is
``D[indices[0, k]] += values[k]`` summed over k.  Rows may repeat until
``coalesce()`` sums duplicates and sorts the rows (PyTorch's semantics).
Adding two sparse tensors concatenates their entries (no summing), as PyTorch.

It is a ``Tensor`` (``isinstance(g, torch.Tensor)`` holds, as in PyTorch) whose
``_data`` is the values array; the dense methods of Tensor do not apply to it.
Optimizers read it through ``indices()``/``values()`` after ``coalesce()``.
"""
from ._backend import xp
from ._tensor import Tensor, Size, _make

__all__ = ["SparseCOOTensor", "sparse_coo_tensor", "accumulate"]

sparse_coo = "torch.sparse_coo"


class SparseCOOTensor(Tensor):
    """Sparse COO tensor with one sparse dimension (rows) and dense trailing dimensions."""

    is_sparse = True
    layout = sparse_coo

    def __new__(cls, indices, values, size, coalesced=False):
        t = object.__new__(cls)
        t._idx = xp.asarray(indices, dtype=xp.int64).reshape(1, -1)
        t._data = values
        t._size = tuple(int(s) for s in size)
        t._coalesced = bool(coalesced)
        t.requires_grad = False
        t.grad_fn = None
        t._out_nr = 0
        t._grad = None
        t._vc = [0]
        return t

    def __init__(self, *args, **kwargs):
        pass

    # --- structure -------------------------------------------------------
    @property
    def shape(self):
        return Size(self._size)

    def size(self, dim=None):
        return Size(self._size) if dim is None else self._size[dim]

    def dim(self):
        return len(self._size)

    @property
    def ndim(self):
        return len(self._size)

    def numel(self):
        n = 1
        for s in self._size:
            n *= s
        return n

    def sparse_dim(self):
        return 1

    def dense_dim(self):
        return len(self._size) - 1

    def _nnz(self):
        return self._idx.shape[1]

    def is_coalesced(self):
        return self._coalesced

    def _indices(self):
        return _make(self._idx)

    def _values(self):
        return _make(self._data)

    def indices(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return _make(self._idx)

    def values(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return _make(self._data)

    # --- conversions -----------------------------------------------------
    def coalesce(self):
        """Sum entries with equal indices; indices sorted ascending and unique."""
        if self._coalesced:
            return self
        rows = self._idx[0]
        uniq, inv = xp.unique(rows, return_inverse=True)
        vals = xp.zeros((uniq.shape[0],) + self._data.shape[1:], self._data.dtype)
        xp.add.at(vals, inv.reshape(-1), self._data)
        return SparseCOOTensor(uniq.reshape(1, -1), vals, self._size, coalesced=True)

    def to_dense(self):
        out = xp.zeros(self._size, self._data.dtype)
        xp.add.at(out, self._idx[0], self._data)
        return _make(out)

    def detach(self):
        return self

    def clone(self):
        return SparseCOOTensor(self._idx.copy(), self._data.copy(), self._size, self._coalesced)

    def is_floating_point(self):
        return self._data.dtype.kind in "fV"

    # --- arithmetic ------------------------------------------------------
    def __add__(self, other):
        if isinstance(other, SparseCOOTensor):
            if other._size != self._size:
                raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size "
                                   f"{list(self._size)} while other has size {list(other._size)}")
            return SparseCOOTensor(xp.concatenate([self._idx, other._idx], 1),
                                   xp.concatenate([self._data, other._data.astype(self._data.dtype, copy=False)]),
                                   self._size)
        if isinstance(other, Tensor):
            return other + self.to_dense()
        return NotImplemented

    __radd__ = __add__

    def __mul__(self, other):
        if isinstance(other, (int, float)):
            return SparseCOOTensor(self._idx, self._data * self._data.dtype.type(other), self._size, self._coalesced)
        return NotImplemented

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __repr__(self):
        ind = repr(_make(self._idx))
        val = repr(_make(self._data)).replace("\n", "\n" + " " * 14)
        return (f"tensor(indices={ind},\n       values={val},\n       size={tuple(self._size)}, "
                f"nnz={self._nnz()}, layout=torch.sparse_coo)")

    __str__ = __repr__


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with one sparse dimension from (1, nnz) indices and (nnz, ...) values."""
    idx = indices._data if isinstance(indices, Tensor) else xp.asarray(indices)
    val = values._data if isinstance(values, Tensor) else xp.asarray(values, dtype=xp.float32)
    if dtype is not None:
        val = val.astype(dtype.np)
    if idx.ndim != 2 or idx.shape[0] != 1:
        raise NotImplementedError("numtorch sparse tensors have exactly one sparse dimension (indices of shape "
                                  "(1, nnz))")
    if size is None:
        size = (int(idx.max()) + 1 if idx.size else 0,) + val.shape[1:]
    return SparseCOOTensor(idx, val, size, coalesced=bool(is_coalesced))


def accumulate(cur, g):
    """The leaf-gradient accumulation with a sparse operand (engine's ``_accumulate``)."""
    if cur is None:
        return g.clone() if isinstance(g, SparseCOOTensor) else _make(xp.array(g._data, copy=True))
    if isinstance(cur, SparseCOOTensor) and isinstance(g, SparseCOOTensor):
        return cur + g
    if isinstance(cur, SparseCOOTensor):
        return _make(g._data + cur.to_dense()._data)
    return _make(cur._data + g.to_dense()._data)
