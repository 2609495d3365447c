"""Matrix products: matmul (1-D to batched N-D), mm, bmm, mv, dot, addmm, einsum, outer."""
from builtins import all as _builtin_all, any as _builtin_any, sum as _builtin_sum

from math import prod as _prod

from .._backend import xp
from .._cpu import mm as _pmm
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make, broadcast_error
from ._util import sum_to, operands
from ._util import write_out as _out
from ._unsigned import refuse_kernel as _refuse_unsigned


def _f32(*arrays):
    """half-type (bfloat16: ml_dtypes, kind 'V'; float16) operands as float32: torch multiplies them in float32
    and rounds once."""
    return [x.astype(xp.float32) for x in arrays]


def _promote(a, b):
    ad, bd = operands(a, b)
    return ad, bd


class Mm(Function):
    """a @ b for 2-D a, b; da = g b^T, db = a^T g"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ad, bd = _promote(a, b)
        return _pmm(ad, bd)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (mm(g, b.mT) if na else None), (mm(a.mT, g) if nb else None)


class MatMul(Function):
    """general matmul with NumPy broadcasting over batch dims; grads reduced to each input's shape"""
    _builtin = True
    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ad, bd = _promote(a, b)
        if ad.dtype.kind == "V":  # bfloat16: float32 products, rounded once (as torch)
            return xp.matmul(ad.astype(xp.float32), bd.astype(xp.float32)).astype(ad.dtype)
        return xp.matmul(ad, bd)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ad, bd = a._data.ndim, b._data.ndim
        ga = gb = None
        from .views import unsqueeze, squeeze
        if ad == 1 and bd == 1:
            return (g * b if na else None), (g * a if nb else None)
        A = unsqueeze(a, 0) if ad == 1 else a
        B = unsqueeze(b, -1) if bd == 1 else b
        G = g
        if ad == 1:
            G = unsqueeze(G, -2)
        if bd == 1:
            G = unsqueeze(G, -1)
        if na:
            ga = matmul(G, B.mT)
            ga = sum_to(ga, A.shape)
            if ad == 1:
                ga = squeeze(ga, 0)
        if nb:
            gb = matmul(A.mT, G)
            gb = sum_to(gb, B.shape)
            if bd == 1:
                gb = squeeze(gb, -1)
        return ga, gb


class Dot(Function):
    """1-D inner product"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a._data.dtype.kind == "V":
            return xp.asarray(xp.dot(*_f32(a._data, b._data))).astype(a._data.dtype)
        return xp.asarray(xp.dot(a._data, b._data))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a


class Mv(Function):
    """matrix-vector product"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, v):
        ctx.save_for_backward(a, v)
        if a._data.dtype.kind == "V":
            return xp.matmul(*_f32(a._data, v._data)).astype(a._data.dtype)
        return a._data @ v._data

    @staticmethod
    def backward(ctx, g):
        a, v = ctx.saved_tensors
        from .views import unsqueeze
        return unsqueeze(g, 1) * unsqueeze(v, 0), mv(a.mT, g)


class Bmm(Function):
    """batched 3-D matmul"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a._data.dtype.kind == "V":  # bfloat16: float32 products, rounded once (as torch)
            return xp.matmul(a._data.astype(xp.float32), b._data.astype(xp.float32)).astype(a._data.dtype)
        return xp.matmul(a._data, b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (bmm(g, b.mT) if na else None), (bmm(a.mT, g) if nb else None)


def _add_bias(out, cd):
    """out + cd, in place into the fresh product `out` whenever the result keeps its shape and dtype."""
    cs = cd.shape
    if out.dtype == cd.dtype and (cs == out.shape or (len(cs) == 1 and out.ndim == 2 and cs[0] == out.shape[1])):
        # the common Linear case (a same-dtype bias row or full matrix), decided without
        # np.broadcast_shapes' Python overhead
        out += cd
        return out
    if out.shape == xp.broadcast_shapes(out.shape, cs) and out.dtype == xp.result_type(out, cd):
        out += cd
        return out
    return out + cd


class Addmm(Function):
    """beta * c + alpha * (a @ b): the Linear layer's product (bias broadcast in place)"""
    _builtin = True

    @staticmethod
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.save_for_backward(a, b)
        ctx.cshape, ctx.beta, ctx.alpha = c._data.shape, beta, alpha
        out = _pmm(a._data, b._data)
        if alpha != 1:
            out *= alpha
        return _add_bias(out, c._data if beta == 1 else c._data * beta)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        nc, na, nb = ctx.needs_input_grad[:3]
        gc = sum_to(g if ctx.beta == 1 else g * ctx.beta, ctx.cshape) if nc else None
        ga = gb = None
        if na:
            ga = mm(g, b.mT)
            if ctx.alpha != 1:
                ga = ga * ctx.alpha
        if nb:
            gb = mm(a.mT, g)
            if ctx.alpha != 1:
                gb = gb * ctx.alpha
        return gc, ga, gb, None, None


