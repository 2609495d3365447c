"""PyTorch's own module test inputs (``torch.testing._internal.common_modules.module_db``) run against numtorch.nn.

For every ModuleInfo whose class exists in ``numtorch.nn`` under the same name, every sample that PyTorch's own
``test_modules.py`` uses (float32 and float64, training and eval mode) is replayed on both libraries:

* the module is built from the same constructor arguments (tensors converted) and cast to the dtype;
* torch's ``state_dict`` is loaded into the numtorch module (so parameters are identical);
* forward outputs are compared (values, dtype, shape; nested tuples for RNNs);
* backward with the same random upstream gradient: input gradients and every parameter's ``.grad`` are compared;
* buffers after forward (BatchNorm running statistics), ``repr(module)`` and ``state_dict`` keys are compared;
* ``module_error_inputs_func`` samples: numtorch must raise the same exception class as PyTorch.

One test per module runs all of its samples and reports which sample failed.
Randomness is excluded: Dropout / RReLU in training mode are not in the list (PyTorch's module_db does not list
the dropout family; RReLU is only compared in eval mode if present).
"""
import io
import sys
import types
import unittest

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn as ntnn
from conftest import torch

# torch.testing._internal.common_utils imports `expecttest` (a PyTorch test-only dependency) just for its TestCase
# base class; a stand-in keeps this oracle importable where that package is not installed.
if "expecttest" not in sys.modules:
    try:
        import expecttest  # noqa: F401
    except ImportError:
        _stub = types.ModuleType("expecttest")
        _stub.TestCase = unittest.TestCase
        sys.modules["expecttest"] = _stub

from torch.testing._internal.common_modules import module_db  # noqa: E402
from torch.testing._internal.common_modules import ModuleErrorEnum  # noqa: E402

MODULES = [mi for mi in module_db if hasattr(ntnn, mi.module_cls.__name__)]
# Large sample lists are subsampled deterministically (every k-th sample) to keep this file under the CI budget.
MAX_SAMPLES = {"CrossEntropyLoss": 60, "CTCLoss": 24, "NLLLoss": 30}

# Modules whose output grad_fn is named differently from PyTorch's (values and gradients are compared all the same):
# numtorch's pooling runs 1-d as 2-d (torch: SqueezeBackward1 / the reverse); circular padding
# ends in PadIndexBackward0 where PyTorch has CopySlices.
GRAD_FN_NAME_DIFFERS = {"AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
                        "AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d",
                        "CircularPad1d", "CircularPad2d", "CircularPad3d"}

TOL = {torch.float32: dict(rtol=2e-4, atol=2e-5), torch.float64: dict(rtol=1e-7, atol=1e-9)}
# PyTorch's float32 CTC gradient is itself off by up to ~5e-5 from its float64 result on these 50-step samples
# (numtorch's float32 one is within 3e-8 of it: it accumulates the alpha/beta recursions more accurately).
TOL_OVERRIDE = {("CTCLoss", torch.float32): dict(rtol=2e-4, atol=2e-4)}


# ----------------------------------------------------------------------------------------------- conversion helpers
def _nt_dtype(d):
    return getattr(nt, str(d).replace("torch.", ""))


_LAYOUT = {"noncontig": False}


def _arr(a):
    """A copy of ``a``; a non-contiguous strided view of one when the non-contiguous test runs (as PyTorch's
    test_non_contiguous_tensors, which repeats the last dim and takes every other element)."""
    a = a.copy()
    if _LAYOUT["noncontig"] and a.ndim >= 1 and a.size > 1 and a.dtype.kind == "f":
        a = np.repeat(a, 2, axis=-1)[..., ::2]
    return a


