"""Helpers for the layer tests: build a torch module and a numtorch twin with the same weights."""
import numpy as np

import numtorch as nt
from conftest import torch, to_nt, assert_close


def twin(name, *args, **kwargs):
    """(torch module, numtorch module) with identical parameters and buffers; names and reprs checked equal."""
    tm = getattr(torch.nn, name)(*args, **kwargs)
    nm = getattr(nt.nn, name)(*args, **kwargs)
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict().keys()) == list(tm.state_dict().keys())
    tsd = tm.state_dict()
    for k, v in nm.state_dict().items():
        assert tuple(v.shape) == tuple(tsd[k].shape), k
        assert str(v._data.dtype) == str(tsd[k].numpy().dtype), k
        v._data[...] = tsd[k].numpy()
    return tm, nm


def run_both(tm, nm, *inputs, out_index=None, seed=0, rtol=1e-4, atol=1e-5, grad_inputs=True):
    """Forward both with the same float inputs, backward a random cotangent, compare outputs and all grads."""
    tins = [x.clone().requires_grad_(grad_inputs and x.is_floating_point()) for x in inputs]
    nins = [to_nt(x, grad_inputs and x.is_floating_point()) for x in inputs]
    to = tm(*tins)
    no = nm(*nins)
    if out_index is not None:
        to, no = to[out_index], no[out_index]
    assert_close(no, to, rtol, atol)
    gen = torch.Generator().manual_seed(seed)
    gy = torch.randn(to.shape, generator=gen, dtype=to.dtype)
    to.backward(gy)
    no.backward(to_nt(gy))
    for t, n in zip(tins, nins):
        if t.requires_grad:
            assert_close(n.grad, t.grad, rtol, atol)
    for (k, p), (k2, q) in zip(tm.named_parameters(), nm.named_parameters()):
        assert k == k2
        assert_close(q.grad, p.grad, rtol, atol)
    return to, no
