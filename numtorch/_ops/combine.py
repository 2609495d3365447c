"""Building tensors out of others and taking them apart: block_diag, cartesian_prod, combinations, kron,
column/row/depth stacking, h/v/d splits, rot90, diagflat, addr, vdot, chain_matmul.

Each is a composition of differentiable ops (cat, reshape, flip, transpose, mul, index), so gradients of
every order come from those."""
import itertools as _it

from .._tensor import Tensor
from . import copies as _c, views as _v
from .matmul import outer as _outer, dot as _dot


def _tensors(args, name):
    ts = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
    for t in ts:
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): expected Tensor as element {list(ts).index(t)} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(ts)


def atleast_3d(*tensors):
    """0-d -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1); higher ranks unchanged."""
    def one(t):
        if t.dim() == 0:
            return t.reshape(1, 1, 1)
        if t.dim() == 1:
            return t.reshape(1, t.shape[0], 1)
        if t.dim() == 2:
            return t.unsqueeze(-1)
        return t
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return one(tensors[0])
    return tuple(one(t) for t in _tensors(tensors, "atleast_3d"))


def block_diag(*tensors):
    """The block-diagonal matrix with the given blocks (0-d -> 1x1, 1-d (n,) -> 1xn) on its diagonal."""
    from .._creation import zeros
    from .. import _dtype as D
    ts = list(tensors)
    for i, t in enumerate(ts):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
    if not ts:
        return zeros(1, 0)
    # PyTorch's result type over all blocks: a 0-d block only lifts the category
    dt, zero = ts[0].dtype, ts[0].dim() == 0
    for t in ts[1:]:
        dt, zero = D.result_type(dt, zero, t.dtype, t.dim() == 0), zero and t.dim() == 0
    blocks = [(t.reshape(1, 1) if t.dim() == 0 else t.reshape(1, -1) if t.dim() == 1 else t).to(dt) for t in ts]
    ncols = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        rows.append(_c.cat([zeros(r, left, dtype=dt), b, zeros(r, ncols - left - c, dtype=dt)], 1))
        left += c
    return _c.cat(rows, 0)


def cartesian_prod(*tensors):
    """All tuples (a_i, b_j, ...) of the 1-d inputs, in row-major order: shape (prod n_k, k)."""
    from .. import meshgrid
    ts = _tensors(tensors, "cartesian_prod")
    for t in ts:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(ts) > 1 and any(t.dtype != ts[0].dtype for t in ts):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return _c.stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of the 1-d input's elements (itertools order): shape (C, r)."""
    from .._creation import tensor as _tensor, empty
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return empty(0, dtype=input.dtype)
    gen = _it.combinations_with_replacement if with_replacement else _it.combinations
    idx = list(gen(range(input.shape[0]), r))
    from .. import int64
    # indexing even when there is no combination, so the (empty) result stays attached to the graph
    return input[_tensor([i for c in idx for i in c], dtype=int64)].reshape(len(idx), r)


def kron(input, other):
    """Kronecker product: out[i*B + j] = a[i] * b[j] along every axis (ranks padded with leading 1s)."""
    n = max(input.dim(), other.dim())
    a = input.reshape((1,) * (n - input.dim()) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.dim()) + tuple(other.shape))
    ia = [s for d in a.shape for s in (d, 1)]
    ib = [s for d in b.shape for s in (1, d)]
    return (a.reshape(ia) * b.reshape(ib)).reshape([x * y for x, y in zip(a.shape, b.shape)])


def column_stack(tensors):
    """hstack of the inputs as columns: 0-d and 1-d inputs become (N, 1) first."""
    ts = _tensors((tensors,), "column_stack")
    if not ts:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return _c.hstack([t.reshape(-1, 1) if t.dim() <= 1 else t for t in ts])


def row_stack(tensors):
    """Alias of vstack."""
    return _c.vstack(tensors)


def dstack(tensors):
    """Stack along the third axis after atleast_3d."""
    ts = _tensors((tensors,), "dstack")
    if not ts:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return _c.cat([atleast_3d(t) for t in ts], 2)


def _split_along(name, input, sections, dim, min_dim):
    if input.dim() < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor "
                           f"with {input.dim()} dimensions!" if min_dim == 1 else
                           f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor "
                           f"with {input.dim()} dimensions!")
    if isinstance(sections, int) and not isinstance(sections, bool):
        size = input.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {sections}!")
    return _v.tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for a 1-d input); an int must divide that size."""
    return _split_along("hsplit", input, indices_or_sections, 1 if input.dim() > 1 else 0, 1)


def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of an at-least-2-d input; an int must divide that size."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of an at-least-3-d input; an int must divide that size."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


def split_with_sizes(input, split_sizes, dim=0):
    """split with an explicit list of sizes, which must add up to the dimension's size."""
    sizes = [int(s) for s in split_sizes]
    d = dim + input.dim() if dim < 0 else dim
    if sum(sizes) != input.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {input.shape[d]} (input "
                           f"tensor's size at dimension {dim}), but got split_sizes={sizes}")
    return _v.split(input, sizes, dim)


def unsafe_split(input, split_size_or_sections, dim=0):
    return _v.split(input, split_size_or_sections, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return split_with_sizes(input, split_sizes, dim)


def unsafe_chunk(input, chunks, dim=0):
    return _v.chunk(input, chunks, dim)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by k * 90 degrees in the plane of dims, from dims[0] towards dims[1]."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    n = input.dim()
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = dims
    if not (-n <= d0 < n and -n <= d1 < n):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got "
                         f"{d0 if not -n <= d0 < n else d1})")
    d0, d1 = d0 % n, d1 % n
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k = k % 4
    if k == 1:
        return _c.flip(input, [d1]).transpose(d0, d1)
    if k == 2:
        return _c.flip(input, [d0, d1])
    if k == 3:
        return _c.flip(input, [d0]).transpose(d0, d1)
    return input.clone()


def diagflat(input, offset=0):
    """The flattened input on the offset-th diagonal of a square matrix."""
    from .matrix import diag
    return diag(input.reshape(-1), offset)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2); with beta == 0 the input is ignored (NaN included)."""
    from ._util import write_out
    if vec1.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.dim()}-D" if vec1.dim() != 1 else
                           f"addr: Expected 1-D argument vec2, but got {vec2.dim()}-D")
    r = _outer(vec1, vec2)
    if alpha != 1:
        r = r * alpha
    if beta != 0:
        r = r + (input * beta if beta != 1 else input)
    return write_out(r, out)


def vdot(input, other, *, out=None):
    """sum(conj(input) * other) of two 1-d tensors (real tensors: dot)."""
    from ._util import write_out
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    if input._data.dtype.kind == "c":
        from .complex import conj
        input = conj(input)
    return write_out(_dot(input, other), out)


def chain_matmul(*matrices, out=None):
    """Deprecated spelling of linalg.multi_dot (one matrix: returned as is)."""
    import warnings
    from ._util import write_out
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.")
    if len(matrices) == 1:
        return write_out(matrices[0].clone(), out)
    from ..linalg import multi_dot
    return write_out(multi_dot(list(matrices)), out)


__all__ = ["atleast_3d", "block_diag", "cartesian_prod", "combinations", "kron", "column_stack", "row_stack",
           "dstack", "hsplit", "vsplit", "dsplit", "split_with_sizes", "unsafe_split", "unsafe_split_with_sizes",
           "unsafe_chunk", "rot90", "diagflat", "addr", "vdot", "chain_matmul"]