def conv(x, leaves):
    """torch object -> numtorch object; tensors become fresh leaves (recorded in ``leaves`` as (torch, nt) pairs)."""
    if isinstance(x, torch.Tensor):
        t = x.detach().clone()
        n = nt.from_numpy(_arr(t.numpy()))
        if x.requires_grad:
            t.requires_grad_(True)
            n.requires_grad_(True)
        leaves.append((t, n))
        return t, n
    if isinstance(x, torch.dtype):
        return x, _nt_dtype(x)
    if isinstance(x, (list, tuple)):
        pairs = [conv(y, leaves) for y in x]
        return type(x)(p[0] for p in pairs), type(x)(p[1] for p in pairs)
    if isinstance(x, dict):
        pairs = {k: conv(v, leaves) for k, v in x.items()}
        return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
    if isinstance(x, torch.nn.Module):
        # a module passed to a constructor (TransformerEncoder(encoder_layer, ...)): the same module in numtorch,
        # through PyTorch's own whole-model pickle, which numtorch.load maps class by class
        buf = io.BytesIO()
        torch.save(x, buf)
        buf.seek(0)
        return x, nt.load(buf, weights_only=False)
    name = getattr(x, "__name__", None)
    if callable(x) and isinstance(name, str) and getattr(torch.nn.functional, name, None) is x:
        return x, getattr(ntF, name)   # e.g. activation=F.gelu of the Transformer layers (a builtin)
    return x, x


def flat(x):
    if isinstance(x, (list, tuple)):
        out = []
        for y in x:
            out.extend(flat(y))
        return out
    return [x]


def _np(x):
    if isinstance(x, nt.Tensor):
        return x._data
    return x.detach().numpy()


def check_close(got, want, what, tol, check_dtype=True):
    assert isinstance(got, nt.Tensor), f"{what}: numtorch gave {type(got).__name__}, torch a Tensor"
    g, w = np.asarray(_np(got)), np.asarray(_np(want))
    assert g.shape == w.shape, f"{what}: shape {g.shape} != torch {w.shape}"
    if check_dtype:
        assert str(g.dtype) == str(w.dtype), f"{what}: dtype {g.dtype} != torch {w.dtype}"
    if w.dtype == bool or np.issubdtype(w.dtype, np.integer):
        np.testing.assert_array_equal(g, w, err_msg=what)
    else:
        np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), equal_nan=True, err_msg=what, **tol)


def compare_structure(got, want, what, tol):
    if isinstance(want, torch.Tensor):
        check_close(got, want, what, tol)
    elif isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)), f"{what}: numtorch gave {type(got).__name__}, torch a tuple"
        assert len(got) == len(want), f"{what}: {len(got)} outputs != torch {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            compare_structure(g, w, f"{what}[{i}]", tol)
    else:
        assert got == want, f"{what}: {got!r} != torch {want!r}"


def build(mi, dtype, ci, leaves):
    (targs, nargs) = conv(ci.args, leaves)
    (tkw, nkw) = conv(ci.kwargs, leaves)
    tm = mi.module_cls(*targs, **tkw).to(dtype)
    nm = getattr(ntnn, mi.module_cls.__name__)(*nargs, **nkw).to(_nt_dtype(dtype))
    return tm, nm


def load_from_torch(nm, tm):
    sd = {k: nt.from_numpy(_arr(v.detach().numpy())) for k, v in tm.state_dict().items()}
    nm.load_state_dict(sd)


