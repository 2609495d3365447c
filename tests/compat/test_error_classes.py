"""Exception classes for bad input, per public function: wrong dtypes, wrong shapes, bad dims (IndexError), bad
arguments (TypeError / ValueError / RuntimeError / NotImplementedError). Each case runs on real torch and on numtorch;
torch must raise (the case is a bad input) and numtorch must raise an instance of the same class."""
import warnings

import pytest

import numtorch as nt
from conftest import torch


def _f(m):
    return m.nn.functional


CASES = {
    # ---------------------------------------------------------------- bad dims: IndexError
    "sum dim": lambda m: m.ones(2, 3).sum(2),
    "mean dim": lambda m: m.ones(2, 3).mean(-3),
    "softmax dim": lambda m: m.softmax(m.ones(2, 3), 2),
    "log_softmax dim": lambda m: m.log_softmax(m.ones(2), 1),
    "cumsum dim": lambda m: m.cumsum(m.ones(2), 1),
    "argmax dim": lambda m: m.argmax(m.ones(2, 2), 2),
    "max dim": lambda m: m.ones(2).max(1),
    "sort dim": lambda m: m.sort(m.ones(2), 1),
    "topk dim": lambda m: m.topk(m.ones(2), 1, 1),
    "transpose dim": lambda m: m.ones(2, 3).transpose(0, 2),
    "permute dim": lambda m: m.ones(2, 3).permute(0, 2),
    "squeeze dim": lambda m: m.ones(2).squeeze(1),
    "unsqueeze dim": lambda m: m.ones(2).unsqueeze(2),
    "flatten dims": lambda m: m.ones(2, 3).flatten(0, 2),
    "cat dim": lambda m: m.cat([m.ones(2), m.ones(2)], 1),
    "stack dim": lambda m: m.stack([m.ones(2), m.ones(2)], 2),
    "select index": lambda m: m.ones(2, 3).select(1, 3),
    "index out of range": lambda m: m.ones(2, 3)[2],
    "index_select dim": lambda m: m.ones(2).index_select(1, m.tensor([0])),
    "index_select index": lambda m: m.ones(2).index_select(0, m.tensor([5])),
    "gather dim": lambda m: m.ones(2).gather(1, m.tensor([0])),
    "flip dim": lambda m: m.ones(2).flip(1),
    "roll dim": lambda m: m.ones(2).roll(1, 1),
    "narrow start": lambda m: m.ones(3).narrow(0, 4, 0),
    "movedim dim": lambda m: m.ones(2, 3).movedim(0, 2),
    "chunk dim": lambda m: m.ones(2).chunk(2, 1),
    "split dim": lambda m: m.ones(2).split(1, 1),
    "unbind dim": lambda m: m.ones(2).unbind(1),
    "diagonal dim": lambda m: m.ones(2, 2).diagonal(0, 0, 2),
    "norm dim": lambda m: m.ones(2).norm(dim=1),
    "embedding index": lambda m: _f(m).embedding(m.tensor([3]), m.ones(2, 2)),
    "argmin empty": lambda m: m.ones(0).argmin(),
    # ---------------------------------------------------------------- shapes: RuntimeError
    "add broadcast": lambda m: m.ones(2, 3) + m.ones(4),
    "mul broadcast": lambda m: m.ones(2) * m.ones(3),
    "where broadcast": lambda m: m.where(m.ones(2, dtype=m.bool), m.ones(3), m.ones(2)),
    "matmul shapes": lambda m: m.ones(2, 3) @ m.ones(2, 3),
    "mm 1-d": lambda m: m.mm(m.ones(2), m.ones(2, 2)),
    "bmm 2-d": lambda m: m.bmm(m.ones(2, 2), m.ones(2, 2)),
    "dot sizes": lambda m: m.dot(m.ones(2), m.ones(3)),
    "view numel": lambda m: m.ones(2, 3).view(4),
    "view non-contiguous": lambda m: m.ones(2, 3).t().view(6),
    "reshape numel": lambda m: m.ones(2, 3).reshape(5),
    "expand size": lambda m: m.ones(2, 3).expand(3, 3),
    "cat shapes": lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)], 0),
    "stack shapes": lambda m: m.stack([m.ones(2), m.ones(3)]),
    "cat empty list": lambda m: m.cat([]),
    "linear shapes": lambda m: _f(m).linear(m.ones(2, 3), m.ones(4, 2)),
    "conv2d rank": lambda m: _f(m).conv2d(m.ones(3, 3), m.ones(1, 1, 2, 2)),
    "conv2d channels": lambda m: _f(m).conv2d(m.ones(1, 2, 4, 4), m.ones(1, 3, 2, 2)),
    "max_pool2d kernel": lambda m: _f(m).max_pool2d(m.ones(1, 1, 2, 2), 3),
    "mse_loss shapes": lambda m: _f(m).mse_loss(m.ones(2, 3), m.ones(4, 3)),
    "cross_entropy target": lambda m: _f(m).cross_entropy(m.ones(2, 3), m.tensor([0, 3])),
    "nll_loss batch": lambda m: _f(m).nll_loss(m.ones(2, 3), m.tensor([0])),
    "masked_fill mask shape": lambda m: m.ones(2).masked_fill(m.ones(3, dtype=m.bool), 0),
    "inplace broadcast": lambda m: m.ones(2).add_(m.ones(2, 2)),
    "layer_norm shape": lambda m: _f(m).layer_norm(m.ones(2, 3), (4,)),
    "glu odd": lambda m: _f(m).glu(m.ones(3)),
    # ---------------------------------------------------------------- dtypes
    "index with float": lambda m: m.ones(3)[m.tensor([0.0])],
    "gather float index": lambda m: m.ones(2).gather(0, m.tensor([0.0])),
    "cross_entropy float target dims": lambda m: _f(m).cross_entropy(m.ones(2, 3), m.ones(2)),
    "embedding float indices": lambda m: _f(m).embedding(m.tensor([0.0]), m.ones(2, 2)),
    "bitwise float": lambda m: m.ones(2) & m.ones(2),
    "gelu int": lambda m: _f(m).gelu(m.tensor([1, 2])),
    "softmax int": lambda m: m.softmax(m.tensor([1, 2]), 0),
    "sub bool": lambda m: m.tensor([True]) - m.tensor([False]),
    "neg bool": lambda m: -m.tensor([True]),
    "mm dtypes": lambda m: m.mm(m.ones(2, 2, dtype=m.int64), m.ones(2, 2)),
    "inplace float into int": lambda m: m.ones(2, dtype=m.int64).add_(1.5),
    "out float into int": lambda m: m.add(m.ones(2), 1, out=m.zeros(2, dtype=m.int64)),
    "mean int": lambda m: m.tensor([1, 2]).mean(),
    "randn int dtype": lambda m: m.randn(2, dtype=m.int64),
    "requires_grad int": lambda m: m.tensor([1, 2], requires_grad=True),
    "topk bool": lambda m: m.ones(2, dtype=m.bool).topk(1),
    "int div by zero": lambda m: m.tensor([1]) // m.tensor([0]),
    # ---------------------------------------------------------------- bad arguments
    "tensor of str": lambda m: m.tensor("a"),
    "tensor ragged": lambda m: m.tensor([[1, 2], [3]]),
    "zeros negative": lambda m: m.zeros(-1),
    "arange step zero": lambda m: m.arange(0, 1, 0),
    "full str": lambda m: m.full((2,), "x"),
    "reshape two -1": lambda m: m.ones(4).reshape(-1, -1),
    "chunk zero": lambda m: m.ones(2).chunk(0),
    "topk k": lambda m: m.ones(2).topk(3),
    "clamp none": lambda m: m.clamp(m.ones(2)),
    "hardtanh bounds": lambda m: _f(m).hardtanh(m.ones(2), 2.0, 1.0),
    "dropout p": lambda m: _f(m).dropout(m.ones(2), 1.5),
    "Linear features": lambda m: m.nn.Linear(-1, 2),
    "Dropout p": lambda m: m.nn.Dropout(2.0),
    "interpolate mode": lambda m: _f(m).interpolate(m.ones(1, 1, 2), scale_factor=2, mode="nope"),
    "loss reduction": lambda m: _f(m).mse_loss(m.ones(2), m.ones(2), reduction="nope"),
    "pad mode": lambda m: _f(m).pad(m.ones(1, 2), (1, 1), mode="nope"),
    "SGD lr": lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], lr=-1.0),
    "Adam betas": lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], betas=(1.5, 0.9)),
    "optimizer empty": lambda m: m.optim.SGD([], lr=0.1),
    "backward non-scalar": lambda m: (m.ones(2, requires_grad=True) * 2).backward(),
    "backward no grad": lambda m: m.ones(2).sum().backward(),
    "leaf inplace": lambda m: m.ones(2, requires_grad=True).add_(1),
    "numpy with grad": lambda m: m.ones(2, requires_grad=True).numpy(),
    "item of many": lambda m: m.ones(2).item(),
    "bool of many": lambda m: bool(m.ones(2)),
    "int of many": lambda m: int(m.ones(2)),
    "len of 0-d": lambda m: len(m.tensor(1.0)),
    "iterate 0-d": lambda m: iter(m.tensor(1.0)),
    "to bad dtype": lambda m: m.ones(2).to("nope"),
    "state_dict missing key": lambda m: m.nn.Linear(2, 2).load_state_dict({}),
    "Module call missing arg": lambda m: m.nn.Linear(2, 2)(),
    "DataLoader batch_size": lambda m: m.utils.data.DataLoader([1, 2], batch_size=0),
    "manual_seed str": lambda m: m.manual_seed("x"),
    "one_hot negative": lambda m: _f(m).one_hot(m.tensor([-1])),
    "multinomial negative": lambda m: m.multinomial(m.tensor([-1.0, 1.0]), 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_class_matches_torch(case):
    fn = CASES[case]
    errors = []
    for lib in (torch, nt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fn(lib)
            except Exception as e:  # noqa: BLE001 - the class is what is compared
                errors.append(e)
            else:
                errors.append(None)
    want, got = errors
    assert want is not None, f"the case is not an error in torch: {case}"
    assert got is not None, f"torch raises {type(want).__name__}: {want}; numtorch succeeds"
    assert isinstance(got, type(want)), \
        f"torch raises {type(want).__name__}: {want}\nnumtorch raises {type(got).__name__}: {got}"