def _check_mm(a, b, name):
    if a._data.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if b._data.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if a._data.shape[1] != b._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._data.shape[0]}x{a._data.shape[1]} and "
                           f"{b._data.shape[0]}x{b._data.shape[1]})")
    _check_dtypes(a, b)


def _check_scalar_type(a, b):
    """bmm/einsum: PyTorch's kernels take one dtype (no promotion)."""
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._data.dtype != b._data.dtype:
        from .. import _dtype as D
        raise RuntimeError(f"expected scalar type {D.scalar_name(a._data.dtype)} but found "
                           f"{D.scalar_name(b._data.dtype)}")


def _check_dtypes(a, b):
    if a._data.dtype != b._data.dtype:
        from .. import _dtype as D
        n = {"float32": "float", "float64": "double", "int64": "long", "float16": "c10::Half", "int32": "int",
             "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{n.get(a._data.dtype.name, a._data.dtype.name)} != {n.get(b._data.dtype.name, b._data.dtype.name)}")


def _no_bool_product(a, b, kernel):
    """PyTorch's BLAS-backed products have no bool kernel (an empty product runs no kernel and passes)."""
    if a._data.dtype.kind == "b" and b._data.dtype.kind == "b" and (a._data.size and b._data.size or kernel == "dot"):
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    if a._data.dtype.kind == "u":
        _refuse_unsigned(kernel, a._data)   # uint16/32/64: PyTorch has no product kernels


def mm(input, mat2, *, out=None):
    if input.is_sparse or getattr(mat2, "is_sparse", False):   # sparse COO @ dense: torch.sparse.mm
        from ..sparse import mm as _spmm
        return _spmm(input, mat2)
    _check_mm(input, mat2, "mm")
    _no_bool_product(input, mat2, "addmm_impl_cpu_")
    return _out(Mm.apply(input, mat2), out)


def matmul(input, other, *, out=None):
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if input.is_sparse or other.is_sparse:
        from ..sparse import mm as _spmm
        return _spmm(input, other)
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    ka = a.shape[-1]
    kb = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if ka != kb:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                               f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")
        sa = "x".join(map(str, a.shape if a.ndim == 2 else (1,) + a.shape if a.ndim == 1 else
                          (int(xp.prod(a.shape[:-1])), a.shape[-1])))
        sb = "x".join(map(str, b.shape if b.ndim == 2 else b.shape + (1,) if b.ndim == 1 else b.shape[-2:]))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")
    if (b.ndim >= 3 or a.ndim >= 3 and not _folds(input, other)) and a.size and b.size:
        # PyTorch's batched path: bmm dispatches on input's dtype, then checks
        if a.dtype.kind == "b":
            raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
        _refuse_unsigned("bmm", a)
        _check_scalar_type(input, other)
    if b.ndim == 1 and a.ndim >= 2 and a.dtype != b.dtype:   # folded into mv
        from .. import _dtype as D
        sv, sm = D.scalar_name(b.dtype), D.scalar_name(a.dtype)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {sv}, {sm}, and {sv}")
    _check_dtypes(input, other)
    _no_bool_product(input, other, "dot" if a.ndim == b.ndim == 1 else "addmv_impl_cpu" if b.ndim == 1 else
                     "addmm_impl_cpu_")
    if a.ndim == 2 and b.ndim == 2:
        return _out(Mm.apply(input, other), out)
    if a.ndim == 1 and b.ndim == 1:
        return _out(Dot.apply(input, other), out)
    if a.ndim == 2 and b.ndim == 1:
        return _out(Mv.apply(input, other), out)
    if a.ndim == 1 and b.ndim == 2:
        return _out(MatMulVM.apply(input, other), out)
    sa, sb = a.shape[:-2], b.shape[:-2]
    if sa != sb and a.ndim > 2 and b.ndim > 2:
        err = broadcast_error(sa, sb)
        if err is not None:
            raise err
    return _out(MatMul.apply(input, other), out)


