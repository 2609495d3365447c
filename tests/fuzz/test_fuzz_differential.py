"""Differential fuzzing against PyTorch: random programs of 1-4 chained public ops run on numtorch and on real
torch in lockstep; every intermediate result must agree (dtype, shape, NaN/inf pattern, sign of zero, values),
so must the gradients of a random projection sum(out * w) with respect to the float inputs, and so must the
exception classes (if torch raises, numtorch raises the same class; if torch succeeds, numtorch succeeds).

Inputs vary dtype (bool, uint8, int32, int64, float16, float32, float64), shape (0-d, 0-size, broadcasting),
layout (contiguous, transposed, strided slices, expanded) and values (ties, +-0, +-inf, NaN, huge, denormal).
Ops come from the table ``OPS``; some run in place or with ``out=``. The differences the fuzzer tolerates are
listed, with their reasons, in docs/fuzzing.md (and in ``_tolerated`` below).

Profiles (tests/fuzz/conftest.py): ``ci`` (default, derandomized, 300 examples) and ``long``
(``--hypothesis-profile=long``, 50,000 examples).
"""
import math
import operator
import warnings

import numpy as np
from hypothesis import given, reject, strategies as st, note

import numtorch as nt
from conftest import torch, fuzz_settings

DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
FLOATS = ("float16", "float32", "float64")
_SIZES = [1, 2, 2, 3, 3, 4, 0]


# ----------------------------------------------------------------------------------------- values and inputs
def _np_dtype(name):
    return np.dtype("bool" if name == "bool" else name)


def _values(draw, shape, dtype):
    """A NumPy array of ``shape``/``dtype``: a value distribution drawn by Hypothesis, filled by a seeded RNG."""
    seed = draw(st.integers(0, 2 ** 32 - 1), label="seed")
    kind = draw(st.sampled_from(["normal", "ties", "special", "wide"]), label="values")
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        return rng.random(n).reshape(shape) < 0.5
    if dtype in ("uint8", "int32", "int64"):
        info = np.iinfo(dtype)
        if kind == "wide":
            a = rng.integers(max(info.min, -2 ** 40), min(info.max, 2 ** 40), n, dtype=np.int64, endpoint=True)
            a[rng.random(n) < 0.2] = info.max
            a[rng.random(n) < 0.2] = info.min
        else:
            a = rng.integers(-4 if info.min < 0 else 0, 5, n)
        return a.astype(dtype).reshape(shape)
    if kind == "ties":
        a = rng.integers(-2, 3, n).astype(np.float64)
    else:
        a = rng.normal(0.0, 2.0 if kind != "wide" else 1e3, n)
    if kind == "special":
        big = {"float16": 6.0e4, "float32": 3.0e38, "float64": 1.0e300}[dtype]
        tiny = {"float16": 1e-7, "float32": 1e-40, "float64": 1e-310}[dtype]
        specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, big, -big, tiny, -tiny, 1.0, -1.0])
        m = rng.random(n) < 0.35
        a[m] = rng.choice(specials, int(m.sum()))
    return a.astype(dtype).reshape(shape)


def _shape(draw, max_dims=3):
    nd = draw(st.integers(0, max_dims), label="ndim")
    return tuple(draw(st.sampled_from(_SIZES)) for _ in range(nd))


def _lib_tensor(L, arr):
    return L.from_numpy(np.array(arr, copy=True))


class Input:
    """One program input: values, the layout it is presented in, and whether its base leaf requires grad."""

    def __init__(self, draw, shape=None, dtype=None, grad=None):
        self.shape = _shape(draw) if shape is None else shape
        self.dtype = draw(st.sampled_from(DTYPES), label="dtype") if dtype is None else dtype
        self.values = _values(draw, self.shape, self.dtype)
        nd = len(self.shape)
        layouts = ["contiguous"] + (["transposed", "strided"] if nd >= 1 else []) + (["expanded"] if nd >= 1 else [])
        self.layout = draw(st.sampled_from(layouts), label="layout")
        if self.layout == "transposed":
            self.perm = tuple(draw(st.permutations(range(nd))))
        if self.layout == "strided":
            self.axis = draw(st.integers(0, nd - 1))
        if self.layout == "expanded":
            self.axis = draw(st.integers(0, nd - 1))
            self.values = np.take(self.values, [0] * self.shape[self.axis], axis=self.axis) if self.shape[self.axis] \
                else self.values
        want_grad = self.dtype in FLOATS and draw(st.booleans(), label="requires_grad")
        self.grad = want_grad if grad is None else (grad and self.dtype in FLOATS)

    def build(self, L):
        """(the tensor the program sees, the leaf whose gradient is compared or None)."""
        v = self.values
        if self.layout == "contiguous":
            leaf = _lib_tensor(L, v)
            make = lambda b: b  # noqa: E731
        elif self.layout == "transposed":
            inv = np.argsort(self.perm)
            leaf = _lib_tensor(L, np.ascontiguousarray(v.transpose(self.perm)))
            make = lambda b: b.permute(*[int(i) for i in inv])  # noqa: E731
        elif self.layout == "strided":
            ax = self.axis
            big = np.repeat(v, 2, axis=ax)
            leaf = _lib_tensor(L, big)
            sl = [slice(None)] * v.ndim
            sl[ax] = slice(None, None, 2)
            make = lambda b: b[tuple(sl)]  # noqa: E731
        else:  # expanded: a size-1 dim broadcast to the full size (stride 0)
            ax = self.axis
            one = np.take(v, [0], axis=ax) if v.shape[ax] else np.take(np.zeros((1,) + v.shape[:ax] + v.shape[ax + 1:],
                                                                               v.dtype).reshape(
                [1 if i == ax else s for i, s in enumerate(v.shape)]), [0], axis=ax)
            leaf = _lib_tensor(L, one)
            make = lambda b: b.expand(*v.shape)  # noqa: E731
        if self.grad:
            leaf.requires_grad_(True)
        return make(leaf), (leaf if self.grad else None)

    def __repr__(self):
        return f"Input({self.dtype}{list(self.shape)}, {self.layout}, grad={self.grad})"


def _operand(draw, shape, env, allow_scalar=True, dtype=None):
    """A second operand for a binary op: a Python scalar, or a tensor whose shape broadcasts with ``shape``."""
    if allow_scalar and dtype is None and draw(st.integers(0, 3), label="scalar?") == 0:
        kind = draw(st.sampled_from(["int", "float", "bool", "special"]))
        return {"int": lambda: draw(st.integers(-3, 3)), "float": lambda: draw(st.sampled_from([0.5, -1.5, 2.0, 0.0])),
                "bool": lambda: draw(st.booleans()),
                "special": lambda: draw(st.sampled_from([math.inf, -math.inf, math.nan, -0.0]))}[kind]()
    how = draw(st.sampled_from(["same", "same", "broadcast", "prefix", "mismatch"]), label="operand shape")
    s = list(shape)
    if how == "broadcast":
        s = [1 if draw(st.booleans()) else d for d in s]
        s = s[draw(st.integers(0, len(s))):]
    elif how == "prefix":
        s = [draw(st.sampled_from([1, 2]))] + s
    elif how == "mismatch" and s:
        i = draw(st.integers(0, len(s) - 1))
        s[i] = s[i] + 1
    inp = Input(draw, tuple(s), dtype)
    env.append(inp)
    return _Ref(len(env) - 1)


class _Ref:
    """A reference to an extra program input, resolved per library at run time."""

    def __init__(self, i):
        self.i = i

    def __repr__(self):
        return f"in{self.i}"


def _resolve(a, tensors):
    if isinstance(a, _Ref):
        return tensors[a.i]
    if isinstance(a, tuple):
        return tuple(_resolve(x, tensors) for x in a)
    if isinstance(a, list):
        return [_resolve(x, tensors) for x in a]
    if isinstance(a, dict):
        return {k: _resolve(v, tensors) for k, v in a.items()}
    return a


def _dim(draw, nd, allow_none=False):
    """A dim for a tensor of ``nd`` dims: mostly valid (negative too), rarely out of range."""
    opts = list(range(-max(nd, 1), max(nd, 1)))
    if allow_none:
        opts.append(None)
    if draw(st.integers(0, 19), label="bad dim?") == 0:
        return max(nd, 1) + draw(st.integers(0, 1))
    return draw(st.sampled_from(opts))


def _dtype_arg(draw):
    return draw(st.sampled_from(DTYPES))


# ------------------------------------------------------------------------------------------------ the op table
# each entry: name -> gen(draw, shape, dtype, env) returning (description, call(L, x, tensors))
OPS = {}


def op(*names):
    def deco(fn):
        for n in names:
            OPS[n] = (lambda n_: (lambda draw, shape, dtype, env: fn(n_, draw, shape, dtype, env)))(n)
        return fn
    return deco


def _call(fname, *args, method=False, ns=None, **kw):
    def run(L, x, T):
        a, k = _resolve(args, T), _resolve(kw, T)
        if method:
            return getattr(x, fname)(*a, **k)
        mod = L if ns is None else _ns(L, ns)
        return getattr(mod, fname)(x, *a, **k)
    return run


def _ns(L, ns):
    m = L
    for part in ns.split("."):
        m = getattr(m, part)
    return m


_UNARY = """abs neg exp log log1p expm1 sqrt rsqrt sin cos tan tanh sigmoid relu floor ceil trunc round sign sgn
erf erfc erfinv frac reciprocal square asin acos atan sinh cosh asinh acosh atanh exp2 log2 log10 logit nan_to_num
isnan isinf isfinite isposinf isneginf signbit logical_not bitwise_not deg2rad rad2deg positive""".split()
_INPLACE_UNARY = set("""abs neg exp log log1p expm1 sqrt rsqrt sin cos tan tanh sigmoid relu floor ceil trunc round
sign erf frac reciprocal square asin acos atan sinh cosh logit nan_to_num erfinv""".split())


