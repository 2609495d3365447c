"""``torch.ops`` and ``torch.library``: numtorch's operator namespaces against PyTorch's in the same process (values,
dtypes, gradients, schemas, reprs, error classes and messages), and both served to a script by ``numtorch run``."""
import functools
import os
import subprocess
import sys
import textwrap
from typing import Optional, Sequence

import numpy as np
import pytest

import numtorch as nt
import numtorch.library as ntlib
import numtorch.ops as ntops
from conftest import torch, to_torch, assert_close

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
R = np.random.default_rng(0)


def _arr(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, shape).astype(np.float32)


X = _arr(2, 3)
Y = _arr(2, 3)
S = _arr(3, 4)
B3 = _arr(2, 3, 4)
B4 = _arr(2, 4, 5)
IMG = _arr(1, 2, 6, 6)
W = _arr(3, 2, 3, 3)
WT = _arr(2, 3, 3, 3)
POS = _arr(2, 3, lo=0.5, hi=3.0)
V2, V2B, V3, V4, V4B = _arr(2), _arr(2), _arr(3), _arr(4), _arr(4)
W53, C31 = _arr(5, 3), _arr(3, 1)
_BIG = _arr(1, 8, 2, 3)
IDX = np.array([[0, 2, 1], [1, 0, 2]], dtype=np.int64)
MASK = np.array([[True, False, True], [False, False, True]])