def _folds(t1, t2):
    """Whether PyTorch's matmul folds an N-D (N >= 3) t1 times a 1-D/2-D t2 into one mm/mv: when t2 requires
    grad, or when t1's leading dims view as one without a copy; otherwise it broadcasts t2 and calls bmm."""
    if t2.requires_grad and _gs.enabled:
        return True
    shp, st = t1._data.shape, t1.stride()
    return t1._data.size == 0 or all(st[i] == st[i + 1] * shp[i + 1] for i in range(len(shp) - 2))


class MatMulVM(MatMul):
    """vector @ matrix: PyTorch computes it as unsqueeze, mm, squeeze"""
    node_name = "SqueezeBackward4"


def bmm(input, mat2, *, out=None):
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if input._data.shape[0] != mat2._data.shape[0] or input._data.shape[2] != mat2._data.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input._data.shape[0]}, {input._data.shape[2]}] but got: "
                           f"[{mat2._data.shape[0]}, {mat2._data.shape[1]}].")
    if input._data.dtype.kind == "b" and input._data.size and mat2._data.size:
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    _refuse_unsigned("bmm", input._data)
    _check_scalar_type(input, mat2)
    return _out(Bmm.apply(input, mat2), out)


def mv(input, vec, *, out=None):
    if input._data.ndim == 0 or vec._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError("vector + matrix @ vector expected, got " + str(input._data.ndim) + ", "
                           + str(vec._data.ndim))
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input._data.shape[0]}), mat ({input._data.shape[0]}x"
                           f"{input._data.shape[1]}), vec ({vec._data.shape[0]})")
    if input._data.dtype != vec._data.dtype:
        from .. import _dtype as D
        sv, sm = D.scalar_name(vec._data.dtype), D.scalar_name(input._data.dtype)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {sv}, {sm}, and {sv}")
    _no_bool_product(input, vec, "addmv_impl_cpu")
    return _out(Mv.apply(input, vec), out)


def dot(input, other, *, out=None):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    if input._data.shape != other._data.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input._data.shape[0]}] and src "
                           f"[{other._data.shape[0]}] to have the same number of elements, but got "
                           f"{input._data.shape[0]} and {other._data.shape[0]} elements respectively")
    _check_dtypes(input, other)
    _no_bool_product(input, other, "dot")
    return _out(Dot.apply(input, other), out)


