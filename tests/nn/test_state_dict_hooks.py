"""Module state_dict pre-hooks are called as PyTorch calls them."""
from conftest import torch

import numtorch as nt


def test_state_dict_pre_hook_called_with_prefix_and_keep_vars():
    calls = {}
    for lib in (torch, nt):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Sequential(lib.nn.Linear(2, 1)))
        seen = calls.setdefault(lib, [])
        for mod in m.modules():
            mod.register_state_dict_pre_hook(lambda mod, prefix, keep_vars, seen=seen:
                                             seen.append((type(mod).__name__, prefix, keep_vars)))
        m.state_dict(keep_vars=True)
        h = m[0].register_state_dict_pre_hook(lambda *a: seen.append("extra"))
        h.remove()
        m.state_dict()
    assert calls[nt] == calls[torch]
