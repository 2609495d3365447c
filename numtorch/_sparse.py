"""Sparse COO tensors: ``torch.sparse_coo_tensor``, ``Tensor.to_sparse``/``to_dense``, and sparse @ dense.

A ``SparseCOOTensor`` of shape (S_0..S_{k-1}, D...) holds ``indices`` (k, nnz) int64 coordinates of its k
sparse dims and ``values`` (nnz, D...): the dense tensor it stands for is ``X[indices[:, j]] += values[j]``
summed over j.  Coordinates may repeat until ``coalesce()`` sums duplicates and sorts them (PyTorch's
semantics); adding two sparse tensors concatenates their entries (no summing), as PyTorch.  It is also the
gradient of ``nn.Embedding(sparse=True)``'s weight (one sparse dim).

It is a ``Tensor`` (``isinstance(g, torch.Tensor)`` holds, as in PyTorch) whose ``_data`` is the values array;
the dense methods of Tensor do not apply to it.  For autograd the values may be a Tensor in the graph
(``_vt``): ``to_dense``, ``coalesce`` and sparse @ dense products are differentiable in them, and a sparse
leaf created with ``requires_grad=True`` gets a sparse ``.grad`` with its own indices.
"""
from ._backend import xp
from ._tensor import Tensor, Size, _make

from .autograd.function import Function

__all__ = ["SparseCOOTensor", "sparse_coo_tensor", "to_sparse", "accumulate"]

sparse_coo = "torch.sparse_coo"