# (aten path, builder(lib, T) -> (args, kwargs)); T turns a NumPy array into a tensor of ``lib``
CASES = [
    ("add.Tensor", lambda L, T: ((T(X), T(Y)), {"alpha": 2})),
    ("add.Scalar", lambda L, T: ((T(X), 3), {})),
    ("add", lambda L, T: ((T(X), 2.5), {})),
    ("add", lambda L, T: ((T(IDX), 2), {})),
    ("add", lambda L, T: ((T(IDX), 0.5), {})),
    ("sub.Tensor", lambda L, T: ((T(X), T(Y)), {"alpha": 0.5})),
    ("mul.Tensor", lambda L, T: ((T(X), T(Y)), {})),
    ("mul.Scalar", lambda L, T: ((T(IDX), 3), {})),
    ("div.Tensor", lambda L, T: ((T(X), T(POS)), {})),
    ("div.Tensor_mode", lambda L, T: ((T(X), T(POS)), {"rounding_mode": "floor"})),
    ("div.Tensor", lambda L, T: ((T(IDX), 2), {})),
    ("rsub.Scalar", lambda L, T: ((T(X), 1.0), {})),
    ("pow.Tensor_Scalar", lambda L, T: ((T(POS), 2), {})),
    ("pow.Scalar", lambda L, T: ((2.0, T(X)), {})),
    ("neg.default", lambda L, T: ((T(X),), {})),
    ("exp.default", lambda L, T: ((T(X),), {})),
    ("log.default", lambda L, T: ((T(POS),), {})),
    ("rsqrt.default", lambda L, T: ((T(POS),), {})),
    ("sigmoid.default", lambda L, T: ((T(X),), {})),
    ("tanh.default", lambda L, T: ((T(X),), {})),
    ("erf.default", lambda L, T: ((T(X),), {})),
    ("clamp.default", lambda L, T: ((T(X), -0.5, 0.5), {})),
    ("clamp_min.default", lambda L, T: ((T(X), 0.0), {})),
    ("where.self", lambda L, T: ((T(MASK), T(X), T(Y)), {})),
    ("maximum.default", lambda L, T: ((T(X), T(Y)), {})),
    ("eq.Scalar", lambda L, T: ((T(IDX), 1), {})),
    ("gt.Tensor", lambda L, T: ((T(X), T(Y)), {})),
    ("relu.default", lambda L, T: ((T(X),), {})),
    ("gelu.default", lambda L, T: ((T(X),), {"approximate": "tanh"})),
    ("silu.default", lambda L, T: ((T(X),), {})),
    ("hardtanh.default", lambda L, T: ((T(X), -0.5, 1.0), {})),
    ("leaky_relu.default", lambda L, T: ((T(X), 0.2), {})),
    ("elu.default", lambda L, T: ((T(X), 1.5, 2.0, 0.5), {})),
    ("softplus.default", lambda L, T: ((T(X), 2, 1), {})),
    ("_softmax.default", lambda L, T: ((T(X), 1, False), {})),
    ("_log_softmax.default", lambda L, T: ((T(X), 0, False), {})),
    ("softmax.int", lambda L, T: ((T(X), -1), {"dtype": L.float64})),
    ("native_layer_norm.default", lambda L, T: ((T(B3), [4], T(V4), T(V4B), 1e-5), {})),
    ("native_batch_norm.default", lambda L, T: ((T(IMG), T(V2), T(V2B), None, None, True, 0.1, 1e-5), {})),
    ("_native_batch_norm_legit_no_training.default", lambda L, T: (
        (T(IMG), None, None, T(V2), T(POS[0, :2].copy()), 0.1, 1e-5), {})),
    ("native_group_norm.default", lambda L, T: ((T(IMG), None, None, 1, 2, 36, 2, 1e-5), {})),
    ("layer_norm.default", lambda L, T: ((T(B3), [3, 4]), {})),
    ("convolution.default", lambda L, T: ((T(IMG), T(W), T(V3), [1, 1], [1, 1], [1, 1], False, [0, 0], 1), {})),
    ("convolution.default", lambda L, T: ((T(IMG), T(WT), None, [2, 2], [1, 1], [1, 1], True, [1, 1], 1), {})),
    ("conv2d.default", lambda L, T: ((T(IMG), T(W)), {"stride": [2, 2]})),
    ("linear.default", lambda L, T: ((T(S.T.copy()), T(W53)), {})),
    ("mm.default", lambda L, T: ((T(X), T(S)), {})),
    ("bmm.default", lambda L, T: ((T(B3), T(B4)), {})),
    ("addmm.default", lambda L, T: ((T(V4), T(X), T(S)), {"beta": 0.5, "alpha": 2})),
    ("matmul.default", lambda L, T: ((T(B3), T(V4)), {})),
    ("t.default", lambda L, T: ((T(X),), {})),
    ("transpose.int", lambda L, T: ((T(B3), 0, 2), {})),
    ("permute.default", lambda L, T: ((T(B3), [2, 0, 1]), {})),
    ("view.default", lambda L, T: ((T(B3), [6, -1]), {})),
    ("_unsafe_view.default", lambda L, T: ((T(B3), [4, 6]), {})),
    ("reshape.default", lambda L, T: ((T(B3), (24,)), {})),
    ("expand.default", lambda L, T: ((T(C31), [2, 3, 4]), {})),
    ("squeeze.dim", lambda L, T: ((T(C31), 1), {})),
    ("unsqueeze.default", lambda L, T: ((T(X), 0), {})),
    ("cat.default", lambda L, T: (([T(X), T(Y)], 1), {})),
    ("stack.default", lambda L, T: (([T(X), T(Y)],), {})),
    ("split.Tensor", lambda L, T: ((T(B3), 2, 2), {})),
    ("split_with_sizes.default", lambda L, T: ((T(B3), [1, 3], -1), {})),
    ("slice.Tensor", lambda L, T: ((T(B3), 2, 1, 9223372036854775807), {})),
    ("slice.Tensor", lambda L, T: ((T(B3), 1, 0, 3, 2), {})),
    ("select.int", lambda L, T: ((T(B3), 1, -1), {})),
    ("index.Tensor", lambda L, T: ((T(B3), [None, T(np.array([2, 0]))]), {})),
    ("clone.default", lambda L, T: ((T(X),), {})),
    ("_to_copy.default", lambda L, T: ((T(X),), {"dtype": L.float64})),
    ("embedding.default", lambda L, T: ((T(S), T(IDX)), {})),
    ("native_dropout.default", lambda L, T: ((T(X), 0.5, False), {})),
    ("sum.default", lambda L, T: ((T(B3),), {})),
    ("sum.dim_IntList", lambda L, T: ((T(B3), [0, 2], True), {})),
    ("sum.dim_IntList", lambda L, T: ((T(IDX), 1), {})),
    ("mean.dim", lambda L, T: ((T(B3), [-1]), {})),
    ("amax.default", lambda L, T: ((T(B3), [1]), {})),
    ("max.dim", lambda L, T: ((T(X), 1), {})),
    ("argmax.default", lambda L, T: ((T(X),), {"dim": 0})),
    ("var.correction", lambda L, T: ((T(B3), [1]), {"correction": 0, "keepdim": True})),
    ("logsumexp.default", lambda L, T: ((T(B3), [1]), {})),
    ("cumsum.default", lambda L, T: ((T(X), 1), {})),
    ("full.default", lambda L, T: (([2, 3], 1), {})),
    ("full.default", lambda L, T: (([2], 1.5), {"dtype": L.float64})),
    ("zeros.default", lambda L, T: (([2, 3],), {})),
    ("arange.start_step", lambda L, T: ((0, 5, 2), {})),
    ("arange.default", lambda L, T: ((4.0,), {})),
    ("scalar_tensor.default", lambda L, T: ((3,), {})),
    ("flatten.using_ints", lambda L, T: ((T(B3), 1), {})),
    ("gather.default", lambda L, T: ((T(X), 1, T(IDX)), {})),
    ("topk.default", lambda L, T: ((T(S), 2), {})),
    ("sort.default", lambda L, T: ((T(X),), {"descending": True})),
    ("masked_fill.Scalar", lambda L, T: ((T(X), T(MASK), -1.0), {})),
    ("constant_pad_nd.default", lambda L, T: ((T(X), [1, 2]), {"value": 0.5})),
    ("max_pool2d_with_indices.default", lambda L, T: ((T(IMG), [2, 2]), {})),
    ("avg_pool2d.default", lambda L, T: ((T(IMG), [3, 3], [2, 2], [1, 1]), {})),
    ("_adaptive_avg_pool2d.default", lambda L, T: ((T(IMG), [2, 3]), {})),
    ("mse_loss.default", lambda L, T: ((T(X), T(Y)), {})),
    ("mse_loss.default", lambda L, T: ((T(X), T(Y), 0), {})),
    ("sym_size.int", lambda L, T: ((T(B3), 2), {})),
    ("copy.default", lambda L, T: ((T(B3), T(IDX[0])[None, :].to(L.int64)[..., None].expand(2, 3, 4)), {})),
    ("tril.default", lambda L, T: ((T(S), 1), {})),
    ("repeat.default", lambda L, T: ((T(X), [2, 1]), {})),
    ("var_mean.correction", lambda L, T: ((T(B3), [0, 2]), {"correction": 1})),
    ("nll_loss.default", lambda L, T: ((T(X), T(IDX[:, 0].copy()), T(V3), 2), {})),
    ("cross_entropy_loss.default", lambda L, T: ((T(X), T(IDX[:, 1].copy())), {"label_smoothing": 0.1})),
    ("binary_cross_entropy_with_logits.default", lambda L, T: ((T(X), T(POS / 3), None, T(V3)), {})),
    ("binary_cross_entropy.default", lambda L, T: ((T(POS / 3.5), T(POS / 3), None, 0), {})),
    ("pixel_shuffle.default", lambda L, T: ((T(_BIG), 2), {})),
    ("diagonal.default", lambda L, T: ((T(B3), 1, 1, 2), {})),
    ("scatter_add.default", lambda L, T: ((T(X), 1, T(IDX), T(Y)), {})),
    ("index_add.default", lambda L, T: ((T(S), 0, T(np.array([2, 0])), T(_arr(2, 4, lo=0, hi=0) + 1)),
                                        {"alpha": 2})),
    ("index_put.default", lambda L, T: ((T(X), [T(np.array([1, 0]))], T(V3), True), {})),
    ("threshold.default", lambda L, T: ((T(X), 0.1, -5), {})),
    ("view_copy.default", lambda L, T: ((T(B3), [4, 6]), {})),
    ("permute_copy.default", lambda L, T: ((T(B3), [1, 2, 0]), {})),
    ("slice_copy.Tensor", lambda L, T: ((T(B3), -1, -3), {})),
    ("split_with_sizes_copy.default", lambda L, T: ((T(B3), [2, 1], 1), {})),
    ("new_full.default", lambda L, T: ((T(IDX), [3], 7), {})),
    ("new_zeros.default", lambda L, T: ((T(X), [2]), {"dtype": L.int32})),
    ("upsample_nearest2d.vec", lambda L, T: ((T(IMG), [9, 4], None), {})),
    ("upsample_nearest2d.vec", lambda L, T: ((T(IMG), None, [2.0, 1.5]), {})),
    ("upsample_bilinear2d.vec", lambda L, T: ((T(IMG), [9, 4], True, None), {})),
    ("upsample_bilinear2d.vec", lambda L, T: ((T(IMG), None, False, [0.5, 1.5]), {})),
    ("diag_embed.default", lambda L, T: ((T(X),), {})),
    ("adaptive_max_pool2d.default", lambda L, T: ((T(IMG), [2, 2]), {})),
    ("avg_pool1d.default", lambda L, T: ((T(B3), [2]), {})),
    ("outer.default", lambda L, T: ((T(V3), T(V4)), {})),
    ("cumprod.default", lambda L, T: ((T(X), 0), {})),
    ("linalg_vector_norm.default", lambda L, T: ((T(B3), 3, [1]), {})),
    ("argsort.stable", lambda L, T: ((T(np.array([3, 1, 3, 0, 1])),), {"stable": True})),
    ("erfinv.default", lambda L, T: ((T(POS / 4),), {})),
    ("sigmoid_.default", lambda L, T: ((T(X),), {})),
    ("add_.Scalar", lambda L, T: ((T(X), 2), {"alpha": 3})),
    ("clamp_.default", lambda L, T: ((T(X), None, 0.3), {})),
]