@op(*_UNARY)
def _unary(name, draw, shape, dtype, env):
    mode = draw(st.sampled_from(["fn", "fn", "method", "inplace", "out"]), label="form")
    if mode == "inplace" and name in _INPLACE_UNARY:
        return f"x.{name}_()", _call(name + "_", method=True)
    if mode == "out" and name not in ("positive", "isnan", "isinf", "isfinite", "signbit", "isposinf", "isneginf"):
        odt = draw(st.sampled_from([dtype, "float32", "int64", "bool"]))
        return f"torch.{name}(x, out=empty({odt}))", _out_call(name, (), odt, shape, draw)
    if name == "round" and draw(st.booleans()):
        d = draw(st.integers(-1, 2))
        return f"x.round(decimals={d})", _call("round", decimals=d)
    return f"torch.{name}(x)", _call(name)


def _out_call(name, args, odt, shape, draw, ns=None):
    oshape = shape if draw(st.integers(0, 3)) else (0,)

    def run(L, x, T):
        out = L.zeros(oshape, dtype=getattr(L, odt))
        f = getattr(L if ns is None else _ns(L, ns), name)
        r = f(x, *_resolve(args, T), out=out)
        assert r is out
        return r
    return run


_BINARY = """add sub mul div true_divide floor_divide remainder fmod pow atan2 maximum minimum fmax fmin eq ne lt le gt
ge logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor xlogy logaddexp hypot copysign heaviside gcd
lcm logaddexp2 ldexp float_power nextafter special.xlog1py""".split()
_INPLACE_BINARY = set("""add sub mul div true_divide floor_divide remainder fmod pow atan2 maximum minimum hypot copysign
heaviside gcd lcm ldexp float_power nextafter xlogy""".split())
_TENSOR_ONLY = ("maximum", "minimum", "fmax", "fmin", "atan2", "logaddexp", "xlogy", "hypot", "heaviside", "gcd", "lcm",
                "logaddexp2", "ldexp", "nextafter")


@op(*_BINARY)
def _binary(name, draw, shape, dtype, env):
    y = _operand(draw, shape, env, allow_scalar=name not in _TENSOR_ONLY or draw(st.integers(0, 19)) == 0)
    mode = draw(st.sampled_from(["fn", "fn", "method", "inplace", "out", "alpha", "rounding"]), label="form")
    if name.startswith("special."):
        if mode == "out" and isinstance(y, _Ref):
            odt = draw(st.sampled_from([dtype, "float32", "int64"]))
            return f"torch.{name}(x, {y}, out=empty({odt}))", _out_call(name[8:], (y,), odt, shape, draw,
                                                                         ns="special")
        return f"torch.{name}(x, {y})", _call(name[8:], y, ns="special")
    if mode == "inplace" and name in _INPLACE_BINARY:
        return f"x.{name}_({y})", _call(name + "_", y, method=True)
    if mode == "out" and isinstance(y, _Ref):
        odt = draw(st.sampled_from([dtype, "float32", "int64", "bool"]))
        return f"torch.{name}(x, {y}, out=empty({odt}))", _out_call(name, (y,), odt, shape, draw)
    if mode == "alpha" and name in ("add", "sub"):
        a = draw(st.sampled_from([2, -1, 0.5, True]))
        return f"torch.{name}(x, {y}, alpha={a})", _call(name, y, alpha=a)
    if mode == "rounding" and name == "div":
        rm = draw(st.sampled_from(["trunc", "floor", None]))
        return f"torch.div(x, {y}, rounding_mode={rm})", _call("div", y, rounding_mode=rm)
    return f"torch.{name}(x, {y})", _call(name, y)


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "&": operator.and_, "|": operator.or_,
              "^": operator.xor, "<": operator.lt, "==": operator.eq, ">=": operator.ge, "@": operator.matmul}


@op("operator")
def _operator(name, draw, shape, dtype, env):
    sym = draw(st.sampled_from(sorted(_OPERATORS)))
    y = _operand(draw, shape, env, allow_scalar=sym != "@")
    f = _OPERATORS[sym]
    if isinstance(y, _Ref) and draw(st.booleans()):
        return f"x {sym}= {y}", lambda L, x, T: _iop(sym, x, _resolve(y, T))
    if not isinstance(y, _Ref) and draw(st.booleans()):
        return f"{y} {sym} x", lambda L, x, T: f(y, x)
    return f"x {sym} {y}", lambda L, x, T: f(x, _resolve(y, T))


def _iop(sym, x, y):
    f = {"+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
         "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow, "&": operator.iand, "|": operator.ior,
         "^": operator.ixor}.get(sym)
    if f is None:
        return _OPERATORS[sym](x, y)
    return f(x, y)


_REDUCE = "sum mean prod amax amin nansum nanmean logsumexp var std all any count_nonzero norm".split()


@op(*_REDUCE)
def _reduce(name, draw, shape, dtype, env):
    nd = len(shape)
    form = draw(st.sampled_from(["all", "dim", "dims"]), label="reduce form")
    kw = {}
    if form == "all" and name not in ("logsumexp",):
        args = ()
    elif form == "dims" and nd >= 2 and name not in ("count_nonzero",):
        k = draw(st.integers(1, nd))
        args = (tuple(draw(st.permutations(range(nd)))[:k]),)
    else:
        args = (_dim(draw, nd),)
    if args and name not in ("count_nonzero",) and draw(st.booleans()):
        kw["keepdim"] = True
    if name in ("var", "std") and draw(st.booleans()):
        kw["correction"] = draw(st.sampled_from([0, 1, 2]))
    if name in ("sum", "mean", "prod", "nansum", "nanmean") and draw(st.integers(0, 3)) == 0:
        kw["dtype"] = getattr(torch, draw(st.sampled_from(["float64", "int64", "float32"])))
        kw["dtype"] = str(kw["dtype"]).split(".")[1]
    if name == "norm" and draw(st.booleans()):
        kw["p"] = draw(st.sampled_from([1, 2, 3, math.inf, -math.inf, 0, 0.5]))
    desc = f"torch.{name}(x, {args}, {kw})"

    def run(L, x, T):
        k = dict(kw)
        if "dtype" in k:
            k["dtype"] = getattr(L, k["dtype"])
        if name == "norm" and args:
            return L.norm(x, k.pop("p", "fro"), args[0], **k)
        return getattr(L, name)(x, *args, **k)
    return desc, run


@op("max_dim", "min_dim", "median_dim", "argmax", "argmin", "kthvalue", "mode_free_median", "nanmedian")
def _index_reduce(name, draw, shape, dtype, env):
    nd = len(shape)
    d = _dim(draw, nd, allow_none=name in ("argmax", "argmin"))
    keep = draw(st.booleans())
    part = draw(st.sampled_from(["values", "indices"]))
    if name in ("argmax", "argmin"):
        return f"torch.{name}(x, {d}, keepdim={keep})", _call(name, d, keepdim=keep)
    if name == "mode_free_median":
        return "torch.median(x)", _call("median")
    if name == "nanmedian":
        if draw(st.booleans()):
            return "torch.nanmedian(x)", _call("nanmedian")
        return f"torch.nanmedian(x, {d}, {keep}).{part}", lambda L, x, T: getattr(L.nanmedian(x, d, keep), part)
    if name == "kthvalue":
        k = draw(st.integers(1, 3))
        return f"torch.kthvalue(x, {k}, {d}, {keep}).{part}", \
            lambda L, x, T: getattr(L.kthvalue(x, k, d, keep), part)
    fn = name[:-4]
    return f"torch.{fn}(x, {d}, keepdim={keep}).{part}", lambda L, x, T: getattr(getattr(L, fn)(x, d, keep), part)


@op("cumsum", "cumprod", "softmax", "log_softmax", "softmin", "normalize", "logcumsumexp", "cummax", "cummin")
def _along_dim(name, draw, shape, dtype, env):
    d = _dim(draw, len(shape))
    if name in ("logcumsumexp", "cummax", "cummin"):
        if name == "logcumsumexp":
            return f"torch.logcumsumexp(x, {d})", _call(name, d)
        part = draw(st.sampled_from(["values", "indices"]))
        return f"torch.{name}(x, {d}).{part}", lambda L, x, T: getattr(getattr(L, name)(x, d), part)
    kw = {}
    if name != "normalize" and draw(st.integers(0, 3)) == 0:
        kw["dtype"] = draw(st.sampled_from(["float64", "float32", "int64"]))
    if name in ("softmin", "normalize"):
        ns = "nn.functional"
    else:
        ns = None

    def run(L, x, T):
        k = dict(kw)
        if "dtype" in k:
            k["dtype"] = getattr(L, k["dtype"])
        f = getattr(_ns(L, ns) if ns else L, name)
        if name == "normalize":
            return f(x, dim=d)
        return f(x, d, **k)
    return f"{name}(x, {d}, {kw})", run


@op("sort", "argsort", "topk")
def _sorting(name, draw, shape, dtype, env):
    d = _dim(draw, len(shape))
    desc_ = draw(st.booleans())
    if name == "sort":
        stable = draw(st.booleans())
        return f"torch.sort(x, {d}, descending={desc_}, stable={stable}).values", \
            lambda L, x, T: L.sort(x, dim=d, descending=desc_, stable=stable).values
    if name == "argsort":
        # only stable argsort has a defined answer with ties
        return f"torch.argsort(x, {d}, descending={desc_}, stable=True)", \
            lambda L, x, T: L.argsort(x, dim=d, descending=desc_, stable=True)
    k = draw(st.integers(0, 3))
    return f"torch.topk(x, {k}, {d}, largest={desc_}).values", \
        lambda L, x, T: L.topk(x, k, dim=d, largest=desc_).values


