"""Writes a traced graph (``numtorch.jit._trace``) as an ONNX model with the ``onnx`` package.

Each recorded Function class (or pseudo-call name) has a mapping below that emits ONNX nodes; a node with
no mapping raises naming the op and the user's source line.  Nodes that depend on no input (parameters
only, e.g. BatchNorm's folded scale or a transposed Linear weight) are folded to initializers with the
values the trace computed when ``do_constant_folding`` is on.  Dynamic sizes (``DynInt``) become
Shape/Gather arithmetic on the graph inputs.
"""
import math

from .._backend import xp
from ..jit import _trace as T

INT64_MAX = 2 ** 63 - 1
INT64_MIN = -(2 ** 63)


def _onnx():
    try:
        import onnx
    except ImportError:  # (ModuleNotFoundError included)
        raise ModuleNotFoundError("torch.onnx.export needs the 'onnx' package: pip install 'numtorch[onnx]'") from None
    return onnx


from .errors import UnsupportedOperatorError as UnsupportedOp  # noqa: E402


class _V:
    """An ONNX value during emission: its name and the traced shape/dtype."""
    __slots__ = ("name", "shape", "dtype", "dyn")

    def __init__(self, name, shape, dtype, dyn=frozenset()):
        self.name, self.shape, self.dtype, self.dyn = name, tuple(shape), dtype, dyn

    @property
    def ndim(self):
        return len(self.shape)


class Builder:
    def __init__(self, opset, inputs):
        self.onnx = _onnx()
        self.opset = opset
        self.nodes, self.inits = [], []
        self.n = 0
        self.inputs = inputs   # ONNX names of the graph inputs (for dynamic sizes)
        self._shape_cache = {}

    def fresh(self, p="t"):
        self.n += 1
        return f"/{p}_{self.n}"

    def const(self, arr, name=None):
        arr = xp.asarray(arr)
        name = name or self.fresh("const")
        self.inits.append(self.onnx.numpy_helper.from_array(arr.copy(order="C"), name))
        return name

    def i64(self, vals):
        return self.const(xp.asarray(vals, dtype=xp.int64))

    def op(self, type_, inputs, n_out=1, **attrs):
        outs = [self.fresh(type_) for _ in range(n_out)]
        self.nodes.append(self.onnx.helper.make_node(type_, list(inputs), outs, name=self.fresh("n" + type_),
                                                     **{k: v for k, v in attrs.items() if v is not None}))
        return outs[0] if n_out == 1 else outs

    def tdtype(self, dt):
        return self.onnx.helper.np_dtype_to_tensor_dtype(xp.dtype(dt))

    def cast(self, v, dt):
        """``v`` (a _V or a Python number) as an ONNX value of dtype ``dt``."""
        dt = xp.dtype(dt)
        if isinstance(v, _V):
            if v.dtype == dt:
                return v.name
            return self.op("Cast", [v.name], to=self.tdtype(dt))
        if isinstance(v, (bool, int, float)) or (hasattr(v, "dtype") and getattr(v, "ndim", 1) == 0):
            return self.const(xp.asarray(v, dtype=dt))
        raise UnsupportedOp(f"cannot use {type(v).__name__} as a tensor operand")

    # dynamic sizes ---------------------------------------------------------
    def dim(self, expr):
        """A 1-D int64 [1] tensor holding the size expression ``expr`` evaluated on the inputs."""
        k = expr[0]
        if k == "dim":
            key = (expr[1], expr[2])
            if key not in self._shape_cache:
                self._shape_cache[key] = self.op("Shape", [self.inputs[expr[1]]], start=expr[2], end=expr[2] + 1)
            return self._shape_cache[key]
        if k == "mul":
            return self.op("Mul", [self.dim(expr[1]), self.i64([expr[2]])])
        if k == "add":
            return self.op("Add", [self.dim(expr[1]), self.i64([expr[2]])])
        if k == "prod":
            return self.op("Mul", [self.dim(expr[1]), self.dim(expr[2])])
        raise ValueError(expr)

    def ints(self, vals):
        """A 1-D int64 tensor of ``vals`` (ints and DynInts)."""
        vals = list(vals)
        if not any(isinstance(v, T.DynInt) for v in vals):
            return self.i64([int(v) for v in vals])
        parts, run = [], []
        for v in vals:
            if isinstance(v, T.DynInt):
                if run:
                    parts.append(self.i64(run))
                    run = []
                parts.append(self.dim(v.expr))
            else:
                run.append(int(v))
        if run:
            parts.append(self.i64(run))
        return parts[0] if len(parts) == 1 else self.op("Concat", parts, axis=0)

    def scalar(self, v, dt=xp.int64):
        """A 0-d tensor of the int or DynInt ``v``."""
        if isinstance(v, T.DynInt):
            s = self.dim(v.expr)
            s = self.op("Squeeze", [s, self.i64([0])])
            return s if xp.dtype(dt) == xp.int64 else self.op("Cast", [s], to=self.tdtype(dt))
        return self.const(xp.asarray(v, dtype=dt))

    def axes_op(self, type_, x, axes, **attrs):
        """A reduce/squeeze-style op whose axes became an input at some opset."""
        since = {"ReduceSum": 13, "Squeeze": 13, "Unsqueeze": 13}.get(type_, 18)
        if axes is None:
            return self.op(type_, [x], **attrs)
        axes = [int(a) for a in axes]
        if self.opset >= since:
            return self.op(type_, [x, self.i64(axes)], **attrs)
        return self.op(type_, [x], axes=axes, **attrs)


# ----------------------------------------------------------------------------- mappings
_MAP = {}
_CALLS = {}


def _reg(*classes):
    def deco(fn):
        for c in classes:
            _MAP[c] = fn
        return fn
    return deco


def _call(*names):
    def deco(fn):
        for c in names:
            _CALLS[c] = fn
        return fn
    return deco


def _out(n, i=0):
    return n.outs[i]


def _binary(onnx_op):
    def fn(b, n, a):
        dt = _out(n).dtype
        x, y = a[0], a[1]
        return [b.op(onnx_op, [b.cast(x, dt), b.cast(y, dt)])]
    return fn