def test_random_factories_shape_dtype():
    for path, args, kwargs in (("rand.default", ([2, 3],), {}), ("randn.default", ([4],), {"dtype": "float64"}),
                               ("bernoulli.p", (np.zeros((2, 2), np.float32), 0.5), {})):
        outs = []
        for lib, ops in ((torch, torch.ops), (nt, ntops)):
            a = tuple(_lib_tensor(lib)(x) if isinstance(x, np.ndarray) else x for x in args)
            kw = {k: getattr(lib, v) for k, v in kwargs.items()}
            outs.append(_resolve(ops, path)(*a, **kw))
        assert tuple(outs[1].shape) == tuple(outs[0].shape) and str(outs[1].dtype) == str(outs[0].dtype)


def _lib_tensor(lib):
    if lib is torch:
        return lambda a: torch.from_numpy(np.array(a, copy=True))
    return lambda a: nt.from_numpy(np.array(a, copy=True))


def _resolve(ops, path):
    return functools.reduce(getattr, path.split("."), ops.aten)


def _compare(got, want):
    if isinstance(want, torch.Tensor):
        assert isinstance(got, nt.Tensor), type(got)
        assert_close(got, want, rtol=1e-4, atol=1e-5)
    elif isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            _compare(g, w)
    else:
        assert got == want and type(got) is type(want)