@op("reshape", "view", "flatten", "ravel", "permute", "transpose", "t", "mT", "squeeze", "unsqueeze", "narrow",
    "select", "expand", "movedim", "diagonal", "flip", "roll", "repeat", "tile", "tril", "triu", "contiguous",
    "clone", "chunk", "split", "unbind", "unflatten", "diff")
def _shape_ops(name, draw, shape, dtype, env):
    nd = len(shape)
    n = int(np.prod(shape)) if shape else 1
    if name in ("reshape", "view"):
        divs = [d for d in range(1, n + 1) if n % d == 0] or [1]
        a = draw(st.sampled_from(divs))
        tgt = draw(st.sampled_from([(-1,), (a, -1), (-1, a, 1), (n,), (a + 1, -1), ()]))
        return f"x.{name}{tgt}", _call(name, *tgt, method=True)
    if name == "flatten":
        s, e = _dim(draw, nd), _dim(draw, nd)
        return f"x.flatten({s}, {e})", _call("flatten", s, e, method=True)
    if name == "ravel":
        return "x.ravel()", _call("ravel", method=True)
    if name == "permute":
        p = list(draw(st.permutations(range(nd))))
        if p and draw(st.integers(0, 9)) == 0:
            p[0] = -1 if len(p) > 1 and p[-1] != nd - 1 else p[0]
        return f"x.permute({p})", _call("permute", *p, method=True)
    if name in ("transpose", "movedim"):
        a, b = _dim(draw, nd), _dim(draw, nd)
        if name == "transpose" and draw(st.booleans()):
            return f"x.transpose_({a}, {b})", _call("transpose_", a, b, method=True)
        return f"x.{name}({a}, {b})", _call(name, a, b, method=True)
    if name == "t":
        return "x.t()", _call("t", method=True)
    if name == "mT":
        return "x.mT", lambda L, x, T: x.mT
    if name == "squeeze":
        d = _dim(draw, nd, allow_none=True)
        return f"x.squeeze({d})", (_call("squeeze", d, method=True) if d is not None else _call("squeeze",
                                                                                               method=True))
    if name == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return f"x.unsqueeze({d})", _call("unsqueeze", d, method=True)
    if name == "narrow":
        d = _dim(draw, nd)
        s, ln = draw(st.integers(-2, 3)), draw(st.integers(0, 3))
        return f"x.narrow({d}, {s}, {ln})", _call("narrow", d, s, ln, method=True)
    if name == "select":
        d = _dim(draw, nd)
        i = draw(st.integers(-3, 3))
        return f"x.select({d}, {i})", _call("select", d, i, method=True)
    if name == "expand":
        tgt = [draw(st.sampled_from([-1, 2, s])) if s == 1 else draw(st.sampled_from([-1, s, s, s + 1])) for s in shape]
        if draw(st.booleans()):
            tgt = [2] + tgt
        return f"x.expand({tgt})", _call("expand", *tgt, method=True)
    if name == "diagonal":
        o = draw(st.integers(-2, 2))
        a, b = _dim(draw, nd), _dim(draw, nd)
        return f"x.diagonal({o}, {a}, {b})", _call("diagonal", o, a, b, method=True)
    if name == "flip":
        ds = tuple(sorted(set(draw(st.lists(st.integers(-nd, max(nd - 1, 0)), max_size=3)))))
        return f"x.flip({ds})", _call("flip", ds, method=True)
    if name == "roll":
        s = draw(st.integers(-5, 5))
        d = _dim(draw, nd, allow_none=True)
        return f"x.roll({s}, {d})", _call("roll", s, d, method=True)
    if name in ("repeat", "tile"):
        reps = [draw(st.sampled_from([1, 2, 0])) for _ in range(draw(st.integers(max(nd - 1, 0) if name == "tile"
                                                                                else nd, nd + 1)))]
        return f"x.{name}({reps})", _call(name, reps, method=True)
    if name in ("tril", "triu"):
        k = draw(st.integers(-2, 2))
        if draw(st.booleans()):
            return f"x.{name}_({k})", _call(name + "_", k, method=True)
        return f"x.{name}({k})", _call(name, k, method=True)
    if name in ("contiguous", "clone"):
        return f"x.{name}()", _call(name, method=True)
    if name in ("chunk", "split"):
        k = draw(st.integers(1, 3))
        d = _dim(draw, nd)
        pick = draw(st.sampled_from([0, -1]))
        return f"x.{name}({k}, {d})[{pick}]", lambda L, x, T: getattr(x, name)(k, d)[pick]
    if name == "unbind":
        d = _dim(draw, nd)
        return f"x.unbind({d})[0]", lambda L, x, T: x.unbind(d)[0]
    if name == "unflatten":
        d = _dim(draw, nd)
        sz = draw(st.sampled_from([(-1, 1), (1, -1), (2, -1), (-1,)]))
        return f"x.unflatten({d}, {sz})", _call("unflatten", d, sz, method=True)
    d = _dim(draw, nd)
    k = draw(st.integers(1, 2))
    if draw(st.booleans()):
        s = list(shape)
        if s and -nd <= d < nd:
            s[d] = draw(st.sampled_from([0, 1, 2]))
        extra = Input(draw, tuple(s), draw(st.sampled_from([dtype, dtype, "float32", "int64"])))
        env.append(extra)
        ei = len(env) - 1
        where = draw(st.sampled_from(["prepend", "append"]))
        return f"x.diff({k}, {d}, {where}=in{ei})", lambda L, x, T: x.diff(k, d, **{where: T[ei]})
    return f"x.diff({k}, {d})", _call("diff", k, d, method=True)


@op("getitem", "setitem")
def _indexing(name, draw, shape, dtype, env):
    nd = len(shape)
    idx = []
    for s in shape[:draw(st.integers(0, nd))]:
        kind = draw(st.sampled_from(["slice", "step", "int", "none", "all", "tensor"]))
        if kind == "slice":
            idx.append(slice(draw(st.integers(-3, 3)), draw(st.sampled_from([None, -1, 2, 5]))))
        elif kind == "step":
            idx.append(slice(None, None, draw(st.integers(1, 3))))
        elif kind == "int":  # rarely out of range
            lo = -s - 1 if draw(st.integers(0, 9)) == 0 else -max(s, 1)
            idx.append(draw(st.integers(lo, max(s - 1, 0))))
        elif kind == "none":
            idx.append(None)
        elif kind == "tensor":
            idx.append([draw(st.integers(-max(s, 1), max(s - 1, 0))) for _ in range(draw(st.integers(0, 3)))])
        else:
            idx.append(slice(None))
    if draw(st.integers(0, 4)) == 0:
        idx.insert(draw(st.integers(0, len(idx))), Ellipsis)
    mask = None
    if draw(st.integers(0, 5)) == 0:
        env.append(Input(draw, tuple(shape), "bool", grad=False))
        mask = len(env) - 1
    key_desc = f"in{mask}(mask)" if mask is not None else repr(tuple(idx))

    def key(L, T):
        if mask is not None:
            return T[mask]
        return tuple(L.tensor(i, dtype=L.int64) if isinstance(i, list) else i for i in idx)
    if name == "getitem":
        return f"x[{key_desc}]", lambda L, x, T: x[key(L, T)]
    val = draw(st.sampled_from([0, 1.5, -1, True, math.nan]))

    def setit(L, x, T):
        x[key(L, T)] = val
        return x
    return f"x[{key_desc}] = {val}", setit


@op("where", "masked_fill", "clamp", "lerp", "addcmul", "addcdiv")
def _select_ops(name, draw, shape, dtype, env):
    if name == "where":
        c = Input(draw, tuple(shape), "bool", grad=False)
        env.append(c)
        ci = len(env) - 1
        y = _operand(draw, shape, env)
        return f"torch.where(in{ci}, x, {y})", lambda L, x, T: L.where(T[ci], x, _resolve(y, T))
    if name == "masked_fill":
        c = Input(draw, tuple(shape), "bool", grad=False)
        env.append(c)
        ci = len(env) - 1
        v = draw(st.sampled_from([0, -1.5, math.inf, math.nan, True, 3]))
        if draw(st.booleans()):
            return f"x.masked_fill_(in{ci}, {v})", lambda L, x, T: x.masked_fill_(T[ci], v)
        return f"x.masked_fill(in{ci}, {v})", lambda L, x, T: x.masked_fill(T[ci], v)
    if name == "clamp":
        kind = draw(st.sampled_from(["scalars", "min", "max", "tensors"]))
        if kind == "tensors":
            lo, hi = _operand(draw, shape, env, allow_scalar=False), _operand(draw, shape, env, allow_scalar=False)
        else:
            lo = draw(st.sampled_from([-1, 0.5, -math.inf, 0])) if kind != "max" else None
            hi = draw(st.sampled_from([1, 2.5, math.nan, 0])) if kind != "min" else None
        if draw(st.booleans()):
            return f"x.clamp_({lo}, {hi})", lambda L, x, T: x.clamp_(_resolve(lo, T), _resolve(hi, T))
        return f"torch.clamp(x, {lo}, {hi})", lambda L, x, T: L.clamp(x, _resolve(lo, T), _resolve(hi, T))
    y = _operand(draw, shape, env, allow_scalar=False)
    if name == "lerp":
        w = draw(st.sampled_from([0.25, 1.5, "tensor"]))
        if w == "tensor":
            w = _operand(draw, shape, env, allow_scalar=False)
        return f"torch.lerp(x, {y}, {w})", lambda L, x, T: L.lerp(x, _resolve(y, T), _resolve(w, T))
    z = _operand(draw, shape, env, allow_scalar=False)
    v = draw(st.sampled_from([1, 0.5, -2]))
    return f"torch.{name}(x, {y}, {z}, value={v})", \
        lambda L, x, T: getattr(L, name)(x, _resolve(y, T), _resolve(z, T), value=v)


