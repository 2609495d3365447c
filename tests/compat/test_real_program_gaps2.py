"""Gaps found running more third-party programs under ``numtorch run`` (docs/real_programs.md, second batch);
each test compares with real torch in the same process."""
import io

import numpy as np
import pytest

import numtorch as nt
from conftest import torch


def _lstm_lm(lib):
    """word_language_model's RNNModel parts: the classes its main.py allowlists before torch.load."""
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Embedding(7, 4), lib.nn.LSTM(4, 4, 2), lib.nn.Dropout(0.2), lib.nn.Linear(4, 7))


@pytest.mark.parametrize("hooked", [False, True])
def test_whole_module_loads_with_weights_only_and_safe_globals(hooked):
    # pytorch/examples word_language_model: torch.save(model, f), then torch.load(f) (weights_only=True by
    # default) inside torch.serialization.safe_globals([the module classes]); the hook dicts must pickle as the
    # plain OrderedDicts PyTorch's modules hold, not as a private class the unpickler refuses
    results = []
    for lib in (nt, torch):
        m = _lstm_lm(lib)
        if hooked:
            m[3].register_forward_hook(print)   # a builtin: allowed by neither unpickler
        buf = io.BytesIO()
        lib.save(m, buf)
        buf.seek(0)
        allowed = [lib.nn.Sequential, lib.nn.Embedding, lib.nn.LSTM, lib.nn.Dropout, lib.nn.Linear, set]
        try:
            with lib.serialization.safe_globals(allowed):
                back = lib.load(buf)
        except Exception as e:   # noqa: BLE001 - the class is compared below
            results.append(type(e).__name__)
            continue
        x = lib.tensor([[1, 2], [3, 4]])
        results.append((type(back[3]._forward_hooks).__name__, len(back[3]._forward_hooks),
                        back.eval()[0](x).sum().item()))
    assert results[0] == results[1]


def test_loaded_module_hooks_still_register_and_remove():
    m = _lstm_lm(nt)
    buf = io.BytesIO()
    nt.save(m, buf)
    buf.seek(0)
    back = nt.load(buf, weights_only=False)
    seen = []
    h = back[3].register_forward_hook(lambda mod, a, out: seen.append(out.shape))
    back[3](nt.zeros(1, 4))
    h.remove()
    back[3](nt.zeros(1, 4))
    assert seen == [(1, 7)] and len(back[3]._forward_hooks) == 0


class _Seq:
    """A minimal sequence: __len__ and __getitem__ only."""

    def __len__(self):
        return 2

    def __getitem__(self, i):
        if i >= 2:
            raise IndexError(i)
        return [1.5, 2][i]


def _sequences():
    import array
    from collections import deque
    return [deque([1.0, 2.0]), range(3), array.array("f", [1, 2]), array.array("q", [1, 2]),
            [deque([1, 2]), deque([3, 4])], deque([deque([1]), deque([2])]), _Seq(), deque([]),
            [range(2), (3, 4)], deque([True, False])]


def _bad_data():
    return ["ab", b"ab", {1: 2}, {1, 2}, iter([1]), ["a"], [[1], "ab"], [1, "a"], [["a", 1]], [[[b"a"]]],
            [None], None, [{1: 2}], object()]


def _outcome(lib, data):
    try:
        t = lib.tensor(data)
    except Exception as e:   # noqa: BLE001 - class and message are compared
        return type(e).__name__, str(e)
    return str(t.dtype), t.tolist()


@pytest.mark.parametrize("i", range(len(_sequences())))
def test_tensor_from_any_sequence(i):
    # pytorch/examples reinforcement_learning: returns = deque(); ...; torch.tensor(returns)
    assert _outcome(nt, _sequences()[i]) == _outcome(torch, _sequences()[i])


@pytest.mark.parametrize("i", range(len(_bad_data())))
def test_tensor_from_unusable_data_errors_as_torch(i):
    assert _outcome(nt, _bad_data()[i]) == _outcome(torch, _bad_data()[i])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("e", [3, 3.0, -2, -2.0, -0.5, 2, -1])
def test_pow_scalar_exponent_bits(dtype, e):
    # pytorch/examples regression: x ** i for i in 1..4; PyTorch spells ** 3 and ** -2 as products and ** -0.5 as
    # 1 / sqrt, which round differently from a general pow
    torch.manual_seed(0)
    x = torch.randn(20000, dtype=getattr(torch, dtype)) * 3
    x[:6] = torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-30])
    want = (x ** e).numpy()
    xn = nt.tensor(x.numpy())
    got = (xn ** e).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    # the gradient is unchanged: e * x^(e-1)
    xr = xn[6:50].clone().requires_grad_()
    (xr ** e).sum().backward()
    xt = x[6:50].clone().requires_grad_()
    (xt ** e).sum().backward()
    np.testing.assert_allclose(xr.grad.numpy().astype("float64"), xt.grad.numpy().astype("float64"), rtol=2e-3)