@pytest.mark.parametrize("path,make", CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_aten_ops_match_torch(path, make):
    args, kwargs = make(torch, _lib_tensor(torch))
    want = _resolve(torch.ops, path)(*args, **kwargs)
    args, kwargs = make(nt, _lib_tensor(nt))
    got = _resolve(ntops, path)(*args, **kwargs)
    _compare(got, want)


@pytest.mark.parametrize("path,make", [
    ("add.Tensor", lambda T: ((T(X), T(Y)), {"alpha": 3})),
    ("mm.default", lambda T: ((T(X), T(S)), {})),
    ("convolution.default", lambda T: ((T(IMG), T(W), T(V3), [1, 1], [0, 0], [1, 1], False, [0, 0], 1), {})),
    ("native_layer_norm.default", lambda T: ((T(B3), [4], T(V4), T(V4B), 1e-5), {})),
    ("_softmax.default", lambda T: ((T(X), 1, False), {})),
    ("expand.default", lambda T: ((T(C31), [2, 3, 4]), {})),
])
def test_aten_ops_gradients_match_torch(path, make):
    def run(lib, ops):
        ins = []

        def T(a):
            t = (torch.from_numpy if lib is torch else nt.from_numpy)(np.array(a, copy=True))
            t.requires_grad_(True)
            ins.append(t)
            return t
        args, kwargs = make(T)
        out = _resolve(ops, path)(*args, **kwargs)
        out = out[0] if isinstance(out, tuple) else out
        (out * out).sum().backward()
        return [t.grad for t in ins]
    for g, w in zip(run(nt, ntops), run(torch, torch.ops)):
        assert_close(g, w, rtol=1e-4, atol=1e-4)


def test_every_schema_is_torchs():
    """Each overload numtorch serves exists in torch with the same schema text, and ``overloads()`` keeps torch's
    order."""
    from numtorch.ops._overload import _REGISTRY
    n = 0
    for op, overloads in _REGISTRY["aten"].items():
        tp = getattr(torch.ops.aten, op)
        order = tp.overloads()
        names = list(overloads)
        assert names == sorted(names, key=order.index), op
        for ov, entry in overloads.items():
            assert str(entry.schema) == str(getattr(tp, ov)._schema)
            n += 1
    assert n > 150


def test_names_reprs_and_attributes():
    for ops in (torch.ops, ntops):
        p = ops.aten.add
        o = p.Tensor
        got = (repr(p), str(p), p.__name__, repr(o), str(o), o.__name__, o.name(), o.namespace, o._overloadname,
               str(o._schema), repr(ops.aten), str(ops.aten.relu.default), o.overloadpacket is p,
               ops.aten.add.Tensor is o, ops.aten.view.default.is_view, o.is_view, o.__module__,
               repr(ops.profiler._record_function_enter_new))
        if ops is torch.ops:
            want = got
    assert got == want
    import copy
    import pickle
    assert copy.deepcopy(ntops.aten.add.Tensor) is ntops.aten.add.Tensor
    assert pickle.loads(pickle.dumps(ntops.aten.add.Tensor)) is ntops.aten.add.Tensor
    assert pickle.loads(pickle.dumps(ntops.aten.add)) is ntops.aten.add
    assert "Tensor" in ntops.aten.add.overloads() and "default" in ntops.aten.relu.overloads()


def _err(fn):
    with pytest.raises(Exception) as e:
        fn()
    return e.type, str(e.value)


@pytest.mark.parametrize("call", [
    lambda ops, x: ops.aten.nonexistent_op,
    lambda ops, x: ops.aten.add.not_an_overload,
    lambda ops, x: ops.aten.add.Tensor(x),
    lambda ops, x: ops.aten.add.Tensor(x, x, 1),
    lambda ops, x: ops.aten.add.Tensor(x, x, foo=1),
    lambda ops, x: ops.aten.add.Tensor(x, x, other=x),
    lambda ops, x: ops.aten.sum.dim_IntList(x, [0], keepdim=True, dtype=None, foo=2),
    lambda ops, x: ops.aten.relu.default(x, foo=1),
    lambda ops, x: ops.aten.add.Scalar(x, x),
    lambda ops, x: ops.aten.add(x, "b"),
    lambda ops, x: ops.aten.view.default(x, [2.0, 3]),
    lambda ops, x: ops.aten.relu.default("a"),
    lambda ops, x: ops.aten.conv2d.default(x[None, None], x[None, None], None, 2),
    lambda ops, x: ops.aten.convolution.default(x[None, None], x[None, None], None, 1, [0], [1], False, [0], 1),
    lambda ops, x: ops.my_empty_namespace.some_op,
])
def test_errors_match_torch(call):
    """Same exception class; the message is torch's up to the cast details (which name C++ types in torch)."""
    tc, tm = _err(lambda: call(torch.ops, torch.ones(2, 3)))
    nc, nm = _err(lambda: call(ntops, nt.ones(2, 3)))
    assert nc is tc
    cut = lambda m: m.split("Cast error details")[0]  # noqa: E731
    assert cut(nm) == cut(tm)


def test_op_errors_come_from_the_function():
    """A kernel's own error (shapes) is numtorch's function's, with torch's class."""
    tc, _ = _err(lambda: torch.ops.aten.mm.default(torch.ones(2, 3), torch.ones(2, 3)))
    nc, nm = _err(lambda: ntops.aten.mm.default(nt.ones(2, 3), nt.ones(2, 3)))
    assert nc is tc and "2x3" in nm


def test_load_library_refuses_clearly():
    tc, _ = _err(lambda: torch.ops.load_library("/nonexistent/libops.so"))
    nc, nm = _err(lambda: ntops.load_library("/nonexistent/libops.so"))
    assert nc is tc is OSError
    assert "numtorch cannot load" in nm and "custom_op" in nm


def test_public_names_are_torchs():
    code = "import {m}.ops as o; print(','.join(n for n in dir(o) if not n.startswith('_')))"
    out = {}
    for m in ("torch", "numtorch"):
        r = subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True, text=True, cwd=ROOT,
                           env=dict(os.environ, PYTHONPATH=ROOT), timeout=300)
        assert r.returncode == 0, r.stderr
        out[m] = set(r.stdout.strip().splitlines()[-1].split(","))
    assert out["numtorch"] <= out["torch"], out["numtorch"] - out["torch"]
    assert {"aten", "profiler"} <= out["numtorch"]
    assert set(ntlib.__all__) <= set(torch.library.__all__)
    public = {n for n in dir(ntlib) if not n.startswith("_")}
    assert public <= set(dir(torch.library))


