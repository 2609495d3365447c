"""Legacy (non-zip) checkpoints written by real torch.save(..., _use_new_zipfile_serialization=False): they load
to equal values, with the same safety rules as zip checkpoints (restricted unpickler, sizes checked, truncation
detected); empty / garbage / malicious files raise PyTorch's exception classes."""
import io
import pickle
import struct
from collections import OrderedDict

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close


def _legacy_bytes(obj):
    b = io.BytesIO()
    torch.save(obj, b, _use_new_zipfile_serialization=False)
    return b.getvalue()


def _assert_same(got, want):
    if isinstance(want, torch.Tensor):
        assert isinstance(got, nt.Tensor)
        assert_close(got, want, rtol=0, atol=0)
        assert got.requires_grad == want.requires_grad
        assert type(got).__name__ == type(want).__name__
    elif isinstance(want, dict):
        assert type(got).__name__ == type(want).__name__ and list(got) == list(want)
        for k in want:
            _assert_same(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            _assert_same(g, w)
    else:
        assert got == want


def _modules():
    torch.manual_seed(0)
    return [torch.nn.Linear(4, 3), torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm1d(5),
            torch.nn.Sequential(torch.nn.Embedding(7, 4), torch.nn.LSTM(4, 6, batch_first=True)),
            torch.nn.LayerNorm([3, 2])]


@pytest.mark.parametrize("k", range(5))
def test_state_dicts_of_modules(k):
    m = _modules()[k]
    sd = m.state_dict()
    got = nt.load(io.BytesIO(_legacy_bytes(sd)))
    _assert_same(got, sd)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
                                   "uint8", "bool"])
def test_tensors_of_dtypes(dtype):
    t = (torch.arange(-6, 6).reshape(3, 4) * 3).to(getattr(torch, dtype))
    _assert_same(nt.load(io.BytesIO(_legacy_bytes(t))), t)


def test_views_share_a_storage_and_nesting():
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "row": base[1], "step": base[:, ::2], "exp": base[0:1].expand(3, 6),
           "nested": [(base[2:], {"deep": OrderedDict(a=base[:, 3])}), 5, "s", 2.5, None, True],
           "param": torch.nn.Parameter(torch.ones(2, 2)), "empty": torch.zeros(0, 3), "scalar": torch.tensor(7)}
    got = nt.load(io.BytesIO(_legacy_bytes(obj)))
    _assert_same(got, obj)
    # tensors that shared a storage when saved share it again
    got["base"][1, 0] = -1.0
    assert got["row"][0].item() == -1.0 and got["t"][0, 1].item() == -1.0
    assert got["nested"][0][0][0, 0].item() == 12.0


def test_path_and_weights_only_false(tmp_path):
    sd = _modules()[0].state_dict()
    p = tmp_path / "legacy.pt"
    torch.save(sd, p, _use_new_zipfile_serialization=False)
    _assert_same(nt.load(p), sd)
    _assert_same(nt.load(str(p), weights_only=False), sd)


def _classes(data, weights_only=True):
    """(torch's exception, numtorch's exception) when loading ``data``."""
    out = []
    for lib in (torch, nt):
        try:
            lib.load(io.BytesIO(data), weights_only=weights_only)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            out.append(e)
        else:
            out.append(None)
    return out


def test_empty_file_is_eof_error():
    want, got = _classes(b"")
    assert isinstance(want, EOFError) and isinstance(got, EOFError)
    assert "empty" in str(got)


def test_garbage_is_unpickling_error():
    want, got = _classes(b"\x00" * 64)
    assert isinstance(want, pickle.UnpicklingError) and isinstance(got, pickle.UnpicklingError)
    got = _classes(b"hello, this is not a checkpoint")[1]
    assert isinstance(got, pickle.UnpicklingError) and "not a PyTorch checkpoint" in str(got)
    # truncated zip: PyTorch's RuntimeError, as before
    z = io.BytesIO()
    torch.save({"a": torch.ones(3)}, z)
    want, got = _classes(z.getvalue()[:40])
    assert isinstance(want, RuntimeError) and isinstance(got, RuntimeError)


def test_truncated_storage_bytes():
    data = _legacy_bytes({"w": torch.arange(100.0)})
    for cut in (1, 10, 200, 404):
        want, got = _classes(data[:-cut])
        assert isinstance(want, RuntimeError) and isinstance(got, RuntimeError), (cut, want, got)
        assert "truncated" in str(got) or "EOF" in str(got)


@pytest.mark.parametrize("frac", [0.05, 0.2, 0.5, 0.7])
def test_truncated_anywhere_is_refused(frac):
    data = _legacy_bytes(_modules()[3].state_dict())
    with pytest.raises((RuntimeError, pickle.UnpicklingError, EOFError)):
        nt.load(io.BytesIO(data[:int(len(data) * frac)]))


def test_storage_larger_than_the_file_is_refused_before_allocation():
    data = _legacy_bytes(torch.arange(4.0))
    # the storage numel in the persistent id: 4 -> 2**40 (BININT1 4 becomes BININT 2**31-1 would shift offsets,
    # so patch the header instead: the numel after the keys list must match the object's)
    bad = data.replace(b"K\x04N", b"J\xff\xff\xff\x7fN", 1)
    assert bad != data
    with pytest.raises(RuntimeError, match="truncated"):
        nt.load(io.BytesIO(bad))
    hdr = data[:-16 - 8] + struct.pack("<q", 5) + data[-16:]
    with pytest.raises(pickle.UnpicklingError, match="5 elements"):
        nt.load(io.BytesIO(hdr))


class _Evil:
    def __reduce__(self):
        import os
        return (os.system, ("echo pwned",))


def test_malicious_global_is_refused():
    data = _legacy_bytes({"w": torch.ones(2), "evil": _Evil()})
    want, got = _classes(data)
    assert isinstance(want, pickle.UnpicklingError) and isinstance(got, pickle.UnpicklingError)
    assert "system" in str(got)


def test_bad_magic_number():
    data = _legacy_bytes(torch.ones(2))
    bad = pickle.dumps(12345, protocol=2) + data[len(pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)):]
    want, got = _classes(bad, weights_only=False)
    assert isinstance(want, RuntimeError) and isinstance(got, RuntimeError)
    assert "magic number" in str(got)


def test_numtorch_save_then_legacy_roundtrip_values_match_numpy():
    t = torch.randn(3, 5, dtype=torch.float64)
    got = nt.load(io.BytesIO(_legacy_bytes(t)))
    np.testing.assert_array_equal(got.numpy(), t.numpy())