# ------------------------------------------------------------------------------------------------------ one sample
def run_sample(mi, sample, dtype, training, seed):
    tol = TOL_OVERRIDE.get((mi.module_cls.__name__, dtype), TOL[dtype])
    leaves = []
    tm, nm = build(mi, dtype, sample.constructor_input, leaves)
    assert repr(nm) == repr(tm), f"repr {repr(nm)!r} != torch {repr(tm)!r}"
    tkeys, nkeys = list(tm.state_dict().keys()), list(nm.state_dict().keys())
    assert nkeys == tkeys, f"state_dict keys {nkeys} != torch {tkeys}"
    load_from_torch(nm, tm)
    tm.train(training)
    nm.train(training)
    assert nm.training == tm.training

    fleaves = []
    (targs, nargs) = conv(sample.forward_input.args, fleaves)
    (tkw, nkw) = conv(sample.forward_input.kwargs, fleaves)
    tout = tm(*targs, **tkw)
    nout = nm(*nargs, **nkw)
    compare_structure(nout, tout, "output", tol)
    if mi.module_cls.__name__ not in GRAD_FN_NAME_DIFFERS:   # the grad_fn name shows in printed tensors
        for o_t, o_n in zip(flat(tout), flat(nout)):
            if isinstance(o_t, torch.Tensor) and o_t.grad_fn is not None and o_t.numel():
                assert o_n.grad_fn is not None, "output has no grad_fn"
                assert o_n.grad_fn.name() == type(o_t.grad_fn).__name__, \
                    f"grad_fn {o_n.grad_fn.name()} != torch {type(o_t.grad_fn).__name__}"

    # buffers after forward (running statistics, num_batches_tracked)
    nbuf = dict(nm.named_buffers())
    for name, b in tm.named_buffers():
        assert name in nbuf, f"buffer {name} missing"
        check_close(nbuf[name], b, f"buffer {name}", tol)

    # backward with the same random upstream gradient on every differentiable output
    touts = [o for o in flat(tout) if isinstance(o, torch.Tensor) and o.requires_grad]
    nouts = [o for o in flat(nout) if isinstance(o, nt.Tensor)]
    tflat = [o for o in flat(tout) if isinstance(o, torch.Tensor)]
    nouts = [n for n, t in zip(nouts, tflat) if t.requires_grad]
    if not touts:
        return
    for n in nouts:
        assert n.requires_grad, "numtorch output does not require grad where torch's does"
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(o.shape).astype(str(o.dtype).replace("torch.", "")) for o in touts]
    torch.autograd.backward(touts, [torch.from_numpy(g.copy()) for g in grads])
    nt.autograd.backward(nouts, [nt.from_numpy(g.copy()) for g in grads])
    for i, (t, n) in enumerate(fleaves):
        if t.requires_grad:
            if t.grad is None:
                assert n.grad is None or not np.any(n.grad._data), f"input {i}: grad where torch has none"
            else:
                assert n.grad is not None, f"input {i}: no grad (torch has one)"
                check_close(n.grad, t.grad, f"grad of forward input {i}", tol)
    nparams = dict(nm.named_parameters())
    for name, p in tm.named_parameters():
        if p.grad is None:
            g = nparams[name].grad
            assert g is None or not np.any(g._data), f"param {name}: grad where torch has none"
        else:
            assert nparams[name].grad is not None, f"param {name}: no grad (torch has one)"
            check_close(nparams[name].grad, p.grad, f"grad of parameter {name}", tol)


