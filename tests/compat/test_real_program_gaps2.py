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