@op("matmul", "mm", "bmm", "mv", "dot", "outer", "einsum")
def _products(name, draw, shape, dtype, env):
    nd = len(shape)
    k = shape[-1] if nd else 1
    if draw(st.integers(0, 9)) == 0:
        k += 1  # a mismatched inner dimension
    m = draw(st.sampled_from([1, 2, 3]))
    dt = draw(st.sampled_from([dtype, dtype, "float32", "float64"]))
    if name in ("matmul", "mm"):
        oshape = draw(st.sampled_from([(k,), (k, m), (2, k, m), (1, k, m)])) if name == "matmul" else (k, m)
        y = Input(draw, oshape, dt)
    elif name == "bmm":
        y = Input(draw, (shape[0] if nd else 1, k, m), dt)
    elif name in ("mv", "dot"):
        y = Input(draw, (k,), dt)
    elif name == "outer":
        y = Input(draw, (m,), dt)
    else:
        y = Input(draw, (k, m), dt)
    env.append(y)
    yi = len(env) - 1
    if name == "einsum":
        sub = "".join("abc"[:max(nd - 1, 0)])
        eq = f"{sub}i,ij->{sub}j" if nd else "i,ij->j"
        return f"torch.einsum('{eq}', x, in{yi})", lambda L, x, T: L.einsum(eq, x, T[yi])
    return f"torch.{name}(x, in{yi})", lambda L, x, T: getattr(L, name)(x, T[yi])


@op("cat", "stack")
def _joining(name, draw, shape, dtype, env):
    nd = len(shape)
    d = _dim(draw, nd + (name == "stack"))
    s = list(shape)
    if name == "cat" and s and draw(st.booleans()):
        ax = d if -nd <= d < nd else 0
        s[ax] = draw(st.sampled_from([0, 1, 2]))
    dt = draw(st.sampled_from([dtype, dtype, "float32", "int64", "bool"]))
    y = Input(draw, tuple(s), dt)
    env.append(y)
    yi = len(env) - 1
    return f"torch.{name}([x, in{yi}], {d})", lambda L, x, T: getattr(L, name)([x, T[yi]], d)


@op("to", "type_as_float", "half", "long", "bool_", "double")
def _casts(name, draw, shape, dtype, env):
    if name == "to":
        dt = _dtype_arg(draw)
        return f"x.to({dt})", lambda L, x, T: x.to(getattr(L, dt))
    m = {"type_as_float": "float", "half": "half", "long": "long", "bool_": "bool", "double": "double"}[name]
    return f"x.{m}()", _call(m, method=True)


_ACTS = {"relu": {}, "gelu": {"approximate": ["none", "tanh"]}, "silu": {}, "elu": {"alpha": [1.0, 0.5]},
         "leaky_relu": {"negative_slope": [0.01, 0.2]}, "softplus": {"beta": [1.0, 2.0], "threshold": [20.0, 1.0]},
         "mish": {}, "hardswish": {}, "hardsigmoid": {}, "hardtanh": {"min_val": [-1.0, -0.5]}, "relu6": {},
         "selu": {}, "celu": {"alpha": [1.0, 2.0]}, "logsigmoid": {}, "softsign": {}, "tanhshrink": {},
         "softshrink": {"lambd": [0.5, 1.0]}, "hardshrink": {"lambd": [0.5, 0.0]}, "glu": {"dim": [-1, 0]},
         "threshold": {}}
_ACT_INPLACE = {"relu", "elu", "leaky_relu", "hardtanh", "relu6", "selu", "celu", "silu", "mish", "hardswish",
                "hardsigmoid", "threshold"}


@op(*["F." + a for a in _ACTS])
def _activation(name, draw, shape, dtype, env):
    a = name[2:]
    kw = {k: draw(st.sampled_from(v)) for k, v in _ACTS[a].items()}
    args = (0.5, -2.0) if a == "threshold" else ()
    if a in _ACT_INPLACE and draw(st.integers(0, 3)) == 0:
        kw["inplace"] = True
    return f"F.{a}(x, {args}, {kw})", lambda L, x, T: getattr(L.nn.functional, a)(x, *args, **kw)


_LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy_with_logits",
           "binary_cross_entropy", "soft_margin_loss", "kl_div", "poisson_nll_loss", "cross_entropy", "nll_loss",
           "cosine_similarity"]


@op(*["loss." + n for n in _LOSSES])
def _loss(name, draw, shape, dtype, env):
    n = name[5:]
    red = draw(st.sampled_from(["mean", "sum", "none"]))
    F = "nn.functional"
    if n in ("cross_entropy", "nll_loss"):
        nd = len(shape)
        c = shape[1] if nd >= 2 else (shape[0] if nd == 1 else 1)
        tshape = (shape[0],) + tuple(shape[2:]) if nd >= 2 else ()
        seed = draw(st.integers(0, 2 ** 31))
        t = np.random.default_rng(seed).integers(0, max(c, 1), tshape).astype(np.int64)
        if draw(st.integers(0, 9)) == 0 and t.size:
            t.reshape(-1)[0] = -100  # ignore_index
        kw = {"reduction": red}
        if n == "cross_entropy" and draw(st.booleans()):
            kw["label_smoothing"] = 0.1

        def run(L, x, T):
            return getattr(L.nn.functional, n)(x, _lib_tensor(L, t), **kw)
        return f"F.{n}(x, target{t.tolist()}, {kw})", run
    if n == "cosine_similarity":
        y = _operand(draw, shape, env, allow_scalar=False)
        d = _dim(draw, len(shape))
        return f"F.cosine_similarity(x, {y}, {d})", lambda L, x, T: L.nn.functional.cosine_similarity(
            x, _resolve(y, T), d)
    y = _operand(draw, shape, env, allow_scalar=False, dtype=draw(st.sampled_from([dtype, "float32"])))
    pre = (lambda L, v: L.sigmoid(v)) if n == "binary_cross_entropy" else (lambda L, v: v)
    kw = {"reduction": red}
    if n == "kl_div":
        kw["log_target"] = draw(st.booleans())
    if n in ("smooth_l1_loss",):
        kw["beta"] = draw(st.sampled_from([1.0, 0.5]))
    if n in ("huber_loss",):
        kw["delta"] = draw(st.sampled_from([1.0, 0.5]))

    def run(L, x, T):
        tgt = _resolve(y, T)
        if n in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "soft_margin_loss"):
            tgt = L.sigmoid(tgt) if tgt.dtype.is_floating_point else tgt
        return getattr(_ns(L, F), n)(pre(L, x), tgt, **kw)
    return f"F.{n}(x, {y}, {kw})", run


@op("misc.gather", "misc.index_select", "misc.masked_select", "misc.nonzero", "misc.trace", "misc.diag",
    "misc.repeat_interleave", "misc.scatter_add", "misc.take")
def _misc(name, draw, shape, dtype, env):
    n = name[5:]
    nd = len(shape)
    seed = draw(st.integers(0, 2 ** 31))
    rng = np.random.default_rng(seed)
    if n in ("gather", "scatter_add"):
        d = _dim(draw, nd)
        ax = d % nd if nd and -nd <= d < nd else 0
        ishape = [max(1, s + draw(st.sampled_from([0, 0, -1, 1]))) for s in shape]
        hi = shape[ax] if nd else 1
        idx = rng.integers(0, max(hi, 1), ishape).astype(np.int64)
        if n == "gather":
            return f"x.gather({d}, idx{ishape})", lambda L, x, T: x.gather(d, _lib_tensor(L, idx))
        src = Input(draw, tuple(ishape), dtype)
        env.append(src)
        si = len(env) - 1
        return f"x.scatter_add({d}, idx{ishape}, in{si})", \
            lambda L, x, T: x.scatter_add(d, _lib_tensor(L, idx), T[si])
    if n == "index_select":
        d = _dim(draw, nd)
        hi = shape[d % nd] if nd and -nd <= d < nd else 1
        idx = rng.integers(0, max(hi, 1), draw(st.integers(0, 4))).astype(np.int64)
        return f"x.index_select({d}, {idx.tolist()})", lambda L, x, T: x.index_select(d, _lib_tensor(L, idx))
    if n == "masked_select":
        m = Input(draw, tuple(shape), "bool", grad=False)
        env.append(m)
        mi = len(env) - 1
        return f"x.masked_select(in{mi})", lambda L, x, T: x.masked_select(T[mi])
    if n == "nonzero":
        return "x.nonzero()", _call("nonzero", method=True)
    if n == "take":
        size = int(np.prod(shape)) if shape else 1
        idx = rng.integers(-max(size, 1), max(size, 1), draw(st.integers(0, 4))).astype(np.int64)
        return f"x.take({idx.tolist()})", lambda L, x, T: x.take(_lib_tensor(L, idx))
    if n == "repeat_interleave":
        r = draw(st.integers(0, 3))
        d = _dim(draw, nd, allow_none=True)
        return f"x.repeat_interleave({r}, {d})", _call("repeat_interleave", r, d, method=True)
    return f"x.{n}()", _call(n, method=True)


@op("frexp", "kron", "block_diag", "cartesian_prod", "tensordot", "trapezoid", "cumulative_trapezoid", "histc",
    "bucketize", "searchsorted", "rot90", "diag_embed", "tril_indices", "take_along_dim")