def _samples(mi, dtype, training):
    torch.manual_seed(0)
    s = list(mi.module_inputs_func(mi, device="cpu", dtype=dtype, requires_grad=True, training=training))
    cap = MAX_SAMPLES.get(mi.module_cls.__name__)
    if cap and len(s) > cap:
        step = -(-len(s) // cap)
        s = s[::step]
    return s


@pytest.mark.parametrize("mi", MODULES, ids=[mi.module_cls.__name__ for mi in MODULES])
def test_module_samples(mi):
    failures = []
    count = 0
    for dtype in (torch.float32, torch.float64):
        trainings = (True, False) if mi.train_and_eval_differ else (True,)
        for training in trainings:
            for i, sample in enumerate(_samples(mi, dtype, training)):
                count += 1
                try:
                    run_sample(mi, sample, dtype, training, seed=i)
                except Exception as e:  # collect every failing sample, report them together
                    failures.append(f"[{dtype} training={training} #{i} {sample.desc!r} "
                                    f"ctor={sample.constructor_input.args}{sample.constructor_input.kwargs}] "
                                    f"{type(e).__name__}: {str(e)[:400]}")
    assert count > 0
    assert not failures, f"{len(failures)}/{count} samples differ:\n" + "\n".join(failures[:12])


@pytest.mark.parametrize("mi", MODULES, ids=[mi.module_cls.__name__ for mi in MODULES])
def test_module_non_contiguous(mi):
    """Inputs and loaded parameters as non-contiguous strided arrays (float64, first 4 samples) give the same
    results."""
    failures = []
    _LAYOUT["noncontig"] = True
    try:
        for i, sample in enumerate(_samples(mi, torch.float64, True)[:4]):
            try:
                run_sample(mi, sample, torch.float64, True, seed=i)
            except Exception as e:  # collect every failing sample
                failures.append(f"[#{i} {sample.desc!r}] {type(e).__name__}: {str(e)[:400]}")
    finally:
        _LAYOUT["noncontig"] = False
    assert not failures, "\n".join(failures)


EVAL_SAME = [mi for mi in MODULES if not mi.train_and_eval_differ]


@pytest.mark.parametrize("mi", EVAL_SAME, ids=[mi.module_cls.__name__ for mi in EVAL_SAME])
def test_module_eval_mode(mi):
    """Modules whose train and eval modes agree in PyTorch: first 4 float32 samples again in eval mode."""
    failures = []
    for i, sample in enumerate(_samples(mi, torch.float32, False)[:4]):
        try:
            run_sample(mi, sample, torch.float32, False, seed=i)
        except Exception as e:  # collect every failing sample
            failures.append(f"[#{i} {sample.desc!r}] {type(e).__name__}: {str(e)[:400]}")
    assert not failures, "\n".join(failures)


def _has_inplace(mi):
    import inspect
    return "inplace" in inspect.signature(mi.module_cls.__init__).parameters


INPLACE_MODULES = [mi for mi in MODULES if _has_inplace(mi)]


@pytest.mark.parametrize("mi", INPLACE_MODULES, ids=[mi.module_cls.__name__ for mi in INPLACE_MODULES])
def test_module_inplace(mi):
    """inplace=True: same output and gradient as torch, and the input tensor itself is overwritten (both)."""
    tol = TOL[torch.float64]
    for i, sample in enumerate(_samples(mi, torch.float64, True)):
        ci = sample.constructor_input
        if "inplace" in ci.kwargs:
            continue
        tm = mi.module_cls(*ci.args, **ci.kwargs, inplace=True)
        nm = getattr(ntnn, mi.module_cls.__name__)(*conv(ci.args, [])[1], **conv(ci.kwargs, [])[1], inplace=True)
        assert repr(nm) == repr(tm)
        leaves = []
        (tx,), (nx,) = conv(sample.forward_input.args[:1], leaves)
        ty, ny = tx * 1.0, nx * 1.0        # non-leaf copies: in-place on a leaf that requires grad is an error
        tout, nout = tm(ty), nm(ny)
        check_close(nout, tout, f"#{i} output", tol)
        check_close(ny, ty, f"#{i} input after the in-place op", tol)
        assert ny._vc[0] > 0 if hasattr(ny, "_vc") else True, "version counter not bumped"
        g = np.random.default_rng(i).standard_normal(tuple(tout.shape))
        tout.backward(torch.from_numpy(g))
        nout.backward(nt.from_numpy(g))
        check_close(nx.grad, tx.grad, f"#{i} input grad", tol)


@pytest.mark.parametrize("mi", MODULES, ids=[mi.module_cls.__name__ for mi in MODULES])
def test_module_factory_kwargs(mi):
    """Like PyTorch's test_factory_kwargs: dtype= at construction gives parameters and buffers of that dtype
    (integer buffers such as num_batches_tracked keep theirs), for every constructor sample."""
    import inspect
    if "dtype" not in inspect.signature(mi.module_cls.__init__).parameters:
        assert "dtype" not in inspect.signature(getattr(ntnn, mi.module_cls.__name__).__init__).parameters
        return
    for sample in _samples(mi, torch.float64, True)[:4]:
        ci = sample.constructor_input
        tm = mi.module_cls(*ci.args, **ci.kwargs, dtype=torch.float64)
        nm = getattr(ntnn, mi.module_cls.__name__)(*conv(ci.args, [])[1], **conv(ci.kwargs, [])[1],
                                                    dtype=nt.float64)
        want = {k: str(v.dtype) for k, v in list(tm.named_parameters()) + list(tm.named_buffers())}
        got = {k: str(v.dtype) for k, v in list(nm.named_parameters()) + list(nm.named_buffers())}
        assert got == want, f"{ci.args}{ci.kwargs}: {got} != torch {want}"


ERR_MODULES = [mi for mi in MODULES if mi.module_error_inputs_func is not None]


# ------------------------------------------------------------------------------------------------ double backward
def run_gradgrad(mi, sample, seed):
    """Second derivatives: d/d(inputs, params) of sum(w * d(sum(v * out))/d(inputs, params)), compared with torch."""
    dtype = torch.float64
    tol = TOL[dtype]
    tm, nm = build(mi, dtype, sample.constructor_input, [])
    load_from_torch(nm, tm)
    fleaves = []
    (targs, nargs) = conv(sample.forward_input.args, fleaves)
    (tkw, nkw) = conv(sample.forward_input.kwargs, fleaves)
    tin = [(t, n) for t, n in fleaves if t.requires_grad]
    nparams = dict(nm.named_parameters())
    pairs = tin + [(p, nparams[k]) for k, p in tm.named_parameters()]
    tw = [t for t, _ in pairs]
    nw = [n for _, n in pairs]
    if not tw:
        return False
    tout = [o for o in flat(tm(*targs, **tkw)) if isinstance(o, torch.Tensor)]
    nout = [o for o in flat(nm(*nargs, **nkw)) if isinstance(o, nt.Tensor)]
    keep = [i for i, o in enumerate(tout) if o.requires_grad]
    if not keep:
        return False
    tout, nout = [tout[i] for i in keep], [nout[i] for i in keep]
    rng = np.random.default_rng(seed)
    v = [rng.standard_normal(o.shape) for o in tout]
    tg = torch.autograd.grad(tout, tw, [torch.from_numpy(x.copy()) for x in v], create_graph=True, allow_unused=True)
    ng = nt.autograd.grad(nout, nw, [nt.from_numpy(x.copy()) for x in v], create_graph=True, allow_unused=True)
    w = [rng.standard_normal(t.shape) for t in tw]
    tterms = [(g * torch.from_numpy(x.copy())).sum() for g, x in zip(tg, w) if g is not None and g.requires_grad]
    nterms = [(g * nt.from_numpy(x.copy())).sum() for g, x in zip(ng, w) if g is not None and g.requires_grad]
    if not tterms:  # linear in its inputs for torch: numtorch's second derivatives must vanish too
        if nterms:
            for i, a in enumerate(nt.autograd.grad(sum(nterms), nw, allow_unused=True)):
                assert a is None or not np.any(a._data), f"second derivative {i}: nonzero, torch has none"
        return True
    try:
        tgg = torch.autograd.grad(sum(tterms), tw, allow_unused=True)
    except RuntimeError as e:
        if "not implemented" not in str(e):
            raise
        # PyTorch has no double backward for this loss (multi_margin, multilabel_margin, ctc). numtorch either
        # refuses it the same way (ctc), or its second derivatives are checked against finite differences of its
        # own first derivatives (small inputs only, to bound the runtime).
        ne = _raised(lambda: nt.autograd.grad(sum(nterms), nw, allow_unused=True)) if nterms else None
        if ne is not None:
            assert isinstance(ne, RuntimeError) and "not implemented" in str(ne), f"numtorch raised {ne!r}"
            return True
        ins = [n for _, n in tin]
        if sum(n.numel() for n in ins) > 200:
            return False
        rest = [n for n in nargs[len(ins):]] if len(ins) <= len(nargs) else []

        def f(*xs):
            return nm(*xs, *rest, **nkw)
        assert nt.autograd.gradgradcheck(f, tuple(ins), atol=1e-5, rtol=1e-3)
        return True
    ngg = nt.autograd.grad(sum(nterms), nw, allow_unused=True) if nterms else [None] * len(nw)
    for i, (a, b) in enumerate(zip(ngg, tgg)):
        if b is not None and b._is_zerotensor():  # torch's symbolic zero (e.g. L1Loss): a real zero array
            b = torch.zeros(b.shape, dtype=b.dtype)
        if b is None:
            assert a is None or not np.any(a._data), f"second derivative {i}: nonzero where torch has none"
        elif a is None:
            assert not np.any(b.detach().numpy()), f"second derivative {i}: none where torch's is nonzero"
        else:
            check_close(a, b, f"second derivative wrt {'input' if i < len(tin) else 'parameter'} {i}", tol)
    return True


GG_MODULES = [mi for mi in MODULES if mi.supports_gradgrad]


@pytest.mark.parametrize("mi", GG_MODULES, ids=[mi.module_cls.__name__ for mi in GG_MODULES])
def test_module_double_backward(mi):
    """Double backward (float64, training mode) against PyTorch, on the same samples as above."""
    failures = []
    count = 0
    for i, sample in enumerate(_samples(mi, torch.float64, True)):
        try:
            count += run_gradgrad(mi, sample, seed=100 + i)
        except Exception as e:  # collect every failing sample
            failures.append(f"[#{i} {sample.desc!r} ctor={sample.constructor_input.args}"
                            f"{sample.constructor_input.kwargs}] {type(e).__name__}: {str(e)[:400]}")
    assert not failures, f"{len(failures)} samples differ:\n" + "\n".join(failures[:12])
    assert count > 0, "no sample had a second derivative to compare"


def _raised(fn):
    try:
        fn()
    except Exception as e:  # the exception class is what is compared
        return e
    return None


@pytest.mark.parametrize("mi", ERR_MODULES, ids=[mi.module_cls.__name__ for mi in ERR_MODULES])
def test_module_error_inputs(mi):
    """numtorch raises the same exception class as PyTorch on PyTorch's error samples (and does not raise where
    PyTorch does not, e.g. BatchNorm's eps=0 in eval mode)."""
    failures = []
    count = raised = 0
    for training in (True, False):
        torch.manual_seed(0)
        for i, ei in enumerate(mi.module_error_inputs_func(mi, device="cpu", dtype=torch.float32,
                                                            requires_grad=False, training=training)):
            count += 1
            mod_in = ei.module_error_input
            ci = mod_in.constructor_input
            ncls = getattr(ntnn, mi.module_cls.__name__)
            if ei.error_on == ModuleErrorEnum.CONSTRUCTION_ERROR:
                te = _raised(lambda: mi.module_cls(*ci.args, **ci.kwargs))
                ne = _raised(lambda: ncls(*conv(ci.args, [])[1], **conv(ci.kwargs, [])[1]))
            else:
                fi = mod_in.forward_input
                tm = mi.module_cls(*ci.args, **ci.kwargs)
                nm = ncls(*conv(ci.args, [])[1], **conv(ci.kwargs, [])[1])
                load_from_torch(nm, tm)
                tm.train(training)
                nm.train(training)
                te = _raised(lambda: tm(*fi.args, **fi.kwargs))
                ne = _raised(lambda: nm(*conv(fi.args, [])[1], **conv(fi.kwargs, [])[1]))
            raised += te is not None
            ok = type(ne) is type(te) if te is not None else ne is None
            if not ok:
                failures.append(f"[training={training} #{i} {ci.args}{ci.kwargs} /{ei.error_regex}/] torch: "
                                f"{type(te).__name__}: {te}; numtorch: {type(ne).__name__}: {str(ne)[:300]}")
    assert raised > 0
    assert not failures, f"{len(failures)}/{count} error samples differ:\n" + "\n".join(failures)


# ------------------------------------------------------------------ PyTorch's older module tests (common_nn lists)
# torch.testing._internal.common_nn.module_tests / get_new_module_tests(): modules that module_db does not list
# (Flatten, Unflatten, PixelShuffle, Fold/Unfold, EmbeddingBag, PairwiseDistance, Hardsigmoid, RReLU, conv variants)
# and F.interpolate / softmax tests wrapped as modules. Their constructors are lambdas over common_nn's `nn`, `F`
# and `torch` names: the same code is re-bound to numtorch's to build the numtorch twin. Inputs are float64 (these
# tests run with float64 as the default dtype).
import functools  # noqa: E402
import types as _types  # noqa: E402

import numtorch.nn.functional as ntF  # noqa: E402
from torch.testing._internal import common_nn  # noqa: E402

_NT_GLOBALS = {"nn": ntnn, "F": ntF, "torch": nt}


def _rebind(fn):
    """The same function code with numtorch as its `nn` / `F` / `torch` globals."""
    g = dict(fn.__globals__)
    g.update(_NT_GLOBALS)
    cl = fn.__closure__
    if cl:  # captured torch tensors (e.g. a loss target) become numtorch tensors, helper functions re-bound
        cl = tuple(_types.CellType(_nt_value(c.cell_contents)) for c in cl)
    out = _types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, cl)
    out.__kwdefaults__ = fn.__kwdefaults__
    return out


