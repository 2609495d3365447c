"""``torch.sparse``: products and reductions of sparse COO tensors (``numtorch._sparse.SparseCOOTensor``).

``mm``/``addmm`` multiply a 2-D sparse matrix by a dense one without forming the dense matrix, and are
differentiable in the dense operand and in the sparse values (the sparse gradient keeps the sparse
operand's indices). The CSR/BSR/semi-structured layouts (``sampled_addmm``, ``spsolve``,
``to_sparse_semi_structured``) are not provided: asking for them raises AttributeError saying so."""
from .._backend import xp as _xp
from .._tensor import Tensor, _make
from ..autograd.function import Function as _Function
from .._sparse import SparseCOOTensor as _SparseCOOTensor

__all__ = ["addmm", "as_sparse_gradcheck", "check_sparse_tensor_invariants", "log_softmax", "mm", "softmax", "spdiags",
           "sum"]


class _SpMM(_Function):
    """Y = A X, A (n, m) sparse with values v at (rows, cols): Y[rows] += v X[cols].
    dX = A^T dY (scatter of v dY[rows] to cols); dv = sum(dY[rows] * X[cols], -1)"""
    _builtin = True

    @staticmethod
    def forward(ctx, v, x, rows, cols, n):
        ctx.save_for_backward(v, x)
        ctx.rows, ctx.cols = rows, cols
        vd, xd = v._data, x._data
        out = _xp.zeros((n,) + xd.shape[1:], _xp.result_type(vd, xd))
        contrib = xd[cols] * vd.reshape((-1,) + (1,) * (xd.ndim - 1))
        _xp.add.at(out, rows, contrib)
        return out

    @staticmethod
    def backward(ctx, g):
        v, x = ctx.saved_tensors
        rows_t, cols_t = _make(ctx.rows), _make(ctx.cols)
        gv = gx = None
        grows = g.index_select(0, rows_t)
        if ctx.needs_input_grad[0]:
            gv = (grows * x.index_select(0, cols_t)).reshape(v.shape[0], -1).sum(-1)
        if ctx.needs_input_grad[1]:
            vv = v.reshape((-1,) + (1,) * (x.dim() - 1))
            gx = x.new_zeros(tuple(x.shape)).index_add(0, cols_t, vv * grows)
        return gv, gx, None, None, None


def _check_2d(a, name):
    if not isinstance(a, _SparseCOOTensor):
        raise RuntimeError(f"{name}: expected a sparse COO tensor as the first argument")
    if a.dim() != 2 or a.sparse_dim() != 2:
        raise RuntimeError(f"{name}: expected a 2-D sparse matrix with two sparse dims, got size {list(a.shape)} "
                           f"with sparse_dim {a.sparse_dim()}")