def _numeric(name, draw, shape, dtype, env):
    nd = len(shape)
    if name == "frexp":
        part = draw(st.sampled_from(["mantissa", "exponent"]))
        return f"torch.frexp(x).{part}", lambda L, x, T: getattr(L.frexp(x), part)
    if name in ("kron", "block_diag", "cartesian_prod"):
        oshape = _shape(draw, 3 if name == "kron" else (2 if name == "block_diag" else 1))
        if name == "cartesian_prod" and draw(st.booleans()):
            oshape = (draw(st.sampled_from([1, 2, 3])),)
        y = Input(draw, oshape, draw(st.sampled_from([dtype, dtype, "float32", "int64"])))
        env.append(y)
        yi = len(env) - 1
        if name == "kron":
            return f"torch.kron(x, in{yi})", lambda L, x, T: L.kron(x, T[yi])
        return f"torch.{name}(x, in{yi})", lambda L, x, T: getattr(L, name)(x, T[yi])
    if name == "tensordot":
        k = draw(st.integers(0, min(nd, 2)))
        oshape = tuple(shape[nd - k:]) + _shape(draw, 1)
        if k and draw(st.integers(0, 9)) == 0:
            oshape = (oshape[0] + 1,) + oshape[1:]
        y = Input(draw, oshape, draw(st.sampled_from([dtype, dtype, "float32"])))
        env.append(y)
        yi = len(env) - 1
        return f"torch.tensordot(x, in{yi}, {k})", lambda L, x, T: L.tensordot(x, T[yi], k)
    if name in ("trapezoid", "cumulative_trapezoid"):
        d = _dim(draw, nd)
        how = draw(st.sampled_from(["plain", "dx", "x"]))
        if how == "dx":
            dx = draw(st.sampled_from([0.5, 2, -1.0]))
            return f"torch.{name}(x, dx={dx}, dim={d})", lambda L, x, T: getattr(L, name)(x, dx=dx, dim=d)
        if how == "x":
            n_ = shape[d] if nd and -nd <= d < nd else 1
            xs = Input(draw, (n_,) if draw(st.booleans()) else tuple(shape), draw(st.sampled_from([dtype, "float32"])))
            env.append(xs)
            xi = len(env) - 1
            return f"torch.{name}(x, in{xi}, dim={d})", lambda L, x, T: getattr(L, name)(x, T[xi], dim=d)
        return f"torch.{name}(x, dim={d})", lambda L, x, T: getattr(L, name)(x, dim=d)
    if name == "histc":
        bins = draw(st.sampled_from([1, 3, 5]))
        lo, hi = draw(st.sampled_from([(0, 0), (-1.0, 1.0), (0, 3), (2, 1)]))
        return f"torch.histc(x, {bins}, {lo}, {hi})", _call("histc", bins, lo, hi)
    if name in ("bucketize", "searchsorted"):
        right = draw(st.booleans())
        b = np.sort(np.random.default_rng(draw(st.integers(0, 2 ** 31))).integers(-3, 4, draw(st.integers(0, 5))))
        bdt = draw(st.sampled_from([dtype, "float32", "int64"]))
        b = b.astype(_np_dtype(bdt))
        out_int32 = draw(st.booleans())
        if name == "bucketize":
            return f"torch.bucketize(x, {b.tolist()}, right={right}, out_int32={out_int32})", \
                lambda L, x, T: L.bucketize(x, _lib_tensor(L, b), right=right, out_int32=out_int32)
        if draw(st.booleans()):   # x is the sorted sequence (sorted along its last dim), values a 1-D probe
            return f"torch.searchsorted(x.sort().values, {b.tolist()}, right={right})", \
                lambda L, x, T: L.searchsorted(x.sort().values, _lib_tensor(L, b), right=right)
        return f"torch.searchsorted({b.tolist()}, x, right={right}, out_int32={out_int32})", \
            lambda L, x, T: L.searchsorted(_lib_tensor(L, b), x, right=right, out_int32=out_int32)
    if name == "rot90":
        k = draw(st.integers(-2, 3))
        dims = [_dim(draw, nd), _dim(draw, nd)]
        return f"torch.rot90(x, {k}, {dims})", _call("rot90", k, dims)
    if name == "diag_embed":
        o = draw(st.integers(-2, 2))
        a, b = _dim(draw, nd + 1), _dim(draw, nd + 1)
        return f"torch.diag_embed(x, {o}, {a}, {b})", _call("diag_embed", o, a, b)
    if name == "tril_indices":   # a creation op: its result replaces x
        r, c, o = draw(st.integers(0, 4)), draw(st.integers(0, 4)), draw(st.integers(-3, 3))
        which = draw(st.sampled_from(["tril_indices", "triu_indices"]))
        return f"torch.{which}({r}, {c}, {o})", lambda L, x, T: getattr(L, which)(r, c, o)
    # take_along_dim
    d = _dim(draw, nd, allow_none=True)
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 31)))
    if d is None:
        size = int(np.prod(shape)) if shape else 1
        idx = rng.integers(0, max(size, 1), draw(st.integers(0, 4))).astype(np.int64)
    else:
        ishape = [s if i != d % max(nd, 1) else draw(st.integers(0, 3)) for i, s in enumerate(shape)]
        hi = shape[d % nd] if nd and -nd <= d < nd else 1
        idx = rng.integers(-max(hi, 1), max(hi, 1), ishape).astype(np.int64)
    return f"torch.take_along_dim(x, idx{list(idx.shape)}, {d})", \
        lambda L, x, T: L.take_along_dim(x, _lib_tensor(L, idx), d)


@op("index_add", "index_copy", "index_fill", "scatter_reduce")
def _index_write(name, draw, shape, dtype, env):
    nd = len(shape)
    d = _dim(draw, nd)
    ax = d % nd if nd and -nd <= d < nd else 0
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 31)))
    hi = shape[ax] if nd else 1
    inplace = draw(st.integers(0, 2)) == 0
    fn = name + ("_" if inplace else "")
    if name == "scatter_reduce":
        ishape = [max(1, s + draw(st.sampled_from([0, 0, -1]))) for s in shape]
        idx = rng.integers(0, max(hi, 1), ishape).astype(np.int64)
        src = Input(draw, tuple(ishape), draw(st.sampled_from([dtype, dtype, "float32"])))
        env.append(src)
        si = len(env) - 1
        red = draw(st.sampled_from(["sum", "prod", "mean", "amax", "amin"]))
        inc = draw(st.booleans())
        return f"x.{fn}({d}, idx{ishape}, in{si}, {red!r}, include_self={inc})", \
            lambda L, x, T: getattr(x, fn)(d, _lib_tensor(L, idx), T[si], red, include_self=inc)
    n_idx = draw(st.integers(0, 3))
    idx = rng.integers(-max(hi, 1) if name == "index_fill" else 0, max(hi, 1), n_idx).astype(np.int64)
    if name == "index_copy":   # distinct indices: with repeats the copy order is unspecified
        idx = rng.permutation(max(hi, 1))[:n_idx].astype(np.int64)
    if name == "index_fill":
        v = draw(st.sampled_from([0, -1.5, math.inf, True, 3]))
        return f"x.{fn}({d}, {idx.tolist()}, {v})", lambda L, x, T: getattr(x, fn)(d, _lib_tensor(L, idx), v)
    sshape = list(shape)
    if nd:
        sshape[ax] = len(idx)
    src = Input(draw, tuple(sshape), draw(st.sampled_from([dtype, dtype, "float32"])))
    env.append(src)
    si = len(env) - 1
    if name == "index_add" and draw(st.booleans()):
        a = draw(st.sampled_from([2, -1, 0.5]))
        return f"x.{fn}({d}, {idx.tolist()}, in{si}, alpha={a})", \
            lambda L, x, T: getattr(x, fn)(d, _lib_tensor(L, idx), T[si], alpha=a)
    return f"x.{fn}({d}, {idx.tolist()}, in{si})", lambda L, x, T: getattr(x, fn)(d, _lib_tensor(L, idx), T[si])


# ----------------------------------------------------------------------------------------- running, comparing
def _run(fn, L, x, T):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with np.errstate(all="ignore"):
                return fn(L, x, T), None
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return None, e


_TOL = {"float16": (2e-2, 2e-2), "bfloat16": (5e-2, 5e-2), "float32": (2e-4, 1e-4), "float64": (1e-7, 1e-9)}


def _holds_int_min(t):
    """Whether a signed-integer tensor holds its dtype's minimum."""
    if not isinstance(t, torch.Tensor) or t.dtype not in (torch.int8, torch.int16, torch.int32, torch.int64) \
            or t.numel() == 0:
        return False
    return bool((t == torch.iinfo(t.dtype).min).any())


def _np_of(t):
    # PyTorch returns some zero gradients as ZeroTensors (sgn's backward), which refuse a plain numpy() and crash
    # numpy(force=True) (a segfault in torch 2.13): read them as the zeros they stand for
    if isinstance(t, torch.Tensor):
        if t._is_zerotensor():
            return torch.zeros(tuple(t.shape), dtype=t.dtype).numpy()
        return t.detach().numpy(force=True)
    return t.detach()._data


# sums of floats: a summation order (NumPy's pairwise sum, PyTorch's cascade) is wrong by up to n * eps * sum|x|,
# not by a multiple of |result| -- under cancellation (1e8 + 1 - 1e8) the result can be anything in that band
_ADDITIVE = ("sum", "nansum", "mean", "nanmean")


def _finite_abs(name, x):
    """|x| over the finite values of a sum-like step's float input (None for other steps)."""
    if name not in _ADDITIVE or not x.dtype.is_floating_point or x.numel() == 0:
        return None
    v = np.abs(x.detach().double().numpy())
    return v[np.isfinite(v)]


def _sum_abs(name, x):
    """The scale of a sum-like step's rounding: sum |x| (a mean: max |x|) over the finite values of its input; 1.0
    for other steps."""
    v = _finite_abs(name, x)
    if v is None or not v.size:
        return 1.0
    return max(1.0, float(v.max() if name in ("mean", "nanmean") else v.sum()))


def _partial_sums_overflow(name, x):
    """Whether a sum-like step's partial sums can exceed its dtype (sum |finite x| beyond the largest float)."""
    v = _finite_abs(name, x)
    return v is not None and bool(v.sum() > torch.finfo(x.dtype).max)