def _nt_value(v):
    if isinstance(v, _types.FunctionType):
        mod = getattr(v, "__module__", "") or ""
        if mod.startswith("torch.nn.functional"):   # wrap_functional(F.interpolate, ...): numtorch's own function
            return getattr(ntF, v.__name__)
        return _rebind(v)
    return conv(v, [])[1]


class _NtFunctional:
    """numtorch twin of common_nn's wrap_functional module: calls the re-bound function."""

    def __init__(self, fn, kwargs):
        self.fn, self.kwargs, self.training = fn, kwargs, True

    def __call__(self, *args):
        return self.fn(*args, **self.kwargs)


def _build_pair(entry):
    if "module_name" in entry and "constructor" not in entry:
        tcls = getattr(torch.nn, entry["module_name"])
        ncls = getattr(ntnn, entry["module_name"])
        args = entry.get("constructor_args", ())
        return tcls(*args), ncls(*conv(args, [])[1])
    c = entry["constructor"]
    if isinstance(c, functools.partial):
        return c(), getattr(ntnn, c.func.__name__)(*conv(c.args, [])[1], **conv(c.keywords, [])[1])
    if isinstance(c, type) and c.__name__ == "FunctionalModule":   # wrap_functional(fn, **kwargs)
        cells = dict(zip(c.forward.__code__.co_freevars, (x.cell_contents for x in c.forward.__closure__)))
        return c(), _NtFunctional(_nt_value(cells["fn"]), _nt_value(cells["kwargs"]))
    return c(), _rebind(c)()