def inner(input, other):
    """Sum of products over the last dims (a scalar operand multiplies)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    if input._data.ndim == 1 and other._data.ndim == 1:
        return dot(input, other)
    return tensordot(input, other, ([input._data.ndim - 1], [other._data.ndim - 1]))


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    _check_mm(mat1, mat2, "addmm")
    if beta == 1 and alpha == 1:
        return _out(Addmm.apply(input, mat1, mat2), out)
    return _out(Addmm.apply(input, mat1, mat2, beta, alpha), out)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    return input * beta + mv(mat, vec) * alpha


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return input * beta + bmm(batch1, batch2) * alpha


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    from .reduce import sum as _sum
    return input * beta + _sum(bmm(batch1, batch2), 0) * alpha


def outer(input, vec2):
    from .views import unsqueeze
    for name, v in (("self", input), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


ger = outer


class Einsum(Function):
    """einsum; each operand's gradient is another einsum of g with the other operands"""
    _builtin = True

    @staticmethod
    def forward(ctx, eq, *ops):
        ctx.eq = eq
        ctx.save_for_backward(*ops)
        try:
            arrs = [o._data for o in ops]
            if any(x.dtype.kind == "V" or x.dtype == xp.float16 for x in arrs):
                # half types: float32 products and sums, rounded once (as torch; NumPy's float16 einsum sums in
                # float16, where a partial sum overflows that PyTorch's does not)
                bf = next(x.dtype for x in arrs if x.dtype.kind == "V" or x.dtype == xp.float16)
                return xp.asarray(xp.einsum(eq, *_f32(*arrs), optimize=len(ops) > 2)).astype(bf)
            return xp.asarray(xp.einsum(eq, *arrs, optimize=len(ops) > 2))
        except ValueError as e:
            raise RuntimeError(f"einsum(): {e}") from None

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        ins, out = ctx.eq.split("->")
        terms = ins.split(",")
        grads = [None]
        for i, t in enumerate(terms):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [terms[j] for j in range(len(terms)) if j != i]
            other_ops = [ops[j] for j in range(len(terms)) if j != i]
            # a repeated letter (a diagonal, "ii") is renamed and tied to its first use by an identity matrix
            used = set(ctx.eq)
            fresh = (c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used)
            ren, seen = "", set()
            for k, c in enumerate(t):
                if c in seen:
                    n = next(fresh)
                    others.append(c + n)
                    other_ops.append(_make(xp.eye(ops[i].shape[k], dtype=ops[i]._data.dtype)))
                    c = n
                seen.add(c)
                ren += c
            # letters of term i absent from every other operand and from the output were summed: expand back
            present = set(out) | set("".join(others))
            missing = [c for c in ren if c not in present]
            eq = ",".join([out] + others) + "->" + "".join(c for c in ren if c not in missing)
            gi = einsum(eq, g, *other_ops)
            if missing:
                gi = _expand_term(gi, ren, missing, ops[i].shape)
            if gi._data.shape != ops[i]._data.shape:  # a size-1 dim broadcast against another operand's
                shp = ops[i]._data.shape
                red = tuple(1 if n == 1 else m for n, m in zip(shp, gi._data.shape))
                gi = sum_to(gi, red).expand(*shp)
            grads.append(gi)
        return tuple(grads)


def _expand_term(gi, term, missing, shape):
    from .views import reshape, expand
    kept = [c for c in term if c not in missing]
    # repeated letters (diagonals) are rare; handle only the plain summed-away case
    sizes = dict(zip(term, shape))
    cur = "".join(kept)
    g = gi
    for c in missing:
        g = reshape(g, tuple(g.shape) + (1,))
        cur += c
    g = einsum(cur + "->" + term, g) if sorted(cur) == sorted(term) else g
    return expand(g, tuple(sizes[c] for c in term))


def _normalize_eq(eq, operands):
    eq = eq.replace(" ", "")
    if "->" not in eq:
        # implicit output: letters appearing once, in alphabetical order
        letters = [c for c in eq if c.isalpha()]
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        eq = eq + "->" + ("..." if "..." in eq else "") + out
    if "..." in eq:
        ins, out = eq.split("->")
        terms = ins.split(",")
        used = set(c for c in eq if c.isalpha())
        free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
        maxell = 0
        new_terms = []
        for t, o in zip(terms, operands):
            if "..." in t:   # dims the ellipsis stands for in this operand
                maxell = max(maxell, o._data.ndim - (len(t) - 3))
        ell = "".join(free[:maxell])
        for t, o in zip(terms, operands):
            n = o._data.ndim - (len(t) - 3)
            new_terms.append(t.replace("...", ell[maxell - n:]) if "..." in t else t)
        out = out.replace("...", ell)
        eq = ",".join(new_terms) + "->" + out
    return eq


def _contracts(eq):
    """Whether an einsum equation sums over a letter that two operands share (a product that needs bmm)."""
    lhs, _, rhs = eq.partition("->")
    terms = lhs.split(",")
    return _builtin_any(c not in rhs and _builtin_sum(c in t for t in terms) > 1 for c in set(lhs) if c.isalpha())