def _compare(got, want, what, prog, grad=False, tol_from=None, min_scale=1.0):
    if isinstance(want, (bool, int, float)) or want is None:
        assert got == want or (isinstance(want, float) and math.isnan(want) and math.isnan(got)), \
            f"{what}: numtorch {got!r}, torch {want!r}\n{prog}"
        return
    assert isinstance(got, nt.Tensor), f"{what}: numtorch returned {type(got).__name__}\n{prog}"
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], \
        f"{what}: dtype numtorch {got.dtype}, torch {want.dtype}\n{prog}"
    assert tuple(got.shape) == tuple(want.shape), f"{what}: shape numtorch {tuple(got.shape)}, torch " \
                                                  f"{tuple(want.shape)}\n{prog}"
    g, w = np.asarray(_np_of(got)), np.asarray(_np_of(want))
    if w.dtype.kind in "biu":
        assert np.array_equal(g, w), f"{what}: values differ\nnumtorch {g}\ntorch    {w}\n{prog}"
        return
    g64, w64 = g.astype(np.float64), w.astype(np.float64)
    gn, wn = np.isnan(g64), np.isnan(w64)
    assert np.array_equal(gn, wn), f"{what}: NaN pattern differs\nnumtorch {g}\ntorch    {w}\n{prog}"
    fin = np.isfinite(w64)
    assert np.array_equal(np.isinf(g64), np.isinf(w64)) and np.array_equal(g64[~fin & ~wn], w64[~fin & ~wn]), \
        f"{what}: inf pattern differs\nnumtorch {g}\ntorch    {w}\n{prog}"
    rtol, atol = _TOL[str(w.dtype)]
    if tol_from in _TOL:   # a result computed from a less precise float carries that precision's rounding
        rtol, atol = max(rtol, _TOL[tol_from][0]), max(atol, _TOL[tol_from][1])
    if grad:   # a gradient is a chain of the forward's roundings: float16 compounds them
        rtol, atol = (rtol * 3, atol * 3) if str(w.dtype) == "float16" else (rtol, atol)
    scale = max(min_scale, float(np.abs(w64[fin]).max())) if fin.any() else min_scale
    ok = np.abs(g64[fin] - w64[fin]) <= atol * scale + rtol * np.abs(w64[fin])
    assert ok.all(), f"{what}: values differ (rtol {rtol}, atol {atol}*{scale:g})\nnumtorch {g}\ntorch    {w}\n{prog}"
    zeros = (w64 == 0) & (g64 == 0)
    assert np.array_equal(np.signbit(g64[zeros]), np.signbit(w64[zeros])), \
        f"{what}: sign of zero differs\nnumtorch {g}\ntorch    {w}\n{prog}"


def _same_exception(ge, we, what, prog):
    if we is None:
        assert ge is None, f"{what}: torch succeeds, numtorch raises {type(ge).__name__}: {ge}\n{prog}"
        return
    assert ge is not None, f"{what}: torch raises {type(we).__name__}: {we}; numtorch succeeds\n{prog}"
    assert isinstance(ge, type(we)), \
        f"{what}: torch raises {type(we).__name__}: {we}\nnumtorch raises {type(ge).__name__}: {ge}\n{prog}"


_LOSS_NAMES = ("loss.",)


def _msg(e):
    return "" if e is None else str(e)