class SparseCOOTensor(Tensor):
    """Sparse COO tensor: k sparse dimensions (indices (k, nnz)) and dense trailing dimensions."""

    is_sparse = True
    layout = sparse_coo

    def __new__(cls, indices, values, size, coalesced=False):
        t = object.__new__(cls)
        idx = xp.asarray(indices, dtype=xp.int64)
        t._idx = idx.reshape(1, -1) if idx.ndim < 2 else idx
        t._data = values
        t._vt = None
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
        return self._idx.shape[0]

    def dense_dim(self):
        return len(self._size) - self._idx.shape[0]

    @property
    def dtype(self):
        from . import _dtype as D
        return D.from_numpy_dtype(self._data.dtype)

    @property
    def grad(self):
        """The sparse gradient of a sparse leaf (its values' gradient on its own indices)."""
        vt = self._vt
        if vt is None or vt.grad is None:
            return None
        if self._coalesced:
            return SparseCOOTensor(self._idx, vt.grad._data, self._size, True)
        # the gradient of the dense matrix on the tensor's pattern: duplicate coordinates carry the same
        # value, which appears once (coalesced), as PyTorch's sparse gradient
        k = self._idx.shape[0]
        lin = xp.ravel_multi_index(tuple(self._idx), self._size[:k])
        uniq, first = xp.unique(lin, return_index=True)
        idx = xp.stack(xp.unravel_index(uniq, self._size[:k])).astype(xp.int64).reshape(k, -1)
        return SparseCOOTensor(idx, vt.grad._data[first], self._size, True)

    @grad.setter
    def grad(self, value):
        if self._vt is not None and value is None:
            self._vt.grad = None

    def _nnz(self):
        return self._idx.shape[1]

    def is_coalesced(self):
        return self._coalesced

    def _indices(self):
        return _make(self._idx)

    def _values(self):
        return self._vt if self._vt is not None else _make(self._data)

    def indices(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return _make(self._idx)

    def values(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._vt if self._vt is not None else _make(self._data)

    # --- conversions -----------------------------------------------------
    def coalesce(self):
        """Sum entries with equal indices; indices sorted ascending (row-major) and unique."""
        if self._coalesced:
            return self
        k = self._idx.shape[0]
        lin = xp.ravel_multi_index(tuple(self._idx), self._size[:k]) if self._idx.size else \
            xp.zeros(0, xp.int64)
        uniq, inv = xp.unique(lin, return_inverse=True)
        new_idx = xp.stack(xp.unravel_index(uniq, self._size[:k])).astype(xp.int64).reshape(k, -1)
        if self._vt is not None:
            from ._creation import zeros
            vt = zeros((uniq.shape[0],) + tuple(self._data.shape[1:]), dtype=self._vt.dtype).index_add(
                0, _make(inv.reshape(-1).astype(xp.int64)), self._vt)
            r = SparseCOOTensor(new_idx, vt._data, self._size, coalesced=True)
            r._vt, r.requires_grad = vt, vt.requires_grad
            return r
        vals = xp.zeros((uniq.shape[0],) + self._data.shape[1:], self._data.dtype)
        xp.add.at(vals, inv.reshape(-1), self._data)
        return SparseCOOTensor(new_idx, vals, self._size, coalesced=True)

    def to_dense(self, dtype=None, *, masked_grad=None):
        """The dense tensor: X[indices[:, j]] += values[j]; differentiable in the values."""
        if self._vt is not None and self._vt.requires_grad:
            return _ToDense.apply(self._vt, self._idx, self._size)
        out = xp.zeros(self._size, self._data.dtype)
        xp.add.at(out, tuple(self._idx), self._data)
        return _make(out)

    def __matmul__(self, other):
        from . import sparse as _sp
        return _sp.mm(self, other)

    def t(self):
        if len(self._size) != 2 or self._idx.shape[0] != 2:
            raise RuntimeError("t() expects a 2-D sparse tensor with two sparse dimensions")
        r = SparseCOOTensor(self._idx[::-1].copy(), self._data, self._size[::-1])
        r._vt, r.requires_grad = self._vt, self.requires_grad
        return r

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
        ind = repr(_make(self._idx)).replace("\n", "\n" + " " * 15)
        val = repr(_make(self._data)).replace("\n", "\n" + " " * 14)
        return (f"tensor(indices={ind},\n       values={val},\n       size={tuple(self._size)}, "
                f"nnz={self._nnz()}, layout=torch.sparse_coo)")

    __str__ = __repr__


class _ToDense(Function):
    """dense = scatter-add of the values at their coordinates; d/dvalues = dense gradient gathered back"""
    _builtin = True

    @staticmethod
    def forward(ctx, values, idx, size):
        ctx.idx = idx
        out = xp.zeros(size, values._data.dtype)
        xp.add.at(out, tuple(idx), values._data)
        return out

    @staticmethod
    def backward(ctx, g):
        return g[tuple(_make(i) for i in ctx.idx)], None, None


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """A sparse COO tensor from (sparse_dim, nnz) indices and (nnz, dense dims...) values; the size defaults
    to one past the largest index of each sparse dim, followed by the values' dense dims."""
    from ._creation import tensor as _tensor
    if isinstance(values, Tensor):
        vt = values if dtype is None else values.to(dtype)
    else:
        vt = _tensor(values, dtype=dtype)
    idx = indices._data if isinstance(indices, Tensor) else xp.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"indices must be an int64 tensor")
    idx = idx.astype(xp.int64)
    if idx.ndim == 1 and vt.dim() >= 1 and idx.size == vt.shape[0]:
        idx = idx.reshape(1, -1)
    if idx.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(idx.shape)}")
    if idx.shape[1] != (vt.shape[0] if vt.dim() else 1):
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {idx.shape[1]}, nnz "
                           f"from values: {vt.shape[0] if vt.dim() else 1}")
    k = idx.shape[0]
    dense = tuple(vt.shape[1:])
    if size is None:
        size = tuple(int(m) + 1 for m in (idx.max(1) if idx.size else xp.zeros(k, xp.int64) - 1)) + dense
    size = tuple(int(s) for s in size)
    if len(size) != k + len(dense):
        raise RuntimeError(f"number of dimensions must be sparse_dim ({k}) + dense_dim ({len(dense)}), but got "
                           f"{len(size)}")
    if idx.size:
        bounds = xp.asarray(size[:k]).reshape(k, 1)
        bad = (idx < 0) | (idx >= bounds)
        if bad.any():
            d_bad = int(xp.argmax(bad.any(1)))
            raise RuntimeError(f"size is inconsistent with indices: for dim {d_bad}, size is {size[d_bad]} but "
                               f"found index {int(idx[d_bad][bad[d_bad]][0])}")
    if tuple(size[k:]) != dense:
        raise RuntimeError(f"values has incorrect size, expected {[idx.shape[1]] + list(size[k:])}, got "
                           f"{[idx.shape[1]] + list(dense)}")
    t = SparseCOOTensor(idx, vt._data, size, coalesced=bool(is_coalesced))
    if requires_grad:
        vt = vt.detach().requires_grad_(True)
    if vt.requires_grad:
        t._vt, t.requires_grad = vt, True
    return t


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """The coalesced sparse COO form of a dense tensor (the nonzero entries, or nonzero slices of the
    trailing dims when sparse_dim < dim); the values stay differentiable."""
    if isinstance(self, SparseCOOTensor):
        return self
    n = self.dim()
    k = n if sparse_dim is None else int(sparse_dim)
    if not 0 < k <= max(n, 1):
        raise RuntimeError(f"sparse_dim must be in [1, {n}], got {k}")
    d = self._data
    if d.dtype.kind == "u":   # uint16/32/64: PyTorch's nonzero count has no kernel for them
        from ._ops._unsigned import refuse_kernel
        refuse_kernel("nonzero_count_cpu", d)
    mask = d != 0 if k == n else (d != 0).reshape(d.shape[:k] + (-1,)).any(-1)
    idx = xp.stack(xp.nonzero(mask)).astype(xp.int64).reshape(k, -1)
    vt = self[tuple(_make(i) for i in idx)] if self.requires_grad else _make(d[tuple(idx)])
    t = SparseCOOTensor(idx, vt._data, tuple(d.shape), coalesced=True)
    if vt.requires_grad:
        t._vt, t.requires_grad = vt, True
    return t


def accumulate(cur, g):
    """The leaf-gradient accumulation with a sparse operand (engine's ``_accumulate``)."""
    if cur is None:
        return g.clone() if isinstance(g, SparseCOOTensor) else _make(xp.array(g._data, copy=True))
    if isinstance(cur, SparseCOOTensor) and isinstance(g, SparseCOOTensor):
        return cur + g
    if isinstance(cur, SparseCOOTensor):
        return _make(g._data + cur.to_dense()._data)
    return _make(cur._data + g.to_dense()._data)


def _install():
    from ._tensor import register_methods

    def to_sparse_coo(self):
        return to_sparse(self)
    register_methods({"to_sparse": to_sparse, "to_sparse_coo": to_sparse_coo})


_install()