def test_profiler_record_function_ops():
    """``_record_function_enter_new`` / ``_exit`` (and the deprecated tensor-handle pair) open a range the
    profiler shows, as ``record_function`` does."""
    def names(lib, new):
        x = lib.ones(3)
        with lib.autograd.profiler.profile() as prof:
            h = (lib.ops.profiler._record_function_enter_new if new else lib.ops.profiler._record_function_enter)(
                "my_range")
            lib.relu(x)
            assert lib.ops.profiler._record_function_exit(h) is None
        return {e.key for e in prof.key_averages()}
    for new in (True, False):
        got, want = names(nt, new), names(torch, new)
        assert "my_range" in got and "my_range" in want
        assert "aten::relu" in got and "aten::relu" in want
    assert type(nt.ops.profiler._record_function_enter("r")) is nt.Tensor


def test_ops_in_fx_graphs_print_as_torch():
    """An operator as a call_function target prints and generates code as in PyTorch
    (``torch.ops.aten.relu.default(x)``) and runs."""
    def build(lib):
        g = lib.fx.Graph()
        x = g.placeholder("x")
        r = g.call_function(lib.ops.aten.relu.default, (x,))
        s = g.call_function(lib.ops.aten.add.Tensor, (r, x), {"alpha": 2})
        g.output(s)
        return lib.fx.GraphModule(lib.nn.Module(), g)
    import torch.fx  # noqa: F401
    tg, ng = build(torch), build(nt)
    assert ng.code == tg.code
    assert str(ng.graph) == str(tg.graph)
    assert_close(ng(nt.from_numpy(X.copy())), tg(torch.from_numpy(X.copy())))