# The known differences the fuzzer tolerates, each with its reason; docs/fuzzing.md lists the same table.
# A rule sees: op (table key), desc, dtype (of x), we/ge (torch's/numtorch's exception or None), mismatch (the
# comparison's message or None), special (an input holds inf/NaN), stage ("step" or "backward").
TOLERATED = [
    ("out-dtype-exact",
     "out= of a kind-preserving op (abs, neg, floor, sign, nan_to_num, ...) with a wider out dtype: PyTorch's "
     "structured kernels demand the exact result dtype, numtorch casts like every other out= (write_out)",
     lambda i: i["ge"] is None and (_msg(i["we"]).startswith("Found dtype") or "dtype of out" in _msg(i["we"]))),
    ("write-expanded",
     "writing into an expanded (stride-0) tensor with setitem/fill_/masked_fill_: PyTorch writes the shared "
     "memory, numtorch's expanded tensors are read-only NumPy broadcasts and it raises",
     lambda i: i["we"] is None and ("read-only" in _msg(i["ge"]) or "single memory location" in _msg(i["ge"]))),
    ("loss-integer-inputs",
     "losses given integer/bool inputs: PyTorch raises a variety of kernel errors (or computes l1 in integers); "
     "numtorch's losses compute in float or raise another class; losses are meant for float inputs",
     lambda i: i["op"].startswith(_LOSS_NAMES) and i["dtype"] not in FLOATS),
    ("argument-parsing",
     "a call PyTorch's argument parser rejects (missing or ill-typed arguments: x.reshape(), x.permute(), "
     "relu(x, out=)) raises TypeError there; numtorch's Python signature lets the call through to a check that "
     "raises RuntimeError/IndexError. Both refuse the call",
     lambda i: isinstance(i["we"], TypeError) and (i["ge"] is not None or "missing" in _msg(i["we"])
                                                   or "invalid combination" in _msg(i["we"]))),
    ("int-negative-power",
     "integer tensors raised to negative integer tensor exponents: PyTorch computes (1, -1 or 0), numtorch "
     "refuses as for a scalar exponent",
     lambda i: "negative integer powers" in _msg(i["ge"]) and i["we"] is None),
    ("legacy-empty-cat",
     "cat with a 1-D empty tensor: PyTorch skips such operands (a legacy rule, deprecated), numtorch checks dims",
     lambda i: i["op"] == "cat" and i["we"] is None and i["ge"] is not None),
    ("empty-integer-median",
     "median of an empty integer tensor: PyTorch returns an arbitrary value, numtorch cannot form NaN in an integer",
     lambda i: i["op"] in ("mode_free_median", "median_dim", "nanmedian") and i["we"] is None
     and i["dtype"] not in FLOATS),
    ("inplace-version-check",
     "an in-place op on a tensor saved for backward: PyTorch's version counter catches more cases; where numtorch "
     "keeps a snapshot it computes the gradient (of the saved value) instead of raising",
     lambda i: i["stage"] == "backward" and "modified by an inplace operation" in _msg(i["we"]) and i["ge"] is None),
    ("activation-zero-sign",
     "the sign of a zero result of elu/celu/selu/gelu/softshrink at x = -0 (PyTorch keeps -0 through some "
     "vectorised branches, numtorch's formula gives +0)",
     lambda i: i["op"].startswith("F.") and (i["mismatch"] or "").split(":")[-1].strip().startswith("sign of zero")),
    ("gradient-zero-sign",
     "the sign of a zero gradient: numtorch's backward formulas multiply by 0/1 masks (g * 0 is -0 for a negative "
     "g) where PyTorch's kernels select; the values are equal",
     lambda i: i["stage"] == "backward" and (i["mismatch"] or "").endswith("sign of zero differs")),
    ("loss-error-class",
     "losses on malformed inputs (0-d inputs to cross_entropy, a target that requires grad in soft_margin_loss, "
     "mixed float dtypes, where the lower-precision input's gradient comes back in the wider dtype): both refuse or "
     "compute, with a different class or dtype; found by the fuzzer and left to the owner of nn/functional/_loss",
     lambda i: i["op"].startswith(_LOSS_NAMES)
     or i["stage"] == "backward" and any(o.startswith(_LOSS_NAMES) for o in i["ops"])
     and (i["mismatch"] or "").split(":")[-1].strip().startswith("dtype")),
    ("median-tie-index",
     "median/kthvalue/topk indices among tied values: PyTorch returns an unspecified one of them (its selection "
     "algorithm's), numtorch the first in a stable sort; the values agree, so the gradient goes to another of the "
     "tied elements, and of a tied -0 and +0 another sign may be returned",
     lambda i: i["op"] in ("median_dim", "kthvalue") and "indices" in i["desc"] and i["we"] is None
     and "values differ" in (i["mismatch"] or "")
     or i["stage"] == "backward" and any(o in ("median_dim", "kthvalue") for o in i["ops"])
     and "values differ" in (i["mismatch"] or "")
     or i["op"] in ("topk", "sort") and i["stage"] == "backward" and "values differ" in (i["mismatch"] or "")
     or i["op"] in ("sort", "topk") and "stable=True" not in i["desc"] and i["stage"] == "step"
     and (i["mismatch"] or "").endswith("sign of zero differs")
     or i["op"] in ("mode_free_median", "median_dim", "nanmedian", "kthvalue") and i["stage"] == "step"
     and (i["mismatch"] or "").endswith("sign of zero differs")),
    ("special-gradients",
     "gradients where an input or an intermediate result is inf/NaN: both give a non-finite gradient, but inf*0 "
     "vs 0*inf orders in the backward formulas decide NaN against inf",
     lambda i: i["stage"] == "backward" and i["special"] and "pattern differs" in (i["mismatch"] or "")),
    ("torch-backward-kernel-error",
     "PyTorch's own backward fails where numtorch computes the gradient: nll_loss's backward on a permuted "
     "(non-contiguous) input (\"grad_input must be contiguous\"), clamp with bounds that broadcast an empty "
     "result to a larger shape, addcdiv with a bool or integer divisor (it forms a gradient for that operand and "
     "cannot cast it back), addcdiv's "
     "divisor gradient formed as value * tensor1 in tensor1's integer dtype (wrapping: -2 * 7 is 242 in uint8)",
     lambda i: i["stage"] == "backward" and i["ge"] is None and (
         "grad_input must be contiguous" in _msg(i["we"])
         or "clamp" in i["ops"] and "doesn't match the broadcast shape" in _msg(i["we"])
         or "addcdiv" in i["ops"] and "can't be cast to the desired output type" in _msg(i["we"])
         or "addcdiv" in i["ops"] and i["we"] is None and "values differ" in (i["mismatch"] or ""))),
    ("take-along-dim-view",
     "take_along_dim(x, idx, None) of a non-contiguous x: PyTorch flattens with view() and refuses; numtorch "
     "flattens with reshape (as PyTorch's documentation describes the op)",
     lambda i: i["op"] == "take_along_dim" and i["ge"] is None and "view size is not compatible" in _msg(i["we"])),
    ("product-zero-sign",
     "the sign of a zero result of a product with a contraction of length 1 (einsum, matmul): PyTorch multiplies "
     "(-0 * y keeps -0), numtorch's BLAS sums the products starting from +0; the values are equal",
     lambda i: i["op"] in ("einsum", "matmul", "mm", "bmm", "mv", "dot", "tensordot", "operator@")
     and (i["mismatch"] or "").endswith("sign of zero differs")),
    ("nan-sign-bit",
     "signbit of a NaN: the sign bit of a NaN produced by an invalid operation (asin(2), inf - inf) is the "
     "platform's (x86 SSE gives -NaN in PyTorch's kernels, NumPy's loops may give +NaN)",
     lambda i: i["op"] == "signbit" and i["special"] and "values differ" in (i["mismatch"] or "")),
    ("empty-matmul-dtypes",
     "matmul/bmm/einsum of operands of different dtypes that are empty: "
     "PyTorch skips its dtype check when no product kernel runs (it multiplies with promotion instead), numtorch "
     "checks; where numtorch then computes, the gradient of the lower-precision leaf comes back in the wider dtype",
     lambda i: i["op"] in ("matmul", "operator", "einsum", "bmm") and i["we"] is None and "dtype" in _msg(i["ge"])
     or "expected scalar type" in _msg(i["ge"]) and i["op"] in ("einsum", "bmm") and i["we"] is None
     or i["stage"] == "backward" and ("einsum" in i["ops"] or "matmul" in i["ops"])
     and (i["mismatch"] or "").split(":")[-1].strip().startswith("dtype")
     # seed 18: an einsum with an empty operand returns zeros in one operand's dtype (float32 for float64[3,3,0]
     # with float32[0,1]); numtorch promotes
     or i["op"] == "einsum" and i["stage"] == "step" and i.get("empty") and "dtype" in (i["mismatch"] or "")),
    ("kron-view",
     "kron of a non-contiguous input (transposed, strided): PyTorch's product follows the input's memory layout and "
     "its final view() refuses that layout; numtorch computes the Kronecker product (as PyTorch documents it)",
     lambda i: i["op"] == "kron" and i["ge"] is None and "view size is not compatible" in _msg(i["we"])),
    ("ldexp-integer-exponent-grad",
     "the gradient of ldexp(x, e) for an integer exponent e < 0: PyTorch's derivative forms 2 ** e in the integer "
     "dtype, which is 0, so its gradient is 0 there; numtorch gives 2 ** e",
     lambda i: i["stage"] == "backward" and "ldexp" in i["ops"] and "values differ" in (i["mismatch"] or "")),
    ("block-diag-empty-grad",
     "the gradient through block_diag with a 1-D empty operand: PyTorch's forward places it as a 1x0 block (one row) "
     "but its backward takes it as no row, so it reads later operands' gradients from the rows above theirs; "
     "numtorch's gradient is the derivative of its (and PyTorch's) forward",
     lambda i: i["stage"] == "backward" and "block_diag" in i["ops"] and "values differ" in (i["mismatch"] or "")),
    ("float-to-int-cast-of-rounding",
     "a cast to an integer dtype of a float computed by an earlier step: the float agrees within its tolerance, "
     "but a one-rounding difference (of a huge value, or at .5) becomes an exact integer difference",
     lambda i: i["op"] in ("to", "long", "bool_") and i["dtype"] in FLOATS and len(i["ops"]) > 1
     and "values differ" in (i["mismatch"] or "")),
    ("xlogy-gradient-precision",
     "the gradient of xlogy/xlog1py(x, y) with respect to x when y has a lower float precision than the result: "
     "PyTorch evaluates log(y)/log1p(y) in y's dtype, numtorch in the result's",
     lambda i: i["stage"] == "backward" and ("xlogy" in i["ops"] or "special.xlog1py" in i["ops"])
     and "values differ" in (i["mismatch"] or "")),
    ("product-overflow-order",
     "products whose terms overflow (huge values, inf): the order of BLAS's accumulation decides whether inf + -inf "
     "(NaN) or inf is formed, and PyTorch's and NumPy's BLAS sum in different orders",
     lambda i: i["op"] in ("einsum", "matmul", "mm", "bmm", "mv", "dot", "tensordot", "operator@", "kron", "outer")
     and i["special"] and "pattern differs" in (i["mismatch"] or "")),
    ("searchsorted-nan",
     "searchsorted/bucketize with NaN in the sorted sequence (or as a value): PyTorch's binary search compares "
     "with NaN (always false) and lands elsewhere than NumPy's, which orders NaN last",
     lambda i: i["op"] in ("searchsorted", "bucketize") and i["special"] and "values differ" in (i["mismatch"] or "")),
    ("hardswish-nan-gradient",
     "hardswish's gradient at a NaN input: PyTorch's vectorized and scalar backward loops disagree (NaN in one, the "
     "upper branch's gradient in the other, depending on the element's position and dtype), numtorch gives 0",
     lambda i: i["stage"] == "backward" and i["special"] and "F.hardswish" in i["ops"]),
    ("hardtanh-nan-gradient",
     "hardtanh/relu6/hardshrink/softshrink's gradient at a NaN input: PyTorch's scalar backward loop passes the "
     "gradient (NaN is not "
     "outside the bounds), its vectorized loop (tensors of 16 elements or more) gives 0; numtorch follows the "
     "scalar loop, which the fuzzer's small tensors take",
     lambda i: i["stage"] == "backward" and i["special"] and any(
         o in i["ops"] for o in ("F.hardtanh", "F.relu6", "F.hardshrink", "F.softshrink"))),
    ("nanmedian-all-nan-index",
     "the index nanmedian/median returns for a slice that is all NaN: PyTorch's comes from where its "
     "std::nth_element leaves the NaNs (index 6 of 8, 8 of 13, ...), numtorch returns the first",
     lambda i: i["op"] in ("nanmedian", "median") and i["special"] and "values differ" in (i["mismatch"] or "")
     and ".indices" in i["desc"] and i["dtype"] in FLOATS),
    ("minmax-zero-sign-loop",
     "maximum/minimum of +0 and -0 (a tie): PyTorch's vectorized loop and its scalar loop for the tail return "
     "different zeros, so the sign depends on the element's position; numtorch returns NumPy's",
     lambda i: i["op"] in ("maximum", "minimum") and "sign of zero" in (i["mismatch"] or "")),
    ("torch-zerotensor-immutable",
     "PyTorch's backward raises its internal \"ZeroTensors are immutable\" error (a zero gradient it represents "
     "lazily met an in-place step of its own backward formula, e.g. sgn after std of a 0-d tensor); numtorch "
     "computes the gradient",
     lambda i: i["stage"] == "backward" and i["ge"] is None and "ZeroTensors are immutable" in _msg(i["we"])),
    ("signbit-after-loss",
     "signbit of a loss value that agrees within tolerance but not in sign (a denormal logit: numtorch's cross_entropy "
     "with label smoothing gives -1e-310 where PyTorch gives 0); the losses belong to nn/functional/_loss",
     lambda i: i["op"] == "signbit" and any(o.startswith(_LOSS_NAMES) for o in i["ops"])
     and "values differ" in (i["mismatch"] or "")),
    ("median-expanded-dim",
     "median/nanmedian(x, dim) along a dim that x is expanded over (stride 0): PyTorch's kernel reads wrong values (0 or "
     "garbage, where every element of the slice is the same number); numtorch returns that number",
     lambda i: i["op"] in ("median_dim", "nanmedian") and i["expanded"] and i["stage"] == "step" and i["we"] is None
     and ("values differ" in (i["mismatch"] or "") or "pattern differs" in (i["mismatch"] or ""))),
    ("atan2-integer-gradient",
     "the gradient of atan2 with an integer operand: both evaluate the derivative y / (x^2 + y^2) partly in the "
     "integer dtype, where x * x wraps, and group it differently (PyTorch's and numtorch's results are both "
     "artefacts of the wrap)",
     lambda i: i["stage"] == "backward" and "atan2" in i["ops"] and "values differ" in (i["mismatch"] or "")),
    ("inplace-cast-gradient-precision",
     "the gradient with respect to a wider operand (float64) of an in-place binary op on a float16/float32 tensor: "
     "the result is cast into the narrower dtype, and PyTorch's derivative reads the result before that cast, "
     "numtorch's after it (a rounding of the narrower dtype)",
     lambda i: i["stage"] == "backward" and i["op"] in _INPLACE_BINARY and f".{i['op']}_(" in i.get("last", "")
     and i["dtype"] in ("float16", "float32") and "values differ" in (i["mismatch"] or "")),
    ("ldexp-0d-float-exponent",
     "ldexp(x, e) with a 0-d float exponent of another float dtype than x: PyTorch forms 2**e in a precision that "
     "depends on the pair (float64 for a float64 x, the exponent's own float16 for a float32 x, float for a float16 "
     "x with a bfloat16 e); numtorch forms it in the result dtype. The values differ in the last bits of x's dtype, or "
     "PyTorch's float16 2**e overflows to inf (e >= 16)",
     lambda i: i["op"] == "ldexp" and i["stage"] == "step"
     and ("values differ" in (i["mismatch"] or "") or "inf pattern" in (i["mismatch"] or ""))
     and any(d in FLOATS and nd == 0 and d != i["dtype"] for d, nd in i.get("extra", ()))),
    ("torch-internal-assert",
     "PyTorch fails its own internal assertion (\"INTERNAL ASSERT FAILED ... please report a bug to PyTorch\", e.g. "
     "\"unknown ivalue tag\" in repeat_interleave's backward after a reflected pow); numtorch computes. PyTorch's bug",
     lambda i: i["ge"] is None and "INTERNAL ASSERT FAILED" in _msg(i["we"])),
    ("discontinuous-op-of-rounding",
     "frac/floor/ceil/trunc/round/fmod/remainder of a float computed by an earlier step: the float agrees within its "
     "tolerance, but a one-ulp difference (PyTorch's float32 sqrt/sin/... are not correctly rounded, NumPy's are) "
     "crosses a step of the function (frac(434691904) is 0, frac(434691872) is 0)",
     lambda i: i["op"] in ("frac", "floor", "ceil", "trunc", "round", "fmod", "remainder") and i["stage"] == "step"
     and len(i["ops"]) > 1 and i["dtype"] in FLOATS and "values differ" in (i["mismatch"] or "")),
    ("inplace-floor-divide-edges",
     "x.floor_divide_(y) (and x //= y) with a divisor that requires grad: PyTorch's not-implemented node for the "
     "in-place form links only to x's history, so a backward that reaches it from y alone passes (y gets no "
     "gradient); numtorch's node links to both and raises PyTorch's \"derivative for aten::floor_divide is not "
     "implemented\" as the out-of-place form does",
     lambda i: i["stage"] == "backward" and i["we"] is None
     and "derivative for aten::floor_divide is not implemented" in _msg(i["ge"])),
    ("sum-overflow-order",
     "sum/nansum/mean/nanmean of floats whose partial sums overflow (sum |x| beyond the dtype's largest value): "
     "whether inf, -inf or NaN (inf + -inf) comes out depends on the summation order, which differs between NumPy's "
     "pairwise sum and PyTorch's cascade",
     lambda i: i["op"] in _ADDITIVE and i.get("overflow") and "pattern differs" in (i["mismatch"] or "")),
    ("float32-hyperbolic-overflow",
     "float32 sinh/cosh near the overflow edge (|x| between 88.7 and 89.4): PyTorch's vectorized (SLEEF) kernels "
     "overflow to inf where the result still fits float32 (cosh(89.1) is 2.6e38), numtorch's do not",
     lambda i: i["op"] in ("sinh", "cosh") and i["dtype"] == "float32" and "inf pattern" in (i["mismatch"] or "")),
    ("index-into-empty-dim",
     "index_add/index_copy/index_fill along a dim of size 0 with an index that cannot exist: PyTorch does not check "
     "the index there (index_add succeeds, index_copy/index_fill fail in setStorage), numtorch reports the index as "
     "out of bounds (IndexError)",
     lambda i: i["op"] in ("index_add", "index_copy", "index_fill") and "is out of bounds for axis" in _msg(i["ge"])
     and (i["we"] is None or "setStorage" in _msg(i["we"]))),
]


