"""BatchNorm / LayerNorm / GroupNorm / InstanceNorm / LocalResponseNorm against PyTorch, incl. running statistics."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, to_nt, assert_close
from _layer_twins import twin, run_both


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (6, 4)), ("BatchNorm1d", (5, 4, 3)),
                                        ("BatchNorm2d", (3, 4, 5, 5)), ("BatchNorm3d", (2, 4, 3, 2, 2))])
@pytest.mark.parametrize("kw", [dict(), dict(momentum=None), dict(momentum=0.3, eps=1e-3), dict(affine=False),
                                dict(track_running_stats=False), dict(bias=False)])
def test_batchnorm_train_eval_running_stats(name, shape, kw):
    torch.manual_seed(0)
    tm, nm = twin(name, 4, **kw)
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
        nm.weight._data[...] = tm.weight.detach().numpy()
    for step in range(3):
        run_both(tm, nm, torch.randn(*shape) * 2 + step, rtol=1e-4, atol=1e-5)
    for k, v in tm.state_dict().items():
        assert_close(nm.state_dict()[k], v, 1e-5, 1e-6)
    tm.eval()
    nm.eval()
    assert not nm.training
    run_both(tm, nm, torch.randn(*shape), rtol=1e-4, atol=1e-5)
    for k, v in tm.state_dict().items():  # eval mode leaves the statistics alone
        assert_close(nm.state_dict()[k], v, 1e-5, 1e-6)


def test_batchnorm_errors():
    with pytest.raises(ValueError):
        nt.nn.BatchNorm2d(3)(nt.randn(2, 3, 4))
    with pytest.raises(ValueError):
        nt.nn.BatchNorm1d(3)(nt.randn(1, 3))  # one value per channel in training


def test_batchnorm_functional_and_double_backward():
    x = nt.randn(4, 3, 2, dtype=nt.float64, requires_grad=True)
    w = nt.randn(3, dtype=nt.float64, requires_grad=True)
    b = nt.randn(3, dtype=nt.float64, requires_grad=True)
    f = lambda a, c, d: F.batch_norm(a, None, None, c, d, training=True)  # noqa: E731
    assert nt.autograd.gradcheck(f, (x, w, b))
    assert nt.autograd.gradgradcheck(f, (x, w, b))


@pytest.mark.parametrize("kw,shape", [(dict(normalized_shape=5), (3, 5)), (dict(normalized_shape=(4, 5)), (2, 3, 4, 5)),
                                      (dict(normalized_shape=5, elementwise_affine=False), (2, 5)),
                                      (dict(normalized_shape=5, bias=False, eps=1e-3), (2, 4, 5))])
def test_layernorm(kw, shape):
    torch.manual_seed(1)
    tm, nm = twin("LayerNorm", **kw)
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.normal_()
        nm.weight._data[...] = tm.weight.detach().numpy()
    run_both(tm, nm, torch.randn(*shape), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kw", [dict(num_groups=2, num_channels=6), dict(num_groups=3, num_channels=6, affine=False),
                                dict(num_groups=1, num_channels=6, eps=1e-3)])
def test_groupnorm(kw):
    torch.manual_seed(2)
    tm, nm = twin("GroupNorm", **kw)
    run_both(tm, nm, torch.randn(2, 6, 3, 4), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (2, 3, 6)), ("InstanceNorm2d", (2, 3, 4, 5)),
                                        ("InstanceNorm2d", (3, 4, 5))])
@pytest.mark.parametrize("kw", [dict(), dict(affine=True), dict(track_running_stats=True, affine=True)])
def test_instancenorm(name, shape, kw):
    torch.manual_seed(3)
    tm, nm = twin(name, 3, **kw)
    for _ in range(2):
        run_both(tm, nm, torch.randn(*shape) + 1, rtol=1e-4, atol=1e-5)
    for k, v in tm.state_dict().items():
        assert_close(nm.state_dict()[k], v, 1e-5, 1e-6)
    tm.eval()
    nm.eval()
    run_both(tm, nm, torch.randn(*shape), rtol=1e-4, atol=1e-5)


def test_local_response_norm_and_normalize():
    torch.manual_seed(4)
    tm, nm = twin("LocalResponseNorm", 3)
    run_both(tm, nm, torch.randn(2, 5, 4, 4), rtol=1e-4, atol=1e-5)
    run_both(tm, nm, torch.randn(2, 5, 4), rtol=1e-4, atol=1e-5)
    x = torch.randn(3, 4)
    assert_close(F.normalize(to_nt(x)), torch.nn.functional.normalize(x), 1e-5, 1e-6)
    assert_close(F.normalize(to_nt(x), p=1, dim=0), torch.nn.functional.normalize(x, p=1, dim=0), 1e-5, 1e-6)


def test_norm_module_reprs():
    for name, args, kw in [("BatchNorm2d", (3,), dict(momentum=None, affine=False)), ("LayerNorm", ((3, 4),), {}),
                           ("GroupNorm", (2, 4), dict(affine=False)), ("InstanceNorm2d", (3,), dict(affine=True))]:
        assert repr(getattr(nt.nn, name)(*args, **kw)) == repr(getattr(torch.nn, name)(*args, **kw))
    bn = nt.nn.BatchNorm2d(3)
    assert bn.num_batches_tracked.dtype == nt.int64 and bn.num_batches_tracked.item() == 0