# --- torch.library ------------------------------------------------------------------------------------------


def _define_ops(lib, L, ns):
    """The same custom ops defined with ``lib`` (torch.library or numtorch.library), tensors of ``L``."""
    Tensor = L.Tensor

    @lib.custom_op(f"{ns}::scale_shift", mutates_args=())
    def scale_shift(x: Tensor, scale: float, *, shift: float = 1.0) -> Tensor:
        return x * scale + shift

    def setup(ctx, inputs, keyword_only_inputs, output):
        ctx.scale = inputs[1]
        assert keyword_only_inputs["shift"] in (0.5, 1.0)

    def backward(ctx, g):
        return g * ctx.scale, None

    scale_shift.register_autograd(backward, setup_context=setup)

    @scale_shift.register_fake
    def _(x, scale, *, shift=1.0):
        return L.empty_like(x)

    @lib.custom_op(f"{ns}::opaque_sin", mutates_args=())
    def opaque_sin(x: Tensor) -> Tensor:
        return x.sin()

    @lib.custom_op(f"{ns}::add_into", mutates_args={"out"})
    def add_into(x: Tensor, out: Tensor) -> None:
        out.add_(x)

    @lib.custom_op(f"{ns}::two", mutates_args=())
    def two(x: Tensor, k: int = 2) -> tuple[Tensor, Tensor]:
        return x * k, x.sum(0)

    @lib.custom_op(f"{ns}::weighted_cat", mutates_args=())
    def weighted_cat(xs: list[Tensor], w: Tensor) -> Tensor:
        return L.cat(xs) * w

    def cat_backward(ctx, g):
        return [g[:2] * 2, g[2:] * 3], g * ctx.total

    def cat_setup(ctx, inputs, output):
        ctx.total = sum(float(x.sum()) for x in inputs[0])
    weighted_cat.register_autograd(cat_backward, setup_context=cat_setup)
    return scale_shift, opaque_sin, add_into, two, weighted_cat


@pytest.fixture(scope="module")
def custom_ops():
    return _define_ops(torch.library, torch, "ntt_lib"), _define_ops(ntlib, nt, "ntt_lib")