def _setup():
    import importlib

    def m(name):
        return importlib.import_module("numtorch." + name)
    arith, unary, reduce, views, index, copies, matmul, conversion, pb = (
        m("_ops." + x) for x in ("arith", "unary", "reduce", "views", "index", "copies", "matmul", "conversion",
                                 "pointwise_binary"))
    act, conv, pooling, sparse, attention, _layer_norm = (
        m("nn.functional." + x) for x in ("activation", "conv", "pooling", "sparse", "attention", "_layer_norm"))
    _common = m("nn.functional._loss._common")
    _rnn_fused = m("nn.modules._rnn_fused")

    @_reg(arith.Add, arith.Sub)
    def _add(b, n, a):
        dt = _out(n).dtype
        x, y = b.cast(a[0], dt), a[1]
        alpha = a[2] if len(a) > 2 else n.kwargs.get("alpha", 1)
        yv = b.cast(y, dt)
        if alpha != 1:
            yv = b.op("Mul", [yv, b.cast(alpha, dt)])
        return [b.op("Add" if issubclass(n.op, arith.Add) else "Sub", [x, yv])]

    _reg(arith.Mul)(_binary("Mul"))
    _reg(arith.Div)(_binary("Div"))
    _reg(pb.Maximum)(_binary("Max"))
    _reg(pb.Minimum)(_binary("Min"))

    @_reg(arith.Pow)
    def _pow(b, n, a):
        dt = _out(n).dtype
        x, y = a[0], a[1]
        if not isinstance(y, _V) and y == 2:
            xv = b.cast(x, dt)
            return [b.op("Mul", [xv, xv])]
        if not isinstance(y, _V) and y == 0.5:
            return [b.op("Sqrt", [b.cast(x, dt)])]
        return [b.op("Pow", [b.cast(x, dt), b.cast(y, dt)])]

    def _unary_op(onnx_op):
        def fn(b, n, a):
            return [b.op(onnx_op, [b.cast(a[0], _out(n).dtype)])]
        return fn
    for cls, o in ((arith.Neg, "Neg"), (arith.Abs, "Abs"), (arith.Reciprocal, "Reciprocal"), (unary.Exp, "Exp"),
                   (unary.Sqrt, "Sqrt"), (unary.Tanh, "Tanh"), (unary.Log, "Log"), (unary.Sin, "Sin"),
                   (unary.Cos, "Cos"), (unary.Tan, "Tan"), (unary.Asin, "Asin"), (unary.Acos, "Acos"),
                   (unary.Atan, "Atan"), (unary.Sinh, "Sinh"), (unary.Cosh, "Cosh"), (unary.Asinh, "Asinh"),
                   (unary.Acosh, "Acosh"), (unary.Atanh, "Atanh"), (unary.Sigmoid, "Sigmoid"),
                   (unary.Relu, "Relu"), (unary.Erf, "Erf")):
        _reg(cls)(_unary_op(o))

    @_reg(unary.Rsqrt)
    def _rsqrt(b, n, a):
        return [b.op("Reciprocal", [b.op("Sqrt", [b.cast(a[0], _out(n).dtype)])])]

    @_reg(unary.Log1p)
    def _log1p(b, n, a):
        dt = _out(n).dtype
        return [b.op("Log", [b.op("Add", [b.cast(a[0], dt), b.cast(1, dt)])])]

    @_reg(unary.Expm1)
    def _expm1(b, n, a):
        dt = _out(n).dtype
        return [b.op("Sub", [b.op("Exp", [b.cast(a[0], dt)]), b.cast(1, dt)])]

    @_reg(unary.Log2, unary.Log10)
    def _logk(b, n, a):
        dt = _out(n).dtype
        k = math.log(2.0 if n.op is unary.Log2 else 10.0)
        return [b.op("Div", [b.op("Log", [b.cast(a[0], dt)]), b.cast(k, dt)])]

    # ---------------------------------------------------------------- reductions
    def norm_axes(axes, nd):
        if axes is None:
            return list(range(nd))
        if isinstance(axes, int):
            axes = (axes,)
        return [int(x) % max(nd, 1) for x in axes]

    @_reg(reduce.Sum, reduce.Mean)
    def _sum(b, n, a):
        x, axes, keep = a[0], a[1], a[2]
        dt = _out(n).dtype
        xv = b.cast(x, dt)
        ax = norm_axes(axes, x.ndim)
        if x.ndim == 0:
            return [b.op("Identity", [xv])]
        o = "ReduceSum" if issubclass(n.op, reduce.Sum) else "ReduceMean"
        return [b.axes_op(o, xv, ax, keepdims=int(bool(keep)))]

    @_reg(reduce.Var, reduce.Std)
    def _var(b, n, a):
        x, axes, corr, keep, cnt = a[0], a[1], a[2], a[3], a[4]
        dt = _out(n).dtype
        xv = b.cast(x, dt)
        ax = norm_axes(axes, x.ndim)
        mean = b.axes_op("ReduceMean", xv, ax, keepdims=1)
        dev = b.op("Sub", [xv, mean])
        sq = b.axes_op("ReduceMean", b.op("Mul", [dev, dev]), ax, keepdims=int(bool(keep)))
        denom = max(int(cnt) - corr, 0)
        r = b.op("Mul", [sq, b.cast(cnt / denom if denom else float("inf"), dt)])
        return [b.op("Sqrt", [r]) if n.op is reduce.Std else r]

    @_reg(reduce.Max, reduce.MaxAll, reduce.Min, reduce.MinAll, reduce.Amax, reduce.Amin)
    def _extreme(b, n, a):
        x = a[0]
        axes = a[1] if len(a) > 1 else None
        keep = a[2] if len(a) > 2 else False
        o = "ReduceMax" if n.op.np_fn is xp.max else "ReduceMin"
        return [b.axes_op(o, x.name, norm_axes(axes, x.ndim), keepdims=int(bool(keep)))]

    @_reg(reduce._ExtremeDim)
    def _extreme_dim(b, n, a):
        x, axis, keep = a[0], int(a[1]), bool(a[2])
        mx = n.op.__name__.startswith("Max")
        vals = b.axes_op("ReduceMax" if mx else "ReduceMin", x.name, [axis], keepdims=int(keep))
        idx = b.op("ArgMax" if mx else "ArgMin", [x.name], axis=axis, keepdims=int(keep))
        return [vals, idx][:len(n.outs)]

    @_reg(reduce.Softmax, reduce.LogSoftmax)
    def _softmax(b, n, a):
        dt = _out(n).dtype
        return [b.op("Softmax" if n.op is reduce.Softmax else "LogSoftmax", [b.cast(a[0], dt)], axis=int(a[1]))]

    @_reg(reduce.LogSumExp)
    def _lse(b, n, a):
        x, axes, keep = a[0], a[1], a[2] if len(a) > 2 else False
        return [b.axes_op("ReduceLogSumExp", x.name, norm_axes(axes, x.ndim), keepdims=int(bool(keep)))]

    @_reg(reduce.CumSum)
    def _cumsum(b, n, a):
        return [b.op("CumSum", [b.cast(a[0], _out(n).dtype), b.scalar(int(a[1]))])]

    # ---------------------------------------------------------------- views and copies
    @_reg(views.View)
    def _view(b, n, a):
        x, shape = a[0], list(a[1])
        dyn = [i for i, s in enumerate(shape) if isinstance(s, T.DynInt)]
        out = _out(n)
        if dyn:
            # a dynamic entry equal to the input's size at the same place copies it (Reshape's 0)
            for i in list(dyn):
                if i < x.ndim and i in x.dyn and int(shape[i]) == x.shape[i] and i in out.dyn_dims:
                    shape[i] = 0
                    dyn.remove(i)
            if len(dyn) == 1 and -1 not in shape:
                shape[dyn[0]] = -1
                dyn = []
        return [b.op("Reshape", [x.name, b.ints(shape)])]

    @_reg(views.Expand)
    def _expand(b, n, a):
        x, shape = a[0], list(a[1])
        shape = [1 if (not isinstance(s, T.DynInt) and s == -1) else s for s in shape]
        return [b.op("Expand", [x.name, b.ints(shape)])]

    @_reg(views.Permute)
    def _permute(b, n, a):
        x, dims = a[0], [int(d) % max(a[0].ndim, 1) for d in a[1]]
        return [b.op("Transpose", [x.name], perm=dims)] if x.ndim else [b.op("Identity", [x.name])]

    @_reg(views.Squeeze)
    def _squeeze(b, n, a):
        x, axes = a[0], a[1]
        if axes is None:
            axes = [i for i, s in enumerate(x.shape) if s == 1]
        axes = [int(d) % max(x.ndim, 1) for d in ((axes,) if isinstance(axes, int) else axes)]
        axes = [d for d in axes if x.shape[d] == 1]
        if not axes:
            return [b.op("Identity", [x.name])]
        return [b.axes_op("Squeeze", x.name, axes)]

    @_reg(views.Unsqueeze)
    def _unsqueeze(b, n, a):
        x, axis = a[0], int(a[1])
        return [b.axes_op("Unsqueeze", x.name, [axis % (x.ndim + 1)])]

    @_reg(views.Narrow)
    def _narrow(b, n, a):
        x, axis, start, length = a[0], int(a[1]), a[2], a[3]
        end = start + length if not isinstance(start, T.DynInt) and not isinstance(length, T.DynInt) else None
        if end is None:
            raise UnsupportedOp("narrow with a dynamic start/length")
        return [b.op("Slice", [x.name, b.ints([start]), b.ints([end]), b.i64([axis])])]

    @_reg(views.Split)
    def _split(b, n, a):
        x, axis, sizes = a[0], int(a[1]), [int(s) for s in a[2]]
        if len(sizes) == 1:
            return [b.op("Identity", [x.name])]
        return list(b.op("Split", [x.name, b.i64(sizes)], n_out=len(sizes), axis=axis))

    @_reg(views.Select)
    def _vselect(b, n, a):
        x, axis, idx = a[0], int(a[1]), a[2]
        return [b.op("Gather", [x.name, b.scalar(idx)], axis=axis)]

    @_reg(views.Unbind)
    def _unbind(b, n, a):
        x, axis = a[0], int(a[1]) % a[0].ndim
        k = x.shape[axis]
        parts = b.op("Split", [x.name, b.i64([1] * k)], n_out=k, axis=axis) if k > 1 else [x.name]
        return [b.axes_op("Squeeze", p, [axis]) for p in parts]

    @_reg(copies.Cat)
    def _cat(b, n, a):
        axis, ts = int(a[0]), [t for t in a[1:] if not (isinstance(t, _V) and t.shape == (0,))]
        dt = _out(n).dtype
        return [b.op("Concat", [b.cast(t, dt) for t in ts], axis=axis % len(_out(n).shape))]

    @_reg(copies.Stack)
    def _stack(b, n, a):
        axis, ts = int(a[0]), a[1:]
        nd = len(_out(n).shape)
        ax = axis % nd
        dt = _out(n).dtype
        return [b.op("Concat", [b.axes_op("Unsqueeze", b.cast(t, dt), [ax]) for t in ts], axis=ax)]

    @_reg(copies.TriMask)
    def _tri(b, n, a):
        x, k, upper = a[0], a[1], a[2]
        return [b.op("Trilu", [x.name, b.scalar(k)], upper=int(bool(upper)))]

    @_reg(copies.PadConst)
    def _pad(b, n, a):
        x, pads, value = a[0], list(a[1]), a[2]
        pads = pads + [(0, 0)] * (x.ndim - len(pads))
        ins = [x.name, b.i64([p[0] for p in pads] + [p[1] for p in pads])]
        if value:
            ins.append(b.cast(value, x.dtype))
        return [b.op("Pad", ins, mode="constant")]

    @_reg(*[c for c in unary._Rounding.__subclasses__() if c.__name__ in ("Floor", "Ceil", "Sign")])
    def _rounding(b, n, a):
        o = {"Floor": "Floor", "Ceil": "Ceil", "Round": "Round", "Sign": "Sign"}.get(n.op.__name__)
        if o is None:
            raise UnsupportedOp(f"no ONNX op for {n.op.__name__}")
        return [b.op(o, [a[0].name])]

    @_reg(reduce.Prod)
    def _prod(b, n, a):
        x, axis, keep = a[0], a[1], a[2]
        return [b.axes_op("ReduceProd", b.cast(x, _out(n).dtype), norm_axes(axis, x.ndim), keepdims=int(bool(keep)))]

    @_reg(copies.Repeat)
    def _repeat(b, n, a):
        x, reps = a[0], list(a[1])
        xv = x.name
        if len(reps) > x.ndim:
            xv = b.op("Reshape", [xv, b.i64([1] * (len(reps) - x.ndim) + list(x.shape))])
        return [b.op("Tile", [xv, b.ints(reps)])]

    @_reg(copies.Flip)
    def _flip(b, n, a):
        x, dims = a[0], [int(d) % a[0].ndim for d in a[1]]
        return [b.op("Slice", [x.name, b.i64([-1] * len(dims)), b.i64([INT64_MIN] * len(dims)), b.i64(dims),
                               b.i64([-1] * len(dims))])]

    @_reg(index.GetItem)
    def _getitem(b, n, a):
        x, idx = a[0], a[1]
        items = list(idx) if isinstance(idx, tuple) else [idx]
        used = sum(1 for i in items if i is not None and i is not Ellipsis)
        if any(i is Ellipsis for i in items):
            k = [j for j, i in enumerate(items) if i is Ellipsis][0]
            items = items[:k] + [slice(None)] * (x.ndim - used) + items[k + 1:]
        cur, dim, shape = x.name, 0, list(x.shape)
        n_adv = 0
        for it in items:
            if it is None:
                cur = b.axes_op("Unsqueeze", cur, [dim])
                shape.insert(dim, 1)
                dim += 1
            elif isinstance(it, slice):
                start, stop, step = it.start, it.stop, it.step
                step = 1 if step is None else step
                if (start in (None, 0) and stop is None and step == 1) or (
                        start in (None, 0) and not isinstance(stop, T.DynInt) and stop is not None and
                        stop >= shape[dim] and step == 1 and dim not in x.dyn):
                    dim += 1
                    continue
                if step > 0:
                    start = 0 if start is None else start
                    stop = INT64_MAX if stop is None else stop
                else:
                    start = -1 if start is None else start
                    stop = INT64_MIN if stop is None else stop
                cur = b.op("Slice", [cur, b.ints([start]), b.ints([stop]), b.i64([dim]), b.i64([step])])
                dim += 1
            elif isinstance(it, (bool,)) or (hasattr(it, "dtype") and getattr(it, "dtype", None) == bool):
                raise UnsupportedOp("boolean-mask indexing (its result size depends on the values)")
            elif isinstance(it, int):
                cur = b.op("Gather", [cur, b.scalar(it)], axis=dim)
                shape.pop(dim)
            else:
                n_adv += 1
                if n_adv > 1:
                    raise UnsupportedOp("indexing with more than one index tensor")
                if isinstance(it, _V):
                    arr_dtype, nd = it.dtype, it.ndim
                    iname = b.cast(it, xp.int64) if xp.dtype(it.dtype) != bool else None
                else:
                    arr = xp.asarray(it)
                    arr_dtype, nd = arr.dtype, arr.ndim
                    if arr.dtype == bool:
                        raise UnsupportedOp("boolean-mask indexing (its result size depends on the values)")
                    iname = b.const(arr.astype(xp.int64))
                if xp.dtype(arr_dtype) == bool:
                    raise UnsupportedOp("boolean-mask indexing (its result size depends on the values)")
                cur = b.op("Gather", [cur, iname], axis=dim)
                shape[dim:dim + 1] = [0] * nd
                dim += nd
        return [cur]

    @_reg(index.CopySlices)
    def _copy_slices(b, n, a):
        """``x[basic index] = v``: Where(mask, v placed by Unsqueeze/Pad, x); the mask has size 1 on the fully
        sliced dims, so it broadcasts over dynamic sizes there."""
        x, idx, v = a[0], a[1], a[2]
        dt = x.dtype
        items = list(idx) if isinstance(idx, tuple) else [idx]
        if any(i is Ellipsis for i in items):
            k = [j for j, i in enumerate(items) if i is Ellipsis][0]
            used = sum(1 for i in items if i is not None and i is not Ellipsis)
            items = items[:k] + [slice(None)] * (x.ndim - used) + items[k + 1:]
        items = items + [slice(None)] * (x.ndim - len(items))
        if any(i is None or isinstance(i, (_V, T.DynInt)) or not isinstance(i, (int, slice)) for i in items):
            raise UnsupportedOp("index assignment with None, tensors or dynamic bounds in the index")
        mshape, sel, pads_lo, pads_hi, unsq = [], [], [], [], []
        for d, (it, size) in enumerate(zip(items, x.shape)):
            if isinstance(it, slice):
                start, stop, step = it.indices(size)
                if (start, stop, step) == (0, size, 1):
                    mshape.append(1)
                    sel.append(slice(None))
                    pads_lo.append(0)
                    pads_hi.append(0)
                    continue
                if step != 1 or d in x.dyn:
                    raise UnsupportedOp("index assignment with a step or on a dynamic dimension")
                mshape.append(size)
                sel.append(slice(start, stop))
                pads_lo.append(start)
                pads_hi.append(size - max(stop, start))
            else:
                if d in x.dyn:
                    raise UnsupportedOp("index assignment on a dynamic dimension")
                i = it % size
                mshape.append(size)
                sel.append(slice(i, i + 1))
                pads_lo.append(i)
                pads_hi.append(size - i - 1)
                unsq.append(d)
        mask = xp.zeros(mshape, dtype=bool)
        mask[tuple(sel)] = True
        if isinstance(v, _V):
            vv = b.cast(v, dt)
            # v broadcasts to x[idx]'s shape: give it that rank, then put back the integer-indexed dims
            out_rank = x.ndim - len(unsq)
            if v.ndim < out_rank:
                vv = b.axes_op("Unsqueeze", vv, list(range(out_rank - v.ndim)))
            if unsq:
                vv = b.axes_op("Unsqueeze", vv, unsq)
            sel_shape = [1 if (isinstance(it, slice) and it.indices(sz) == (0, sz, 1)) else (s_.stop - s_.start)
                         for it, sz, s_ in zip(items, x.shape, [si if si.start is not None else slice(0, 0)
                                                                 for si in sel])]
            vv = b.op("Expand", [vv, b.i64(sel_shape)])
            if any(pads_lo) or any(pads_hi):
                vv = b.op("Pad", [vv, b.i64(pads_lo + pads_hi)], mode="constant")
        else:
            vv = b.cast(v, dt)
        return [b.op("Where", [b.const(mask), vv, x.name])]

    @_reg(index.ViewWrite)
    def _view_write(b, n, a):
        base, new, pos = a[0], a[1], a[2]
        if base.dyn:
            raise UnsupportedOp("an in-place change of a view of a tensor with dynamic sizes")
        flat = b.op("Reshape", [base.name, b.i64([-1])])
        p = b.op("Reshape", [b.cast(pos, xp.int64), b.i64([-1])])
        nv = b.op("Reshape", [b.cast(new, base.dtype), b.i64([-1])])
        return [b.op("Reshape", [b.op("ScatterElements", [flat, p, nv], axis=0), b.i64(list(base.shape))])]

    @_reg(index.Gather)
    def _gather(b, n, a):
        x, axis, idx = a[0], int(a[1]), a[2]
        return [b.op("GatherElements", [x.name, b.cast(idx, xp.int64)], axis=axis)]

    @_reg(index.IndexSelect)
    def _index_select(b, n, a):
        x, axis, idx = a[0], int(a[1]), a[2]
        return [b.op("Gather", [x.name, b.cast(idx, xp.int64)], axis=axis)]

    @_reg(index.MaskedFill)
    def _masked_fill(b, n, a):
        x, mask, value = a[0], a[1], a[2]
        dt = _out(n).dtype
        return [b.op("Where", [b.cast(mask, bool), b.cast(value, dt), x.name])]

    @_reg(pb.Where)
    def _where(b, n, a):
        dt = _out(n).dtype
        return [b.op("Where", [b.cast(a[0], bool), b.cast(a[1], dt), b.cast(a[2], dt)])]

    @_reg(pb.Clamp, act.Hardtanh)
    def _clamp(b, n, a):
        x, lo, hi = a[0], a[1], a[2]
        dt = _out(n).dtype
        ins = [b.cast(x, dt), "" if lo is None else b.cast(lo, dt), "" if hi is None else b.cast(hi, dt)]
        while ins[-1] == "":
            ins.pop()
        return [b.op("Clip", ins)]

    @_reg(pb.ClampTensor)
    def _clamp_t(b, n, a):
        x, lo, hi = a[0], a[1], a[2]
        dt = _out(n).dtype
        r = b.cast(x, dt)
        if lo is not None:
            r = b.op("Max", [r, b.cast(lo, dt)])
        if hi is not None:
            r = b.op("Min", [r, b.cast(hi, dt)])
        return [r]

    # ---------------------------------------------------------------- conversion
    @_reg(conversion.ToDtype)
    def _to(b, n, a):
        return [b.cast(a[0], _out(n).dtype)]

    def ident(b, n, a):
        return [b.op("Identity", [a[0].name])]
    for cls in (conversion.Clone, _common._Identity, getattr(conversion, "Contiguous", conversion.Clone)):
        _reg(cls)(ident)

    # ---------------------------------------------------------------- matrix products
    @_reg(matmul.Mm, matmul.MatMul, matmul.Bmm, matmul.Mv, matmul.Dot)
    def _mm(b, n, a):
        dt = _out(n).dtype
        return [b.op("MatMul", [b.cast(a[0], dt), b.cast(a[1], dt)])]

    @_reg(matmul.Addmm)
    def _addmm(b, n, a):
        c, x, w = a[0], a[1], a[2]
        beta = a[3] if len(a) > 3 else n.kwargs.get("beta", 1)
        alpha = a[4] if len(a) > 4 else n.kwargs.get("alpha", 1)
        return [b.op("Gemm", [x.name, w.name, c.name], alpha=float(alpha), beta=float(beta))]

    @_reg(matmul.Einsum)
    def _einsum(b, n, a):
        eq = a[0]
        ts = a[1:]
        if len(ts) == 1 and isinstance(ts[0], (tuple, list)):
            ts = ts[0]
        return [b.op("Einsum", [t.name for t in ts], equation=eq.replace(" ", ""))]

    # ---------------------------------------------------------------- activations
    @_reg(act.LeakyRelu)
    def _leaky(b, n, a):
        return [b.op("LeakyRelu", [a[0].name], alpha=float(a[1]))]

    @_reg(act.Elu)
    def _elu(b, n, a):
        x, alpha, scale, iscale = a[0], float(a[1]), float(a[2]), float(a[3])
        dt = _out(n).dtype
        if iscale == 1.0:
            r = b.op("Elu", [x.name], alpha=alpha)
        else:   # celu: alpha * (exp(x / alpha) - 1) on the negative side
            xs = b.op("Mul", [x.name, b.cast(iscale, dt)])
            neg = b.op("Mul", [b.op("Sub", [b.op("Exp", [xs]), b.cast(1, dt)]), b.cast(alpha, dt)])
            r = b.op("Where", [b.op("Greater", [x.name, b.cast(0, dt)]), x.name, neg])
        return [r if scale == 1.0 else b.op("Mul", [r, b.cast(scale, dt)])]

    @_reg(act.Gelu)
    def _gelu(b, n, a):
        x, approx = a[0], a[1]
        dt = _out(n).dtype
        if b.opset >= 20:
            return [b.op("Gelu", [x.name], approximate=str(approx))]
        if approx == "tanh":
            # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            x3 = b.op("Mul", [b.op("Mul", [x.name, x.name]), x.name])
            inner = b.op("Mul", [b.op("Add", [x.name, b.op("Mul", [x3, b.cast(0.044715, dt)])]),
                                 b.cast(math.sqrt(2 / math.pi), dt)])
            t = b.op("Add", [b.op("Tanh", [inner]), b.cast(1, dt)])
        else:   # 0.5 x (1 + erf(x / sqrt 2))
            t = b.op("Add", [b.op("Erf", [b.op("Mul", [x.name, b.cast(1 / math.sqrt(2), dt)])]), b.cast(1, dt)])
        return [b.op("Mul", [b.op("Mul", [x.name, t]), b.cast(0.5, dt)])]

    @_reg(act.Silu)
    def _silu(b, n, a):
        return [b.op("Mul", [a[0].name, b.op("Sigmoid", [a[0].name])])]

    @_reg(act.Hardswish)
    def _hswish(b, n, a):
        return [b.op("HardSwish", [a[0].name])]

    @_reg(act.Hardsigmoid)
    def _hsig(b, n, a):
        return [b.op("HardSigmoid", [a[0].name], alpha=1 / 6, beta=0.5)]

    @_reg(act.Softplus)
    def _softplus(b, n, a):
        x, beta, th = a[0], float(a[1]), float(a[2])
        dt = _out(n).dtype
        xb = b.op("Mul", [x.name, b.cast(beta, dt)]) if beta != 1 else x.name
        sp = b.op("Softplus", [xb])
        if beta != 1:
            sp = b.op("Div", [sp, b.cast(beta, dt)])
        return [b.op("Where", [b.op("Greater", [xb, b.cast(th, dt)]), x.name, sp])]

    @_reg(act.Mish)
    def _mish(b, n, a):
        return [b.op("Mul", [a[0].name, b.op("Tanh", [b.op("Softplus", [a[0].name])])])]

    @_reg(act.LogSigmoid)
    def _logsig(b, n, a):
        return [b.op("Neg", [b.op("Softplus", [b.op("Neg", [a[0].name])])])]

    @_reg(act.Threshold)
    def _threshold(b, n, a):
        x, th, val = a[0], a[1], a[2]
        dt = _out(n).dtype
        return [b.op("Where", [b.op("Greater", [x.name, b.cast(th, dt)]), x.name, b.cast(val, dt)])]

    @_reg(act.Softshrink, act.Hardshrink)
    def _shrink(b, n, a):
        lam = float(a[1])
        if n.op is act.Softshrink:
            return [b.op("Shrink", [a[0].name], lambd=lam, bias=lam)]
        return [b.op("Shrink", [a[0].name], lambd=lam)]

    # ---------------------------------------------------------------- layers
    @_reg(conv.Convolution)
    def _conv(b, n, a):
        x, w, bias, g = a[0], a[1], a[2], a[3]
        k = 0 if g.nd == 2 else 1
        st, dil = list(g.st)[k:], list(g.dil)[k:]
        pads = [p[0] for p in g.pad][k:] + [p[1] for p in g.pad][k:]
        ins = [x.name, w.name] + ([bias.name] if bias is not None else [])
        return [b.op("Conv", ins, strides=st, dilations=dil, pads=pads, group=int(g.groups))]

    @_reg(conv.ConvInputGrad)
    def _convt(b, n, a):
        x, w, x_shape, g = a[0], a[1], a[2], a[3]
        k = 0 if g.nd == 2 else 1
        st, dil = list(g.st)[k:], list(g.dil)[k:]
        plo, phi = [p[0] for p in g.pad][k:], [p[1] for p in g.pad][k:]
        ks = w.shape[2:]
        outs = list(x_shape)[2:]
        opad = [int(o) - ((i - 1) * s - lo - hi + d * (kk - 1) + 1)
                for o, i, s, lo, hi, d, kk in zip(outs, x.shape[2:], st, plo, phi, dil, ks)]
        return [b.op("ConvTranspose", [x.name, w.name], strides=st, dilations=dil, pads=plo + phi,
                     group=int(g.groups), output_padding=opad if any(opad) else None)]

    @_reg(pooling._MaxPool)
    def _maxpool(b, n, a):
        x, k, s, p, d, ceil, want_idx, nd = a[:8]
        if want_idx:
            raise UnsupportedOp("max pooling with return_indices=True")
        o = 1 if nd == 1 else 0
        k, s, p, d = list(k)[o:], list(s)[o:], list(p)[o:], list(d)[o:]
        return [b.op("MaxPool", [x.name], kernel_shape=k, strides=s, pads=p + p,
                     dilations=d if any(v != 1 for v in d) else None, ceil_mode=int(bool(ceil)))]

    @_reg(pooling._AvgPool)
    def _avgpool(b, n, a):
        x, g = a[0], a[1]
        nd = 1 if x.ndim == 3 else 2
        o = 2 - nd
        k, s, p = list(g.k)[o:], list(g.s)[o:], list(g.p)[o:]
        N, C, H, W = g.shape
        floor_ho = (H + 2 * g.p[0] - g.k[0]) // g.s[0] + 1
        floor_wo = (W + 2 * g.p[1] - g.k[1]) // g.s[1] + 1
        ceil = int(g.Ho != floor_ho or g.Wo != floor_wo)
        div = xp.asarray(g.div)
        full = float(xp.prod(xp.asarray(g.k)))
        if div.ndim == 0:      # divisor_override
            r = b.op("AveragePool", [x.name], kernel_shape=k, strides=s, pads=p + p, ceil_mode=ceil,
                     count_include_pad=1)
            return [b.op("Mul", [r, b.cast(full / float(div), _out(n).dtype)])]
        incl = int(bool(xp.all(div == full))) if any(p) else 0
        if incl == 0 and any(p) and ceil:
            raise UnsupportedOp("avg_pool with padding, ceil_mode and count_include_pad=False")
        return [b.op("AveragePool", [x.name], kernel_shape=k, strides=s, pads=p + p, ceil_mode=ceil,
                     count_include_pad=incl)]

    @_reg(pooling._AdaptiveMax)
    def _adamax(b, n, a):
        x, os_, nd = a[0], list(a[1]), a[2]
        o = 1 if nd == 1 else 0
        os_ = os_[o:]
        ins = list(x.shape[2:])
        if all(v == 1 for v in os_):
            r = b.op("GlobalMaxPool", [x.name])
        elif all(i % v == 0 for i, v in zip(ins, os_)):
            ks = [i // v for i, v in zip(ins, os_)]
            r = b.op("MaxPool", [x.name], kernel_shape=ks, strides=ks)
        else:
            raise UnsupportedOp("adaptive_max_pool with an output size that does not divide the input size")
        if len(n.outs) > 1 and n.outs[1].uses:
            raise UnsupportedOp("adaptive_max_pool with return_indices=True")
        return [r, r][:len(n.outs)]

    @_reg(_layer_norm.LayerNormFn)
    def _layernorm(b, n, a):
        x, w, bias, k, eps = a[0], a[1], a[2], int(a[3]), float(a[4])
        dt = _out(n).dtype
        axis = x.ndim - k
        norm_shape = list(x.shape[axis:])
        wv = w.name if w is not None else b.const(xp.ones(norm_shape, dtype=dt))
        ins = [x.name, wv] + ([bias.name] if bias is not None else [])
        return [b.op("LayerNormalization", ins, axis=axis, epsilon=eps)]

    @_reg(sparse.Embedding)
    def _embedding(b, n, a):
        w, idx = a[0], a[1]
        return [b.op("Gather", [w.name, b.cast(idx, xp.int64)], axis=0)]

    @_reg(attention._Attention)
    def _attn(b, n, a):
        q, k, v, mask, causal, scale, p = a[:7]
        dt = _out(n).dtype
        if p:
            raise UnsupportedOp("scaled_dot_product_attention with dropout_p > 0 (export in eval mode)")
        E = q.shape[-1]
        sc = float(scale) if scale is not None else 1.0 / math.sqrt(E)
        perm = list(range(k.ndim))
        perm[-1], perm[-2] = perm[-2], perm[-1]
        s = b.op("MatMul", [q.name, b.op("Transpose", [k.name], perm=perm)])
        s = b.op("Mul", [s, b.cast(sc, dt)])
        if causal:
            L = b.op("Shape", [q.name], start=q.ndim - 2, end=q.ndim - 1)
            S = b.op("Shape", [k.name], start=k.ndim - 2, end=k.ndim - 1)
            ones = b.op("ConstantOfShape", [b.op("Concat", [L, S], axis=0)],
                        value=b.onnx.numpy_helper.from_array(xp.ones(1, dtype=bool)))
            keep = b.op("Trilu", [ones], upper=0)
            s = b.op("Where", [keep, s, b.cast(float("-inf"), dt)])
        if mask is not None:
            if xp.dtype(mask.dtype) == bool:
                s = b.op("Where", [mask.name, s, b.cast(float("-inf"), dt)])
            else:
                s = b.op("Add", [s, b.cast(mask, dt)])
        w = b.op("Softmax", [s], axis=-1)
        return [b.op("MatMul", [w, v.name])]

    @_reg(_rnn_fused._RNNLayer)
    def _rnn(b, n, a):
        mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse = a[:9]
        bs = a[9] if len(a) > 9 else None
        if bs is not None:
            raise UnsupportedOp("a recurrent layer on a PackedSequence")
        H = w_hh.shape[1]
        dt = _out(n).dtype

        def gates(wv, order, axis):
            """PyTorch's gate blocks reordered for ONNX (``order``: indices of PyTorch's blocks)."""
            if wv is None:
                return None
            if order is None:
                return wv.name
            k = len(order)
            parts = b.op("Split", [wv.name, b.i64([H] * k)], n_out=k, axis=axis)
            return b.op("Concat", [parts[i] for i in order], axis=axis)
        order = {"LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2]}.get(mode)
        W = b.axes_op("Unsqueeze", gates(w_ih, order, 0), [0])
        R = b.axes_op("Unsqueeze", gates(w_hh, order, 0), [0])
        G = {"LSTM": 4, "GRU": 3}.get(mode, 1)
        bi = gates(b_ih, order, 0) if b_ih is not None else b.const(xp.zeros(G * H, dtype=dt))
        bh = gates(b_hh, order, 0) if b_hh is not None else b.const(xp.zeros(G * H, dtype=dt))
        B = b.axes_op("Unsqueeze", b.op("Concat", [bi, bh], axis=0), [0])
        h = b.axes_op("Unsqueeze", h0.name, [0])
        ins = [x.name, W, R, B, "", h]
        attrs = dict(hidden_size=int(H), direction="reverse" if reverse else "forward")
        if mode == "LSTM":
            ins.append(b.axes_op("Unsqueeze", c0.name, [0]))
            Y, Yh, Yc = b.op("LSTM", ins, n_out=3, **attrs)
        elif mode == "GRU":
            Y, Yh = b.op("GRU", ins, n_out=2, linear_before_reset=1, **attrs)
        else:
            Y, Yh = b.op("RNN", ins, n_out=2, activations=["Relu" if mode == "RNN_RELU" else "Tanh"], **attrs)
        outs = [b.axes_op("Squeeze", Y, [1]), b.axes_op("Squeeze", Yh, [0])]
        if mode == "LSTM":
            outs.append(b.axes_op("Squeeze", Yc, [0]))
        return outs

    # ---------------------------------------------------------------- pseudo-calls (not Functions)
    def cmp(onnx_op, negate=False):
        def fn(b, n, a):
            x, y = a[0], a[1]
            dts = [t.dtype for t in (x, y) if isinstance(t, _V)]
            dt = xp.result_type(*dts) if len(dts) == 2 else dts[0]
            if len(dts) == 1 and isinstance(y if isinstance(x, _V) else x, float) and xp.dtype(dt).kind in "iub":
                dt = xp.float32
            r = b.op(onnx_op, [b.cast(x, dt), b.cast(y, dt)])
            return [b.op("Not", [r]) if negate else r]
        return fn
    for names, o, neg in ((("eq",), "Equal", False), (("ne", "not_equal"), "Equal", True),
                          (("lt", "less"), "Less", False), (("le", "less_equal"), "LessOrEqual", False),
                          (("gt", "greater"), "Greater", False), (("ge", "greater_equal"), "GreaterOrEqual", False)):
        _call(*names)(cmp(o, neg))

    def logical(onnx_op):
        def fn(b, n, a):
            return [b.op(onnx_op, [b.cast(t, bool) for t in a[:2] if t is not None])]
        return fn
    for name, o in (("logical_and", "And"), ("logical_or", "Or"), ("logical_xor", "Xor"), ("logical_not", "Not")):
        _call(name)(logical(o))

    @_call("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not")
    def _bitwise(b, n, a):
        if xp.dtype(_out(n).dtype) != bool:
            raise UnsupportedOp(f"{n.name} on integer tensors")
        return logical({"bitwise_and": "And", "bitwise_or": "Or", "bitwise_xor": "Xor",
                        "bitwise_not": "Not"}[n.name])(b, n, a)

    @_call("conv_transpose3d")
    def _convt3d(b, n, a):
        names = ("input", "weight", "bias", "stride", "padding", "output_padding", "groups", "dilation")
        full = dict(zip(names, a))
        full.update(n.kwargs)
        x, w = full["input"], full["weight"]
        bias = full.get("bias")

        def trip(v, default):
            v = default if v is None else v
            return [int(v)] * 3 if isinstance(v, int) else [int(t) for t in v]
        st, pad = trip(full.get("stride"), 1), trip(full.get("padding"), 0)
        opad, dil = trip(full.get("output_padding"), 0), trip(full.get("dilation"), 1)
        ins = [x.name, w.name] + ([bias.name] if isinstance(bias, _V) else [])
        return [b.op("ConvTranspose", ins, strides=st, dilations=dil, pads=pad + pad, group=int(full.get("groups") or 1),
                     output_padding=opad if any(opad) else None)]

    @_call("isnan")
    def _isnan(b, n, a):
        return [b.op("IsNaN", [a[0].name])]

    @_call("isinf")
    def _isinf(b, n, a):
        return [b.op("IsInf", [a[0].name])]

    @_call("arange")
    def _arange(b, n, a):
        nums = [x for x in a if not isinstance(x, _V)]
        if len(nums) == 1:
            start, end, step = 0, nums[0], 1
        elif len(nums) == 2:
            start, end, step = nums[0], nums[1], 1
        else:
            start, end, step = nums[0], nums[1], nums[2]
        start = n.kwargs.get("start", start)
        end = n.kwargs.get("end", end)
        step = n.kwargs.get("step", step)
        dt = _out(n).dtype
        r = b.op("Range", [b.scalar(start, dt), b.scalar(end, dt), b.scalar(step, dt)])
        return [r]

    @_call("ones", "zeros", "full", "empty")
    def _fill(b, n, a):
        size = list(a)
        fill = {"ones": 1, "zeros": 0, "empty": 0}.get(n.name)
        if n.name == "full":
            size, fill = a[0], a[1] if len(a) > 1 else n.kwargs["fill_value"]
            size = list(size)
        elif len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = list(size[0])
        if "size" in n.kwargs:
            size = list(n.kwargs["size"])
        dt = _out(n).dtype
        return [b.op("ConstantOfShape", [b.ints(size)],
                     value=b.onnx.numpy_helper.from_array(xp.asarray([fill], dtype=dt)))]

    @_call("ones_like", "zeros_like", "full_like", "empty_like")
    def _fill_like(b, n, a):
        fill = {"ones_like": 1, "zeros_like": 0, "empty_like": 0}.get(n.name)
        if n.name == "full_like":
            fill = a[1] if len(a) > 1 else n.kwargs["fill_value"]
        dt = _out(n).dtype
        return [b.op("ConstantOfShape", [b.op("Shape", [a[0].name])],
                     value=b.onnx.numpy_helper.from_array(xp.asarray([fill], dtype=dt)))]


_ready = []


def emit(g, opset, input_names, output_names, dyn_names, do_constant_folding, export_params):
    """The ONNX ModelProto of the traced Graph ``g``."""
    onnx = _onnx()
    from onnx import helper
    if not _ready:
        _setup()
        _ready.append(True)
    in_names = [input_names[i] if i < len(input_names) else f"input_{i}" if len(g.inputs) > 1 or not input_names
                else f"input_{i}" for i in range(len(g.inputs))]
    if len(g.inputs) == 1 and not input_names:
        in_names = ["input"]
    b = Builder(opset, in_names)
    b.values = {}
    names = {}
    for v, nm in zip(g.inputs, in_names):
        names[id(v)] = nm
        b.values[id(v)] = _V(nm, v.shape, v.dtype, v.dyn_dims)
    out_vals = T._flat_values(g.outputs)
    folded = set()
    const_data = {}
    for p in g.params.values():
        const_data[id(p)] = p.data
    for c in g.consts:
        const_data[id(c)] = c.data

    def materialize(v):
        """An initializer for a parameter/constant/folded value the first time a node uses it."""
        if id(v) in names:
            return
        nm = v.name if v.kind == "param" else f"/{v.name}"
        if v.fill is not None:
            b.nodes.append(helper.make_node("ConstantOfShape", [b.ints(v.fill[1])], [nm], name=b.fresh("nfill"),
                                            value=onnx.numpy_helper.from_array(xp.asarray([v.fill[0]], v.dtype))))
        elif v.kind == "param" and not export_params:
            # parameters become graph inputs the caller must feed
            extra_inputs.append(helper.make_tensor_value_info(nm, b.tdtype(v.dtype), list(v.shape)))
        else:
            b.const(const_data[id(v)], nm)
        names[id(v)] = nm
        b.values[id(v)] = _V(nm, v.shape, v.dtype)
    extra_inputs = []
    # folding: the trace computed every value; a node that depends on no input is its value
    fold_vals = {}
    if do_constant_folding:
        fold_vals = _fold_values(g)
    for n in g.nodes:
        if do_constant_folding and not n.dep and all(id(v) in fold_vals for v in n.outs):
            if not any(o in out_vals for o in n.outs):
                for v in n.outs:
                    const_data[id(v)] = fold_vals[id(v)]
                    v.kind = "folded"
                    folded.add(id(v))
                continue

        def conv(x):
            if isinstance(x, T.Value):
                if id(x) not in names:
                    materialize(x)
                return b.values[id(x)]
            if isinstance(x, T.ArrayRef):
                if id(x.value) not in names:
                    materialize(x.value)
                return b.values[id(x.value)]
            if isinstance(x, slice):
                return slice(conv(x.start), conv(x.stop), conv(x.step))
            if x.__class__ in (tuple, list):
                return x.__class__(conv(y) for y in x)
            return x
        args = conv(n.args)
        n_kw = {k: conv(v) for k, v in n.kwargs.items()}
        if n.call:
            fn = _CALLS.get(n.name)
        else:
            fn = _lookup(n.op)
            if fn is None and n.op.__name__.endswith("Named"):
                fn = _MAP.get(_identity_cls())
        file, line, text = n.src
        if fn is None:
            raise UnsupportedOp(f"torch.onnx.export: numtorch has no ONNX mapping for the operation "
                                f"'{n.name}' applied at {file}:{line}: {text}")
        n.kwargs, saved_kw = n_kw, n.kwargs
        try:
            outs = fn(b, n, args)
        except UnsupportedOp as e:
            raise UnsupportedOp(f"torch.onnx.export: cannot export '{n.name}' applied at {file}:{line}: {text} "
                                f"({e})") from None
        finally:
            n.kwargs = saved_kw
        for v, nm in zip(n.outs, outs):
            names[id(v)] = nm
            b.values[id(v)] = _V(nm, v.shape, v.dtype, v.dyn_dims)
    # outputs
    out_names = []
    final = []
    for i, v in enumerate(out_vals):
        want = output_names[i] if i < len(output_names) else (f"output_{i}" if len(out_vals) > 1 or output_names
                                                              else "output")
        if id(v) not in names:
            materialize(v) if v.kind != "folded" else (b.const(const_data[id(v)], f"/{v.name}"),
                                                       names.__setitem__(id(v), f"/{v.name}"))
            if v.kind == "folded":
                b.values[id(v)] = _V(names[id(v)], v.shape, v.dtype)
        b.nodes.append(helper.make_node("Identity", [names[id(v)]], [want], name=f"/output_{i}"))
        out_names.append(want)
        final.append(v)

    def vinfo(nm, v, dims_named):
        shape = [dims_named.get(d, s) for d, s in enumerate(v.shape)]
        return helper.make_tensor_value_info(nm, b.tdtype(v.dtype), shape)
    g_in = [vinfo(nm, v, dyn_names.get(nm, {})) for nm, v in zip(in_names, g.inputs)] + extra_inputs
    g_out = []
    for nm, v in zip(out_names, final):
        dn = dict(dyn_names.get(nm, {}))
        for d in v.dyn_dims:
            dn.setdefault(d, f"{nm}_dynamic_axes_{d + 1}")
        g_out.append(vinfo(nm, v, dn))
    graph = helper.make_graph(b.nodes, "main_graph", g_in, g_out, initializer=b.inits)
    from .. import __version__
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="numtorch",
                              producer_version=str(__version__))
    model.ir_version = min(model.ir_version, _max_ir(opset))
    return model


def _lookup(cls):
    """The mapping of ``cls`` or of the nearest base whose forward it inherits unchanged (a subclass with its own
    forward, e.g. Std under Var, needs its own mapping)."""
    for c in cls.__mro__:
        if c in _MAP:
            return _MAP[c]
        if "forward" in c.__dict__ or "np_fn" in c.__dict__:
            return None
    return None


def _identity_cls():
    from ..nn.functional._loss import _common
    return _common._Identity


def _max_ir(opset):
    return {17: 8, 18: 8, 19: 9, 20: 9, 21: 10}.get(opset, 10)


def _fold_values(g):
    """{id(Value): array} for the values of nodes that depend on no input, replayed from params/consts."""
    from .._tensor import _make
    env = {}
    vals = {}
    for p in g.params.values():
        env[id(p)] = _make(p.data)
    for c in g.consts:
        env[id(c)] = _make(c.data)

    def sub(a):
        if isinstance(a, T.Value):
            return env[id(a)]
        if isinstance(a, T.ArrayRef):
            return env[id(a.value)]._data
        if isinstance(a, slice):
            return slice(sub(a.start), sub(a.stop), sub(a.step))
        if a.__class__ in (tuple, list):
            return a.__class__(sub(x) for x in a)
        return a
    from ..autograd.grad_mode import no_grad
    with no_grad():
        for n in g.nodes:
            if n.dep:
                continue
            try:
                args = sub(n.args)
                kw = {k: sub(v) for k, v in n.kwargs.items()}
            except KeyError:
                continue
            out = n.op(*args, **kw) if n.call else n.op.apply(*args, **kw)
            got = []

            def collect(o):
                if hasattr(o, "_data"):
                    got.append(o)
                elif isinstance(o, tuple):
                    for x in o:
                        collect(x)
            collect(out)
            for v, t in zip(n.outs, got):
                env[id(v)] = t
                vals[id(v)] = t._data
    return vals