def _tolerated(**info):
    """The id of the known difference ``info`` is, or None."""
    for rule_id, _reason, pred in TOLERATED:
        try:
            if pred(info):
                return rule_id
        except Exception:  # noqa: BLE001 - a rule that does not apply
            continue
    return None


@fuzz_settings()
@given(st.data())
def test_differential_programs(data):
    run_program(data.draw)


def run_program(draw):
    """Draw one program and run it on both libraries, asserting agreement at every step and for the gradients."""
    for L in (torch, nt):   # every program from the same global state (the long-run driver runs thousands in a row)
        L.set_default_dtype(L.float32)
        L.set_grad_enabled(True)
        L.manual_seed(0)
    env = [Input(draw)]
    prog = [repr(env[0])]
    trees = {}
    for L in (torch, nt):
        trees[L] = [env[0].build(L)]
    cur = {L: trees[L][0][0] for L in (torch, nt)}
    n_ops = draw(st.integers(1, 4), label="ops")
    special = False
    ops_so_far = []
    least = None   # the least precise float the chain computed in (a gradient carries its rounding too)
    names = sorted(OPS)
    for step in range(n_ops):
        xt = cur[torch]
        shape, dtype = tuple(xt.shape), str(xt.dtype).split(".")[-1]
        name = draw(st.sampled_from(names), label=f"op{step}")
        n_env = len(env)
        desc, fn = OPS[name](draw, shape, dtype, env)
        for L in (torch, nt):
            trees[L] += [inp.build(L) for inp in env[n_env:]]
        prog.append(f"  {desc}    # x: {dtype}{list(shape)}; extra inputs {env[1:]}")
        program = "program:\n" + "\n".join(prog)
        note(program)
        T = {L: [t for t, _ in trees[L]] for L in (torch, nt)}
        special = special or any(inp.dtype in FLOATS and not np.isfinite(inp.values.astype(np.float64)).all()
                                 for inp in env)
        if name in ("gcd", "lcm") and any(_holds_int_min(t) for t in [cur[torch]] + T[torch]):
            reject()   # PyTorch's Euclid loop forms INT_MIN % -1 there: a SIGFPE that kills the process
        rt, we = _run(fn, torch, cur[torch], T[torch])
        rn, ge = _run(fn, nt, cur[nt], T[nt])
        ops_so_far.append(name)
        info = dict(op=name, desc=desc, dtype=dtype, we=we, ge=ge, mismatch=None, special=special, stage="step",
                    overflow=_partial_sums_overflow(name, xt),
                    extra=[(inp.dtype, len(inp.shape)) for inp in env[n_env:]],
                    ops=tuple(ops_so_far), expanded=any(inp.layout == "expanded" for inp in env),
                    empty=0 in shape or any(0 in tuple(t.shape) for t in T[torch]))
        try:
            _same_exception(ge, we, f"step {step} ({desc})", program)
            if we is not None:
                return
            # a value computed from a less precise float anywhere earlier in the chain carries its rounding
            tol_from = max((d for d in (dtype, least) if d in _TOL), key=lambda d: _TOL[d][0], default=dtype)
            _compare(rn, rt, f"step {step} ({desc})", program, tol_from=tol_from, min_scale=_sum_abs(name, xt))
        except AssertionError as e:
            info["mismatch"] = str(e).split("\n")[0]
            if _tolerated(**info):
                note(f"tolerated: {_tolerated(**info)}")
                return
            e.fuzz_info = info   # read by tests/fuzz/_fuzz_driver.py to classify the mismatch
            raise
        if not isinstance(rt, torch.Tensor):
            return
        for d in (dtype, str(rt.dtype).split(".")[-1]):
            if d in _TOL and (least is None or _TOL[d][0] > _TOL[least][0]):
                least = d
        if rt.dtype.is_floating_point and not bool(torch.isfinite(rt.detach()).all()):
            special = True   # later steps and the gradients see inf/NaN
        cur = {torch: rt, nt: rn}
    # gradients of sum(out * w) with respect to every float leaf that requires grad
    out_t, out_n = cur[torch], cur[nt]
    leaves_t = [lf for _, lf in trees[torch] if lf is not None]
    leaves_n = [lf for _, lf in trees[nt] if lf is not None]
    if not (out_t.requires_grad and leaves_t):
        assert not out_n.requires_grad or not leaves_n, f"numtorch output requires grad, torch's does not\n{program}"
        return
    assert out_n.requires_grad, f"torch output requires grad, numtorch's does not\n{program}"
    w = np.random.default_rng(draw(st.integers(0, 2 ** 31), label="w seed")).normal(size=tuple(out_t.shape))
    w = w.astype(_np_of(out_t).dtype)

    def grads(L, out, leaves):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return L.autograd.grad((out * _lib_tensor(L, w)).sum(), leaves, allow_unused=True)
    gt, we = _run(lambda L, x, T: grads(L, out_t, leaves_t), torch, None, None)
    gn, ge = _run(lambda L, x, T: grads(L, out_n, leaves_n), nt, None, None)
    info = dict(op=name, desc="backward", dtype=dtype, we=we, ge=ge, mismatch=None, special=special,
                stage="backward", ops=tuple(ops_so_far), last=desc,
                expanded=any(inp.layout == "expanded" for inp in env))
    try:
        _same_exception(ge, we, "backward", program)
        if we is not None:
            return
        for i, (a, b) in enumerate(zip(gn, gt)):
            if b is None:
                assert a is None or not np.any(_np_of(a)), f"grad {i}: torch None, numtorch {a}\n{program}"
                continue
            if a is None:
                assert not np.any(_np_of(b)), f"grad {i}: torch {b}, numtorch None\n{program}"
                continue
            _compare(a, b, f"grad of leaf {i}", program, grad=True, tol_from=least)
    except AssertionError as e:
        info["mismatch"] = str(e).split("\n")[0]
        if _tolerated(**info):
            note(f"tolerated: {_tolerated(**info)}")
            return
        e.fuzz_info = info
        raise


def test_op_table_is_broad():
    """The table covers the families the fuzzer promises (a guard against it silently shrinking)."""
    fams = {"unary": "exp", "binary": "add", "operator": "operator", "reduction": "sum", "index reduction": "max_dim",
            "views": "permute", "indexing": "getitem", "softmax": "log_softmax", "matmul": "matmul", "cat": "cat",
            "where": "where", "cumsum": "cumsum", "sort": "sort", "topk": "topk", "clamp": "clamp",
            "activation": "F.gelu", "loss": "loss.cross_entropy", "casts": "to"}
    missing = [f for f, n in fams.items() if n not in OPS]
    assert not missing and len(OPS) >= 150, (missing, len(OPS))


def test_tolerated_differences_are_documented():
    """Every tolerance rule is listed, with its reason, in docs/fuzzing.md."""
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "fuzzing.md")
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    missing = [rule_id for rule_id, _reason, _pred in TOLERATED if f"`{rule_id}`" not in doc]
    assert not missing, f"rules missing from docs/fuzzing.md: {missing}"
