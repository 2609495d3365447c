"""Shared by the torchvision model tests (tests/vision/test_tv_models.py, test_tv_swin.py): build a model in
numtorch and in real torchvision, load torchvision's state_dict strictly into numtorch, compare logits (eval),
parameter gradients and BN statistics (train), and numtorch's own initialisation scheme."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, import_torchvision

tv = import_torchvision()
import numtorch.vision.models as M  # noqa: E402


def _nt_state(tv_model):
    sd = tv_model.state_dict()
    out = type(sd)((k, to_nt(v)) for k, v in sd.items())
    out._metadata = sd._metadata  # module versions (MNASNet reads its own)
    return out


def _random_bn_stats(tv_model, seed=0):
    """Non-trivial running statistics, so eval-mode BN is exercised (fresh ones are 0/1)."""
    g = torch.Generator().manual_seed(seed)
    for m in tv_model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.running_mean is not None:
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)


def _unzero(tv_model, seed=1):
    """Zero-initialised parameters (ViT's head, class token) get small random values, so that gradients flow
    through the whole network."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in tv_model.parameters():
            if not p.any():
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)


def _no_randomness(model, dropout_names=("Dropout", "StochasticDepth")):
    for m in model.modules():
        if type(m).__name__ in dropout_names:
            m.eval()


def _logits(out):
    return out.logits if hasattr(out, "logits") else out


def _all_outputs(out):
    """Every output a loss would use: the logits and any auxiliary logits (GoogLeNet, Inception v3)."""
    return [o for o in out if o is not None] if isinstance(out, tuple) else [out]


def check_against_torchvision(name, shape=(2, 3, 64, 64), rtol=1e-4, atol=1e-5, grad="float64", init=True,
                              builders=None, **kwargs):
    """Fresh models: same initialisation scheme; torchvision's state_dict loaded strictly: same float32 logits
    (eval), then in train mode (dropout off) the same parameter gradients and running statistics in ``grad``
    precision (``None``: no gradient check)."""
    torch.manual_seed(0)
    if builders is None:
        builders = getattr(M, name), getattr(tv.models, name)
    ref = builders[1](**kwargs)
    ours = builders[0](**kwargs)
    if init:
        check_init(ours, ref)
    _random_bn_stats(ref)
    _unzero(ref)
    ours.load_state_dict(_nt_state(ref), strict=True)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in ref.state_dict().items()]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)

    ref.eval()
    ours.eval()
    with torch.no_grad():
        want = _logits(ref(torch.from_numpy(x)))
    with nt.no_grad():
        got = _logits(ours(nt.from_numpy(x)))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=atol)
    if grad is None:
        return ours, ref

    # Gradients in float64 by default: train-mode BatchNorm over few positions per channel is ill-conditioned
    # enough that float32 rounding alone (in torch as in numtorch) moves some gradients by percents; in float64
    # the two frameworks must agree to near machine precision. Depthwise models use float32 (torch's float64
    # depthwise convolution takes minutes) with their BatchNorms on running statistics, the well-conditioned
    # case; BatchNorm's batch-statistics backward is checked in float64 on the other families.
    f64 = grad == "float64"
    dt_t, dt_n, np_dt = (torch.float64, nt.float64, np.float64) if f64 else (torch.float32, nt.float32, np.float32)
    g_rtol, g_atol = (1e-6, 1e-9) if f64 else (rtol, 1e-5)
    ref.to(dt_t).train()
    ours.to(dt_n).train()
    _no_randomness(ref)
    _no_randomness(ours)
    if not f64:
        _no_randomness(ref, ("BatchNorm2d",))
        _no_randomness(ours, ("BatchNorm2d",))
    x64 = x.astype(np_dt)
    w = np.random.default_rng(1).standard_normal(tuple(want.shape)).astype(np_dt)
    outs_t = _all_outputs(ref(torch.from_numpy(x64)))
    sum((o * torch.from_numpy(w)).sum() for o in outs_t).backward()
    outs_n = _all_outputs(ours(nt.from_numpy(x64)))
    sum((o * nt.from_numpy(w)).sum() for o in outs_n).backward()
    assert len(outs_n) == len(outs_t)
    out_t, out_n = outs_t[0], outs_n[0]
    np.testing.assert_allclose(out_n.detach().numpy(), out_t.detach().numpy(), rtol=1e-6 if f64 else rtol,
                               atol=1e-8 if f64 else atol)
    ref_params = dict(ref.named_parameters())
    top = max(float(p.grad.abs().max()) for p in ref.parameters() if p.grad is not None)
    for k, p in ours.named_parameters():
        gt = ref_params[k].grad
        if gt is None:
            assert p.grad is None or not p.grad.numpy().any(), k
            continue
        # gradients that are zero in exact arithmetic (a bias followed by BatchNorm) are rounding noise
        np.testing.assert_allclose(p.grad.numpy(), gt.numpy(), rtol=g_rtol, atol=g_atol * top, err_msg=k)
    ref_bufs = dict(ref.named_buffers())
    for k, b in ours.named_buffers():
        np.testing.assert_allclose(b.numpy(), ref_bufs[k].numpy(), rtol=1e-8 if f64 else 1e-4,
                                   atol=1e-10 if f64 else 1e-5, err_msg=k)
    ours.float()
    ref.float()
    return ours, ref


def check_keys(name, **kwargs):
    """State-dict keys and shapes of a fresh model equal torchvision's."""
    ref = getattr(tv.models, name)(**kwargs)
    ours = getattr(M, name)(**kwargs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in ref.state_dict().items()]
    return ours, ref


def check_init(ours, ref):
    """numtorch's own initialisation follows torchvision's: constants equal, random tensors of the same spread."""
    ref_params = dict(ref.named_parameters())
    for k, p in ours.named_parameters():
        a = p.detach().numpy().astype(np.float64).ravel()
        b = ref_params[k].detach().numpy().astype(np.float64).ravel()
        if b.std() == 0:
            np.testing.assert_array_equal(a, b, err_msg=k)
            continue
        n = a.size
        tol = 6.0 / np.sqrt(n) + 0.05
        assert abs(a.std() / b.std() - 1) < tol, (k, a.std(), b.std())
        assert abs(a.mean() - b.mean()) < 6 * b.std() / np.sqrt(n) + 1e-3 * b.std(), (k, a.mean(), b.mean())


def check_builder_config(monkeypatch, module, cls_name, name, tv_module):
    """For models too large to build in a test: the builder hands the same arguments to the model class."""
    seen = {}

    def recorder(key):
        def fake(*args, **kwargs):
            seen[key] = (args, kwargs)
            raise _Stop
        return fake
    monkeypatch.setattr(module, cls_name, recorder("ours"))
    monkeypatch.setattr(tv_module, cls_name, recorder("ref"))
    for key, fn in (("ours", getattr(M, name)), ("ref", getattr(tv.models, name))):
        with pytest.raises(_Stop):
            fn()
    a, b = seen["ours"], seen["ref"]
    assert _plain(a) == _plain(b)


class _Stop(Exception):
    pass


def _plain(v):
    """Arguments made comparable across frameworks: classes and functions by name, partials unwrapped."""
    import functools
    if isinstance(v, (list, tuple)):
        return type(v).__name__, [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, functools.partial):
        return ("partial", _plain(v.func), _plain(v.args), _plain(v.keywords))
    if isinstance(v, type) or callable(v):
        return getattr(v, "__name__", type(v).__name__)
    if hasattr(v, "__dict__"):
        return type(v).__name__, {k: _plain(x) for k, x in vars(v).items()}
    return v
