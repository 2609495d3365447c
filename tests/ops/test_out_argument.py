"""``out=``: results written in place with PyTorch's checks (views see them, resize warning, casts, autograd)."""
import warnings

import pytest

from conftest import torch, assert_close

import numtorch as nt


@pytest.mark.parametrize("lib", [torch, nt], ids=["torch", "numtorch"])
def test_out_writes_in_place_visible_through_views(lib):
    out = lib.zeros(2, 3)
    view = out.view(6)
    r = lib.add(lib.ones(2, 3), 1, out=out)
    assert r is out
    assert view.tolist() == [2.0] * 6


def test_out_resize_warns_like_torch():
    msgs = {}
    for lib in (torch, nt):
        out = lib.zeros(3)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.exp(lib.zeros(2, 3), out=out)
        assert tuple(out.shape) == (2, 3)
        msgs[lib] = [str(x.message).split(" (Triggered")[0] for x in w]
    assert msgs[nt] == msgs[torch]
    for lib in (torch, nt):   # an empty out is resized silently
        out = lib.zeros(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.exp(lib.zeros(2, 3), out=out)
        assert tuple(out.shape) == (2, 3)


def test_out_dtype_rules_like_torch():
    for lib in (torch, nt):
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
            lib.add(lib.ones(2) * 1.5, 1, out=lib.zeros(2, dtype=lib.long))
    o_t, o_n = torch.zeros(2, dtype=torch.float64), nt.zeros(2, dtype=nt.float64)
    torch.add(torch.ones(2), 1, out=o_t)
    nt.add(nt.ones(2), 1, out=o_n)
    assert_close(o_n, o_t)


def test_out_refuses_autograd_like_torch():
    for lib in (torch, nt):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"exp\(\): functions with out=\.\.\. arguments don't support"):
            lib.exp(x, out=lib.zeros(2))