def test_custom_op_forward_backward_match_torch(custom_ops):
    (t_ss, t_sin, t_add, t_two, t_cat), (n_ss, n_sin, n_add, n_two, n_cat) = custom_ops
    tx, nx = torch.from_numpy(X.copy()).requires_grad_(), nt.from_numpy(X.copy()).requires_grad_()
    ty, ny = t_ss(tx, 3.0, shift=0.5), n_ss(nx, 3.0, shift=0.5)
    assert_close(ny, ty)
    assert type(ny.grad_fn).__name__ == type(ty.grad_fn).__name__
    (ty * ty).sum().backward()
    (ny * ny).sum().backward()
    assert_close(nx.grad, tx.grad)
    # through torch.ops as well, with the schema's keyword-only argument
    assert_close(nt.ops.ntt_lib.scale_shift.default(nx, 2.0), torch.ops.ntt_lib.scale_shift.default(tx, 2.0))
    assert str(nt.ops.ntt_lib.scale_shift.default._schema) == str(torch.ops.ntt_lib.scale_shift.default._schema)
    assert repr(n_ss) == repr(t_ss)
    # opaque without a formula: the forward runs, the backward raises torch's error
    tz, nz = t_sin(tx), n_sin(nx)
    assert_close(nz, tz)
    tc, tm = _err(lambda: tz.sum().backward())
    nc, nm = _err(lambda: nz.sum().backward())
    assert (nc, nm) == (tc, tm)
    # no gradient needed: plain result
    assert n_sin(nt.from_numpy(X.copy())).grad_fn is None
    # mutation, several returns
    to, no = torch.zeros(2, 3), nt.zeros(2, 3)
    assert t_add(torch.from_numpy(Y.copy()), to) is None and n_add(nt.from_numpy(Y.copy()), no) is None
    assert_close(no, to)
    _compare(n_two(nt.from_numpy(X.copy()), k=3), t_two(torch.from_numpy(X.copy()), k=3))
    # a tensor-list input: each tensor of the list gets its gradient
    grads = []
    for L, op in ((torch, t_cat), (nt, n_cat)):
        a, b = L.ones(2, requires_grad=True), L.full((1,), 2.0, requires_grad=True)
        w = L.arange(3.0).requires_grad_()
        y = op([a, b], w)
        (y * y).sum().backward()
        grads.append((y, a.grad, b.grad, w.grad))
    for g, w in zip(grads[1], grads[0]):
        assert_close(g, w)


def test_infer_schema_matches_torch():
    def sigs(L):
        T = L.Tensor

        def a(x: T, y: Optional[T], n: int, s: float = 1.0, b: bool = False, name: str = "a",
              lst: Optional[list[int]] = None, ts: Sequence[T] = None, d: Optional[L.dtype] = None, *,
              k: int = 2) -> tuple[T, T]:
            pass

        def b(x: T, out: T) -> None:
            pass

        def c(x: T, dt: L.dtype = L.float64) -> list[T]:
            pass
        lib = torch.library if L is torch else ntlib
        return [lib.infer_schema(a, mutates_args=()), lib.infer_schema(b, mutates_args={"out"}),
                lib.infer_schema(b, mutates_args="unknown"), lib.infer_schema(c, mutates_args=(), op_name="cc")]
    assert sigs(nt) == sigs(torch)

    def bad(x) -> None:
        pass
    for lib in (torch.library, ntlib):
        with pytest.raises(ValueError, match="must have a type annotation"):
            lib.infer_schema(bad, mutates_args=())


def test_library_define_impl_match_torch():
    def run(lib, L):
        out = []
        library = lib.Library("ntt_defs", "DEF")
        out.append(library.define("axpy(Tensor x, Tensor y, *, float a=2.0) -> Tensor"))
        out.append(repr(library))
        out.append(_err(lambda: L.ops.ntt_defs.axpy(L.ones(2), L.ones(2)))[0])
        library.impl("axpy", lambda x, y, *, a=2.0: x * a + y, "CPU")
        x = L.ones(2, requires_grad=True)
        r = L.ops.ntt_defs.axpy(x, L.ones(2) * 3, a=0.5)
        r.sum().backward()
        out += [r.tolist(), x.grad.tolist()]       # a CPU kernel made of ops: gradients flow through them
        lib.define("ntt_defs2::inc", "(Tensor x) -> Tensor")
        lib.impl("ntt_defs2::inc", "cpu", lambda x: x + 1)
        out.append(L.ops.ntt_defs2.inc(L.zeros(1)).tolist())
        out.append(_err(lambda: lib.Library("ntt_defs", "DEF"))[0])
        out.append(_err(lambda: lib.Library("x", "XX")))
        out.append(_err(lambda: library.define("axpy(Tensor x) -> Tensor"))[0])
        out.append(_err(lib.fallthrough_kernel))
        out.append(lib.get_ctx())

        @lib.custom_op("ntt_defs3::gpu_only", mutates_args=(), device_types="cuda")
        def gpu_only(x: L.Tensor) -> L.Tensor:
            return x
        e = _err(lambda: gpu_only(L.ones(1)))
        out.append((e[0], e[1].split(" backend.")[0]))
        return out
    with pytest.warns(UserWarning):    # torch warns about the backward through a kernel without autograd
        want = run(torch.library, torch)
    assert run(ntlib, nt) == want


