"""Legacy tensor types as eriklindernoren/PyTorch-GAN uses them: ``Tensor = torch.FloatTensor`` then
``imgs.type(Tensor)`` and ``Tensor(np_array)``; compared with real torch."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch

LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
          "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
def test_type_with_legacy_class(name):
    a = np.array([[0, 1], [2, 3]], dtype=np.int64)
    got = nt.from_numpy(a).type(getattr(nt, name))
    want = torch.from_numpy(a).type(getattr(torch, name))
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_class_attributes(name):
    n, t = getattr(nt, name), getattr(torch, name)
    assert repr(n) == repr(t)
    assert (n.__name__, n.__module__) == (t.__name__, t.__module__)
    assert str(n.dtype) == str(t.dtype)
    assert n.is_cuda == t.is_cuda and n.is_sparse == t.is_sparse


def test_type_with_tensor_class_and_strings():
    for lib in (nt, torch):
        x = lib.arange(3)
        assert str(x.type(lib.Tensor).dtype) == "torch.float32"
        assert str(x.type("torch.DoubleTensor").dtype) == "torch.float64"
        assert x.type() == "torch.LongTensor"


@pytest.mark.parametrize("bad", [int, "torch.Foo", "FloatTensor"])
def test_type_invalid(bad):
    msgs = []
    for lib in (nt, torch):
        with pytest.raises(ValueError) as e:
            lib.arange(3).type(bad)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_gan_boilerplate_values():
    # z = Variable(Tensor(np.random.normal(0, 1, (4, 3)))) and valid = Tensor(4, 1).fill_(1.0)
    z = np.random.default_rng(0).normal(0, 1, (4, 3))
    got, want = nt.FloatTensor(z), torch.FloatTensor(z)
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    np.testing.assert_array_equal(nt.FloatTensor(4, 1).fill_(1.0).numpy(), torch.FloatTensor(4, 1).fill_(1.0).numpy())
