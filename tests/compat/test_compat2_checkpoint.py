"""torch.utils.checkpoint: recomputation in backward gives the gradients of the plain computation."""
import warnings

import numpy as np
import pytest

import numtorch as nt
import numtorch.utils.checkpoint as ntc
from conftest import torch, to_nt, assert_close
import torch.utils.checkpoint as tc


def _mlps():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.GELU(),
                             torch.nn.Linear(8, 3))
    nm = nt.nn.Sequential(nt.nn.Linear(4, 8), nt.nn.Tanh(), nt.nn.Linear(8, 8), nt.nn.GELU(), nt.nn.Linear(8, 3))
    nm.load_state_dict({k: to_nt(v) for k, v in tm.state_dict().items()})
    return tm, nm


@pytest.mark.parametrize("reentrant", [True, False])
@pytest.mark.parametrize("x_grad", [True, False])
def test_checkpoint_gradients_match_torch(reentrant, x_grad):
    tm, nm = _mlps()
    xa = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    tx, nx = torch.tensor(xa, requires_grad=x_grad), nt.tensor(xa, requires_grad=x_grad)
    calls = []

    def seg(lib_mod):
        def f(x, scale=1.0):
            calls.append(1)
            return lib_mod[2](lib_mod[1](lib_mod[0](x))) * scale
        return f
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        th = tc.checkpoint(seg(tm), tx, use_reentrant=reentrant)
        nh = ntc.checkpoint(seg(nm), nx, use_reentrant=reentrant)
    assert nh.requires_grad == th.requires_grad
    assert len(calls) == 2
    if not nh.requires_grad:   # reentrant with no input needing grad: the segment's parameters get nothing
        return
    to = tm[4](tm[3](th)).pow(2).sum()
    no = nm[4](nm[3](nh)).pow(2).sum()
    assert_close(no, to, rtol=1e-5)
    to.backward()
    no.backward()
    assert len(calls) == 4    # backward ran each segment again
    for (k, tp), np_ in zip(tm.named_parameters(), nm.parameters()):
        assert_close(np_.grad, tp.grad, rtol=1e-4, atol=1e-6)
    if x_grad:
        assert_close(nx.grad, tx.grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_dropout_replays_rng(reentrant):
    """Gradients through a checkpointed dropout equal those of the same computation without checkpointing."""
    def run(use_ckpt, preserve=True):
        nt.manual_seed(3)
        lin = nt.nn.Linear(6, 6)
        x = nt.randn(4, 6, requires_grad=True)

        def f(x):
            return nt.nn.functional.dropout(lin(x), p=0.5, training=True).tanh()
        y = ntc.checkpoint(f, x, use_reentrant=reentrant, preserve_rng_state=preserve) if use_ckpt else f(x)
        y.sum().backward()
        return y.detach().numpy(), x.grad.numpy(), lin.weight.grad.numpy()
    plain, ck = run(False), run(True)
    for a, b in zip(plain, ck):
        np.testing.assert_array_equal(a, b)
    # without the replay, the recomputation draws other masks: its gradients differ from the forward's
    other = run(True, preserve=False)
    assert not np.array_equal(other[1], plain[1])


def test_checkpoint_sequential_and_tuple_outputs():
    tm, nm = _mlps()
    xa = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    tx, nx = torch.tensor(xa, requires_grad=True), nt.tensor(xa, requires_grad=True)
    ty = tc.checkpoint_sequential(tm, 2, tx, use_reentrant=False)
    ny = ntc.checkpoint_sequential(nm, 2, nx, use_reentrant=False)
    assert_close(ny, ty)
    ty.sum().backward()
    ny.sum().backward()
    assert_close(nx.grad, tx.grad, rtol=1e-4)
    for tp, np_ in zip(tm.parameters(), nm.parameters()):
        assert_close(np_.grad, tp.grad, rtol=1e-4, atol=1e-6)

    def two(lib):
        return lambda a, b: (a * b, "tag", a.sin())
    ta, tb = torch.ones(3, requires_grad=True), torch.full((3,), 2.0, requires_grad=True)
    na, nb = nt.ones(3, requires_grad=True), nt.full((3,), 2.0, requires_grad=True)
    tout = tc.checkpoint(two(torch), ta, tb, use_reentrant=True)
    nout = ntc.checkpoint(two(nt), na, nb, use_reentrant=True)
    assert nout[1] == tout[1] == "tag"
    (tout[0].sum() + tout[2].sum()).backward()
    (nout[0].sum() + nout[2].sum()).backward()
    assert_close(na.grad, ta.grad)
    assert_close(nb.grad, tb.grad)


def test_checkpoint_warnings_and_errors_as_torch():
    f = lambda x: x * 2  # noqa: E731
    for lib, mod in ((torch, tc), (nt, ntc)):
        x = lib.ones(2)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mod.checkpoint(f, x)
        msgs = [str(m.message) for m in w]
        assert any(m.startswith("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly")
                   for m in msgs), msgs
        assert "None of the inputs have requires_grad=True. Gradients will be None" in msgs
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            mod.checkpoint(f, x, use_reentrant=True, foo=1)
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            mod.checkpoint_sequential([f], 1, x, use_reentrant=True, foo=1)
    assert sorted(ntc.__all__) == sorted(tc.__all__)