_SCRIPT = textwrap.dedent("""
    import torch
    import torch.ops
    from torch import ops
    from torch.library import custom_op
    assert ops is torch.ops
    x = torch.arange(6.0).reshape(2, 3)
    print(torch.ops.aten.add.Tensor(x, x, alpha=2).sum().item(), torch.ops.aten.sum.dim_IntList(x, [1]).tolist())
    print(repr(torch.ops.aten.convolution.default), torch.ops.aten.t(x).shape)

    @custom_op("script_ns::twice", mutates_args=())
    def twice(t: torch.Tensor) -> torch.Tensor:
        return t * 2
    print(torch.ops.script_ns.twice(x).sum().item())
    try:
        torch.ops.load_library("libmissing.so")
    except OSError:
        print("OSError")
""")


def _run_both(tmp_path, name, source):
    """The script under ``numtorch run`` and under real torch: both must exit 0; returns their stdouts."""
    script = tmp_path / name
    script.write_text(source)
    r = subprocess.run([sys.executable, "-m", "numtorch", "run", str(script)], capture_output=True, text=True,
                       cwd=str(tmp_path), env=dict(os.environ, PYTHONPATH=ROOT), timeout=300)
    assert r.returncode == 0, r.stderr
    t = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=str(tmp_path),
                       timeout=300)
    assert t.returncode == 0, t.stderr
    return r.stdout, t.stdout


def test_served_by_numtorch_run(tmp_path):
    ours, theirs = _run_both(tmp_path, "uses_ops.py", _SCRIPT)
    assert ours == theirs


_TRACER = textwrap.dedent("""
    import torch
    import torch.fx

    class Foo(torch.nn.Module):
        def forward(self, x):
            with torch.profiler.record_function('foo'):
                return torch.relu(x)

    class ProfilerTracer(torch.fx.Tracer):
        # pytorch/examples fx/profiling_tracer.py: record_function ranges become profiler op calls in the graph
        def trace(self, root, concrete_args=None):
            cls = torch.autograd.profiler.record_function
            enter, exit_ = cls.__enter__, cls.__exit__

            def fake_enter(rf):
                rf._fx_ctx = self.create_proxy('call_function', torch.ops.profiler._record_function_enter,
                                               (rf.name,), {})
                return rf._fx_ctx

            def fake_exit(rf, *exc):
                torch.ops.profiler._record_function_exit(rf._fx_ctx)
            cls.__enter__, cls.__exit__ = fake_enter, fake_exit
            try:
                return super().trace(root, concrete_args)
            finally:
                cls.__enter__, cls.__exit__ = enter, exit_

    tracer = ProfilerTracer()
    gm = torch.fx.GraphModule(tracer.root if hasattr(tracer, 'root') else Foo(), tracer.trace(Foo()))
    print(gm.code)
    with torch.autograd.profiler.profile() as prof:
        y = gm(torch.ones(2, 3))
    print(sorted(k for k in {e.key for e in prof.key_averages()} if k in ('foo', 'aten::relu')), y.sum().item())
""")


def test_profiling_tracer_example(tmp_path):
    ours, theirs = _run_both(tmp_path, "profiling_tracer.py", _TRACER)
    assert "torch.ops.profiler._record_function_enter('foo')" in ours
    assert ours == theirs


def test_what_numtorch_cannot_do_says_so():
    """Built-in operators cannot be overridden (torch.add does not dispatch through torch.ops); the PyTorch
    compiler-only parts of torch.library are absent with numtorch's AttributeError."""
    lib = ntlib.Library("aten", "IMPL")
    with pytest.raises(NotImplementedError, match="built-in operators"):
        lib.impl("add.Tensor", lambda *a, **k: None, "CPU")
    assert nt.ops.aten.add.Tensor(nt.ones(1), nt.ones(1)).item() == 2.0
    for name in ("triton_op", "wrap_triton", "register_vmap"):
        assert hasattr(torch.library, name)
        with pytest.raises(AttributeError, match=f"torch.library.{name}"):
            getattr(ntlib, name)
