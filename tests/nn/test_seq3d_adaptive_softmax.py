"""nn.AdaptiveLogSoftmaxWithLoss against torch: parameter names and shapes, init bounds, outputs, loss,
gradients, log_prob, predict, unbatched input, errors."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close


def _pair(head_bias=False, div=4.0, cutoffs=(4, 9, 15), n_classes=20, in_f=16, dtype="float32"):
    torch.manual_seed(0)
    mt = torch.nn.AdaptiveLogSoftmaxWithLoss(in_f, n_classes, list(cutoffs), div_value=div, head_bias=head_bias,
                                             dtype=getattr(torch, dtype))
    mn = nt.nn.AdaptiveLogSoftmaxWithLoss(in_f, n_classes, list(cutoffs), div_value=div, head_bias=head_bias,
                                          dtype=getattr(nt, dtype))
    return mn, mt


@pytest.mark.parametrize("head_bias,div", [(False, 4.0), (True, 2.0)])
def test_state_dict_layout_and_init(head_bias, div):
    mn, mt = _pair(head_bias, div)
    assert {k: tuple(v.shape) for k, v in mn.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in mt.state_dict().items()}
    assert list(mn.state_dict()) == list(mt.state_dict())
    assert repr(mn) == repr(mt)
    for k, v in mn.state_dict().items():
        bound = 1 / np.sqrt(max(v.shape[-1], 1) if v.dim() == 2 else 16)
        assert v.numel() == 0 or np.abs(v.numpy()).max() <= bound + 1e-7


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_backward_log_prob_predict(rng, dtype):
    mn, mt = _pair(True, 2.0, dtype=dtype)
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    x = rng.standard_normal((13, 16)).astype(dtype)
    y = np.array([0, 3, 4, 8, 9, 14, 15, 19, 1, 2, 10, 16, 5])
    xn, xt = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    on, ot = mn(xn, nt.tensor(y)), mt(xt, torch.tensor(y))
    tol = dict(atol=1e-5, rtol=1e-5) if dtype == "float32" else dict(atol=1e-12, rtol=1e-10)
    assert_close(on.output, ot.output, **tol)
    assert_close(on.loss, ot.loss, **tol)
    assert on._fields == ot._fields
    on.loss.backward()
    ot.loss.backward()
    assert_close(xn.grad, xt.grad, **tol)
    for (k, p), (k2, q) in zip(mn.named_parameters(), mt.named_parameters()):
        assert k == k2
        assert_close(p.grad, q.grad, **tol)
    assert_close(mn.log_prob(xn), mt.log_prob(xt), **tol)
    assert_close(mn.predict(xn), mt.predict(xt))
    # rows all in clusters / all in the shortlist
    with torch.no_grad():
        mt.head.bias[:4] = -50
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    assert_close(mn.predict(xn), mt.predict(xt))
    with torch.no_grad():
        mt.head.bias[:4] = 50
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    assert_close(mn.predict(xn), mt.predict(xt))


def test_unbatched_and_subset_of_clusters(rng):
    mn, mt = _pair()
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    x = rng.standard_normal(16).astype(np.float32)
    on, ot = mn(nt.tensor(x), nt.tensor(12)), mt(torch.tensor(x), torch.tensor(12))
    assert_close(on.output, ot.output, atol=1e-5)
    assert_close(on.loss, ot.loss, atol=1e-5)
    x = rng.standard_normal((3, 16)).astype(np.float32)
    on, ot = mn(nt.tensor(x), nt.tensor([1, 2, 3])), mt(torch.tensor(x), torch.tensor([1, 2, 3]))
    assert_close(on.output, ot.output, atol=1e-5)


def test_errors():
    for args in ((16, 20, []), (16, 20, [5, 3]), (16, 20, [0, 5]), (16, 20, [5, 20]), (16, 20, [5, 5])):
        with pytest.raises(ValueError) as e1:
            nt.nn.AdaptiveLogSoftmaxWithLoss(*args)
        with pytest.raises(ValueError) as e2:
            torch.nn.AdaptiveLogSoftmaxWithLoss(*args)
        assert str(e1.value) == str(e2.value)
    mn, mt = _pair()
    for x, y in (((3, 16), [1, 2]), ((3, 16), [1, 2, 25]), ((3, 2, 16), [[1], [2], [3]]), ((2, 16), 3)):
        with pytest.raises(RuntimeError) as e1:
            mn(nt.zeros(*x), nt.tensor(y))
        with pytest.raises(RuntimeError) as e2:
            mt(torch.zeros(*x), torch.tensor(y))
        assert str(e1.value) == str(e2.value)