def _entry_name(e):
    return e.get("fullname") or (e["module_name"] + ("_" + e["desc"] if e.get("desc") else ""))


def _common_nn_entries():
    entries, missing = [], []
    for e in common_nn.module_tests + common_nn.get_new_module_tests():
        try:
            with torch.random.fork_rng():
                _build_pair(e)
        except AttributeError as err:   # numtorch lacks the module / function (listed in docs/coverage_modules.md)
            missing.append((_entry_name(e), str(err)))
            continue
        except Exception:  # noqa: S112 - any other construction error is a failure, reported by the test itself
            pass
        if e.get("input_size") is None and e.get("input_fn") is None:
            continue
        if e.get("input_fn") is not None:
            with torch.random.fork_rng():
                x = e["input_fn"]()
            if any(isinstance(t, torch.Tensor) and t.is_complex() for t in flat(x)):
                missing.append((_entry_name(e), "complex dtypes are not supported"))
                continue
        entries.append(e)
    return entries, missing


CNN_ENTRIES, CNN_MISSING = _common_nn_entries()


def _run_common_nn(entry):
    tol = TOL[torch.float64]
    torch.manual_seed(0)
    tm, nm = _build_pair(entry)
    if isinstance(tm, torch.nn.Module):
        tm = tm.double()
    if hasattr(nm, "double"):
        nm = nm.double()
        assert repr(nm) == repr(tm), f"repr {repr(nm)!r} != torch {repr(tm)!r}"
        assert list(nm.state_dict()) == list(tm.state_dict()), "state_dict keys differ"
        load_from_torch(nm, tm)
    if type(tm).__name__ == "RReLU":   # random slopes in training mode: compared in eval mode only
        tm.eval()
        nm.eval()
    if entry.get("input_fn") is not None:
        x = entry["input_fn"]()
    else:
        x = torch.randn(entry["input_size"], dtype=torch.float64)
    xs = x if isinstance(x, tuple) else (x,)
    xs = tuple(t.double() if isinstance(t, torch.Tensor) and t.is_floating_point() else t for t in xs)
    xs = tuple(t.detach().requires_grad_(True) if isinstance(t, torch.Tensor) and t.is_floating_point() else t
               for t in xs)
    leaves = []
    txs, nxs = conv(xs, leaves)
    tout = tm(*txs)
    nout = nm(*nxs)
    compare_structure(nout, tout, "output", tol)
    touts = [o for o in flat(tout) if isinstance(o, torch.Tensor) and o.requires_grad]
    nouts = [n for n, t in zip(flat(nout), flat(tout)) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not touts:
        return
    rng = np.random.default_rng(1)
    grads = [rng.standard_normal(o.shape) for o in touts]
    torch.autograd.backward(touts, [torch.from_numpy(g.astype(str(o.dtype)[6:])) for g, o in zip(grads, touts)])
    nt.autograd.backward(nouts, [nt.from_numpy(g.astype(str(o.dtype)[6:])) for g, o in zip(grads, touts)])
    for i, (t, n) in enumerate(leaves):
        if t.requires_grad and t.grad is not None:
            assert n.grad is not None, f"input {i}: no grad"
            check_close(n.grad, t.grad, f"grad of input {i}", tol)
    if isinstance(tm, torch.nn.Module) and hasattr(nm, "named_parameters"):
        nparams = dict(nm.named_parameters())
        for name, p in tm.named_parameters():
            if p.grad is not None:
                g = nparams[name].grad
                assert g is not None, f"param {name}: no grad"
                if g.layout != g.layout or getattr(g, "is_sparse", False):
                    g = g.to_dense()
                pg = p.grad.to_dense() if p.grad.is_sparse else p.grad
                check_close(g, pg, f"grad of parameter {name}", tol)


@pytest.mark.parametrize("entry", CNN_ENTRIES, ids=[_entry_name(e) for e in CNN_ENTRIES])
def test_common_nn_module(entry):
    _run_common_nn(entry)


# criterion_tests: the unbatched ("no_batch_dim") loss tests, input and target built as PyTorch's CriterionTest does
def _run_criterion(entry):
    tol = TOL[torch.float64]
    torch.manual_seed(0)
    tm, nm = _build_pair(entry)
    assert repr(nm) == repr(tm), f"repr {repr(nm)!r} != torch {repr(tm)!r}"
    x = entry["input_fn"]() if entry.get("input_fn") else torch.randn(entry["input_size"], dtype=torch.float64)
    t = entry["target_fn"]() if entry.get("target_fn") else torch.randn(entry["target_size"], dtype=torch.float64)
    xs = x if isinstance(x, tuple) else (x,)
    xs = tuple(a.double().detach().requires_grad_(True) if a.is_floating_point() else a for a in xs)
    t = t.double() if t.is_floating_point() else t
    leaves = []
    txs, nxs = conv(xs + (t,), leaves)
    tout = tm(*txs)
    nout = nm(*nxs)
    check_close(nout, tout, "loss", tol)
    g = np.random.default_rng(2).standard_normal(tuple(tout.shape))
    tout.backward(torch.from_numpy(g))
    nout.backward(nt.from_numpy(g))
    for i, (a, b) in enumerate(leaves):
        if a.requires_grad:
            check_close(b.grad, a.grad, f"grad of input {i}", tol)


CRIT_ENTRIES = [e for e in common_nn.criterion_tests if hasattr(ntnn, e["fullname"].split("_")[0])]


@pytest.mark.parametrize("entry", CRIT_ENTRIES, ids=[e["fullname"] for e in CRIT_ENTRIES])
def test_common_nn_criterion(entry):
    _run_criterion(entry)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "pow", "fn_add", "fn_sub", "fn_mul", "fn_div",
                                "fn_maximum", "fn_minimum", "fn_atan2", "lt", "eq"])
def test_broadcast_mismatch_error(op):
    """Operands that do not broadcast: PyTorch's RuntimeError and message (found via Linear's wrong-size bias)."""
    fns = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "truediv": lambda a, b: a / b, "pow": lambda a, b: a ** b, "lt": lambda a, b: a < b,
           "eq": lambda a, b: a == b}
    for sa, sb in (((2, 5), (4,)), ((3, 2, 5), (4, 1, 5))):
        a, b = np.ones(sa, np.float32), np.ones(sb, np.float32)
        if op.startswith("fn_"):
            tf, nf = getattr(torch, op[3:]), getattr(nt, op[3:])
        else:
            tf = nf = fns[op]
        te = _raised(lambda: tf(torch.from_numpy(a), torch.from_numpy(b)))
        ne = _raised(lambda: nf(nt.from_numpy(a), nt.from_numpy(b)))
        assert type(ne) is type(te) and str(ne) == str(te), f"{ne!r} != torch {te!r}"