def _pair_dtype(eq, a, b):
    """The dtype PyTorch's einsum of two operands ends in when no letter is contracted over a dim longer than 1
    in both (no bmm): a letter of size > 1 summed in one operand only is summed there first (bool and integers
    sum to int64), the rest is a multiplication with promotion. Returns (that dtype or None where a bmm runs,
    the two operands' dtypes after those sums)."""
    from .. import _dtype as D
    lhs, _, out = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != 2 or _builtin_any(len(set(t)) != len(t) for t in terms) or \
            len(terms[0]) != a._data.ndim or len(terms[1]) != b._data.ndim:   # left to einsum's own checks
        return None, None
    (ta, tb), dts = terms, [D.from_numpy_dtype(a._data.dtype), D.from_numpy_dtype(b._data.dtype)]
    sizes = [dict(zip(ta, a._data.shape)), dict(zip(tb, b._data.shape))]
    bmm = False

    def summed(k):
        if not (dts[k].is_floating_point or dts[k].is_complex):
            dts[k] = D.int64
    for k, (t, other) in enumerate(((ta, tb), (tb, ta))):
        if _builtin_any(c not in out and c not in other and sizes[k][c] != 1 for c in t):
            summed(k)
    for c in ta:
        if c in tb and c not in out:
            la, lb = sizes[0][c], sizes[1][c]
            if la != 1 and lb != 1:
                bmm = True
            elif la != 1 or lb != 1:
                summed(0 if la != 1 else 1)
    if bmm:
        return None, dts
    zero = not (ta or tb)
    return D.result_type(dts[0], zero, dts[1], zero), dts


def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    eq = _normalize_eq(equation, operands)
    if len(operands) == 2 and _builtin_all(isinstance(o, Tensor) and o._data.size for o in operands):
        from .. import _dtype as D
        rt, dts = _pair_dtype(eq, *operands)
        if rt is not None:   # PyTorch multiplies (with promotion) instead of calling bmm
            return Einsum.apply(eq, *(o.to(rt) for o in operands))
        if dts is not None:   # bmm: dispatched on the first operand's dtype (no bool kernel), then one dtype
            if dts[0] is D.bool_:
                raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
            if dts[0] is not dts[1]:
                raise RuntimeError(f"expected scalar type {D.scalar_name(dts[0].np)} but found "
                                   f"{D.scalar_name(dts[1].np)}")
            return Einsum.apply(eq, *(o.to(d) for o, d in zip(operands, dts)))
    if _builtin_all(o._data.size for o in operands if isinstance(o, Tensor)):   # empty operands: no kernel runs
        if len(operands) > 1 and _builtin_any(o._data.dtype.kind == "b" for o in operands) and \
                _contracts(eq):   # PyTorch contracts a pair of operands with bmm, which has no bool kernel
            raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
        for o in operands[1:]:
            _check_scalar_type(operands[0], o)
    return Einsum.apply(eq, *operands)


def tensordot(a, b, dims=2):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if isinstance(dims, int):
        ax_a = list(range(a._data.ndim - dims, a._data.ndim))
        ax_b = list(range(dims))
    else:
        ax_a, ax_b = [list(d) if isinstance(d, (list, tuple)) else [d] for d in dims]
    # PyTorch contracts with mm, which has no bool kernel; when the dims left over on both sides hold one element
    # (a 1 x k by k x 1 product) and both reshape to vectors without a copy (contiguous), mm takes dot, which has
    # none either; otherwise that product's bool result stands
    free_a = [n for i, n in enumerate(a._data.shape) if i not in [d % max(a._data.ndim, 1) for d in ax_a]]
    free_b = [n for i, n in enumerate(b._data.shape) if i not in [d % max(b._data.ndim, 1) for d in ax_b]]
    full = _prod(free_a) == 1 and _prod(free_b) == 1
    if not full or a.is_contiguous() and b.is_contiguous():
        _no_bool_product(a, b, "dot" if full else "addmm_impl_cpu_")
    la = "abcdefghijklm"[:a._data.ndim]
    lb = list("nopqrstuvwxyz"[:b._data.ndim])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    lb = "".join(lb)
    out = "".join(c for c in la if c not in lb) + "".join(c for c in lb if c not in la)
    if a._data.dtype.kind == "b":   # (only a full contraction of a non-contiguous pair gets here): a bool sum, OR
        return einsum(f"{la},{lb}->{out}", a.long(), b.long()) != 0
    r = einsum(f"{la},{lb}->{out}", a, b)
    # a contracted dim of size 1 against a longer one is summed (einsum's int64 sum); tensordot keeps the dtype
    return r.to(a.dtype) if r.dtype != a.dtype and a._data.dtype.kind in "iu" else r
