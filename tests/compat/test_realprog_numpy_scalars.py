"""NumPy scalars in arithmetic are Python numbers to PyTorch (a float32 tensor / np.sqrt(d_k) stays float32).
graykode/nlp-tutorial's Transformer scales attention scores by np.sqrt(d_k) and then multiplies by a float32
matrix: with NumPy's NEP 50 promotion numtorch made the scores float64 and the next matmul refused."""
import numpy as np
import pytest

from conftest import torch
import numtorch as nt

SCALARS = [np.float64(2.5), np.float32(2.5), np.float16(1.5), np.int64(3), np.int32(-2), np.uint8(7)]
OPS = ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
       "__pow__", "__floordiv__", "__mod__"]


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "uint8", "float64"])
@pytest.mark.parametrize("scalar", SCALARS, ids=lambda s: type(s).__name__)
def test_numpy_scalar_operand_keeps_tensor_dtype(dtype, scalar):
    base = np.array([1, 2, 3])
    for op in OPS:
        try:
            want = getattr(torch.tensor(base, dtype=getattr(torch, dtype)), op)(scalar)
        except RuntimeError:   # integers to a negative integer power: both refuse
            with pytest.raises(RuntimeError):
                getattr(nt.tensor(base, dtype=getattr(nt, dtype)), op)(scalar)
            continue
        got = getattr(nt.tensor(base, dtype=getattr(nt, dtype)), op)(scalar)
        assert str(got.dtype) == str(want.dtype), (op, got.dtype, want.dtype)
        np.testing.assert_allclose(got.numpy().astype(np.float64), want.numpy().astype(np.float64), rtol=1e-3)


def test_scaled_scores_then_matmul_as_in_the_transformer_tutorial():
    rng = np.random.default_rng(0)
    q, k = rng.standard_normal((2, 4, 8)).astype(np.float32), rng.standard_normal((2, 4, 8)).astype(np.float32)
    outs = []
    for lib in (torch, nt):
        Q, K = lib.tensor(q), lib.tensor(k)
        scores = lib.matmul(Q, K.transpose(-1, -2)) / np.sqrt(8)
        attn = lib.softmax(scores, dim=-1)
        outs.append((str(scores.dtype).split(".")[-1], lib.matmul(attn, Q).numpy()))
    assert outs[0][0] == outs[1][0] == "float32"
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-5, atol=1e-6)