def mm(mat1, mat2, reduce="sum"):
    """sparse (n, m) @ dense (m, k) -> dense (n, k); a sparse mat2 gives a dense product of both."""
    if reduce != "sum":
        raise RuntimeError(f"torch.sparse.mm: reduce={reduce!r} needs a CSR tensor, which numtorch does not have")
    if isinstance(mat2, _SparseCOOTensor):
        return mm(mat1, mat2.to_dense()) if isinstance(mat1, _SparseCOOTensor) else mat1 @ mat2.to_dense()
    if not isinstance(mat1, _SparseCOOTensor):
        return mat1 @ mat2
    _check_2d(mat1, "mm")
    if mat2.dim() != 2:
        raise RuntimeError(f"mm: expected mat2 to be a 2-D dense tensor, got {mat2.dim()}-D")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    v = mat1._values()
    return _SpMM.apply(v, mat2, mat1._idx[0], mat1._idx[1], mat1.shape[0])


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (sparse mat1 @ dense mat2)."""
    r = mm(mat1, mat2)
    if alpha != 1:
        r = r * alpha
    return r + (mat * beta if beta != 1 else mat) if beta != 0 else r


def sum(input, dim=None, dtype=None):  # noqa: A001
    """The sum of all entries (a dense 0-d tensor), or over dims (sparse over the remaining sparse dims)."""
    if not isinstance(input, _SparseCOOTensor):
        return input.sum() if dim is None else input.sum(dim)
    dense = input.to_dense()
    if dtype is not None:
        dense = dense.to(dtype)
    if dim is None:
        return dense.sum()
    dims = [dim] if isinstance(dim, int) else list(dim)
    r = dense.sum(dims)
    k = input.sparse_dim() - len([d for d in dims if (d % input.dim()) < input.sparse_dim()])
    return r.to_sparse(k) if k > 0 else r


def _masked_softmax(input, dim, log):
    if not isinstance(input, _SparseCOOTensor):
        raise RuntimeError("torch.sparse.softmax expects a sparse COO tensor")
    a = input.coalesce()
    from .._creation import full
    idx = tuple(_make(i) for i in a._idx)
    dense = full(tuple(a.shape), float("-inf"), dtype=a.dtype).index_put(idx, a._values())
    sm = dense.log_softmax(dim) if log else dense.softmax(dim)
    vt = sm[idx]
    r = _SparseCOOTensor(a._idx, vt._data, tuple(a.shape), coalesced=True)
    if vt.requires_grad:
        r._vt, r.requires_grad = vt, True
    return r


def softmax(input, dim, *, dtype=None):
    """softmax over the specified entries of each slice along dim (unspecified ones count as -inf)."""
    return _masked_softmax(input if dtype is None else input, dim, False)


def log_softmax(input, dim, *, dtype=None):
    """log_softmax over the specified entries along dim (unspecified ones count as -inf)."""
    return _masked_softmax(input, dim, True)


def spdiags(diagonals, offsets, shape, layout=None):
    """The (m, n) sparse matrix with diagonals[i] on diagonal offsets[i] (element j of a row taken for column
    j, as scipy.sparse.spdiags)."""
    m, n = shape
    rows, cols, vals = [], [], []
    d = diagonals._data
    for i, off in enumerate(offsets._data.tolist()):
        j = _xp.arange(max(0, off), min(n, m + off, d.shape[1]))
        rows.append(j - off)
        cols.append(j)
        vals.append(d[i, j])
    idx = _xp.stack([_xp.concatenate(rows), _xp.concatenate(cols)]).astype(_xp.int64)
    return _SparseCOOTensor(idx, _xp.concatenate(vals).astype(d.dtype), (m, n)).coalesce()


_CSR_ONLY = ("sampled_addmm", "spsolve", "to_sparse_semi_structured", "SparseSemiStructuredTensor",
             "SparseSemiStructuredTensorCUTLASS", "SparseSemiStructuredTensorCUSPARSELT", "semi_structured")


def __getattr__(name):
    if name in _CSR_ONLY:
        raise AttributeError(f"numtorch has no attribute 'torch.sparse.{name}': it needs the CSR or semi-structured "
                             f"sparse layouts, and numtorch has sparse COO tensors only")
    raise AttributeError(f"module 'torch.sparse' has no attribute '{name}'")


def as_sparse_gradcheck(gradcheck):
    """gradcheck wrapped for sparse inputs: numtorch's gradcheck is used as it is."""
    return gradcheck


class check_sparse_tensor_invariants:
    """Context manager / decorator switching sparse invariant checks (numtorch always checks indices)."""
    _enabled = True

    def __init__(self, enable=True):
        self.state = enable

    @staticmethod
    def is_enabled():
        return check_sparse_tensor_invariants._enabled

    @staticmethod
    def enable():
        check_sparse_tensor_invariants._enabled = True

    @staticmethod
    def disable():
        check_sparse_tensor_invariants._enabled = False

    def __enter__(self):
        self.saved = check_sparse_tensor_invariants._enabled
        check_sparse_tensor_invariants._enabled = self.state

    def __exit__(self, *exc):
        check_sparse_tensor_invariants._enabled = self.saved

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper
