"""torch.multiprocessing and Tensor.share_memory_: Hogwild updates made in child processes are seen by the
parent; spawn's semantics (fn(i, *args), ProcessRaisedException) as PyTorch's."""
import inspect
import multiprocessing
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import numtorch as nt
import numtorch.multiprocessing as ntmp
from conftest import torch, assert_close
import torch.multiprocessing as tmp
from compat2_mp_workers import add_rank as _add_rank, raise_in_one as _raise_in_one, \
    exit_in_one as _exit_in_one, sgd_steps as _sgd_steps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_names_like_torch():
    assert sorted(ntmp.__all__) == sorted(tmp.__all__)
    for name in ("spawn", "start_processes"):
        assert inspect.signature(getattr(ntmp, name)) == inspect.signature(getattr(tmp, name))
    assert ntmp.get_sharing_strategy() == tmp.get_sharing_strategy()
    assert ntmp.get_all_sharing_strategies() == tmp.get_all_sharing_strategies()
    assert [c.__name__ for c in ntmp.ProcessRaisedException.__mro__] == \
        [c.__name__ for c in tmp.ProcessRaisedException.__mro__]
    assert ntmp.Process is multiprocessing.Process and ntmp.cpu_count() == tmp.cpu_count()


def test_share_memory_flags_and_pickle():
    for lib in (torch, nt):
        t = lib.zeros(4)
        assert t.is_shared() is False
        assert t.share_memory_() is t
        assert t.is_shared() and t[1:].is_shared()
        assert (t + 1).is_shared() is False
    t = nt.arange(6, dtype=nt.float32).share_memory_()
    u = pickle.loads(pickle.dumps(t[2:]))
    u[0] = 100.0
    assert t.tolist() == [0.0, 1.0, 100.0, 3.0, 4.0, 5.0]
    m = nt.nn.Linear(3, 2).share_memory()
    assert all(p.is_shared() for p in m.parameters())
    p = pickle.loads(pickle.dumps(m.weight))
    assert type(p) is nt.nn.Parameter and p.requires_grad and p.is_shared()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_children_updates_seen_by_parent(method):
    t = nt.zeros(3).share_memory_()
    ctx = multiprocessing.get_context(method)
    ps = [ctx.Process(target=_add_rank, args=(i, t)) for i in range(3)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    assert [p.exitcode for p in ps] == [0, 0, 0]
    want = torch.zeros(3)
    for i in range(3):
        want[i] += i + 1
    assert_close(t, want)


def test_hogwild_parameters_trained_in_child():
    torch.manual_seed(0)
    tm = torch.nn.Linear(4, 1)
    nm = nt.nn.Linear(4, 1)
    nm.load_state_dict({k: nt.from_numpy(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})
    nm.share_memory()
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_sgd_steps, args=(nm, 5))
    p.start()
    p.join()
    assert p.exitcode == 0
    opt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.5)
    x = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 10
    for _ in range(5):
        opt.zero_grad()
        (tm(x) - 1).pow(2).mean().backward()
        opt.step()
    assert_close(nm.weight, tm.weight)
    assert_close(nm.bias, tm.bias)


def test_spawn_semantics():
    t = nt.zeros(2).share_memory_()
    assert ntmp.spawn(_add_rank, args=(t,), nprocs=2) is None
    assert t.tolist() == [1.0, 2.0]
    with pytest.raises(ntmp.ProcessRaisedException) as ei:
        ntmp.spawn(_raise_in_one, args=("bad thing",), nprocs=2)
    assert ei.value.error_index == 1
    assert str(ei.value).startswith("\n\n-- Process 1 terminated with the following error:\nTraceback")
    assert "ValueError: bad thing" in str(ei.value)
    with pytest.raises(ntmp.ProcessExitedException, match="process 0 terminated with exit code 3") as ei:
        ntmp.start_processes(_exit_in_one, nprocs=2, start_method="fork")
    assert ei.value.exit_code == 3
    ctx = ntmp.start_processes(_add_rank, args=(t,), nprocs=2, join=False, start_method="fork")
    assert isinstance(ctx, ntmp.ProcessContext) and len(ctx.pids()) == 2
    while not ctx.join():
        pass
    assert t.tolist() == [2.0, 4.0]


SCRIPT = '''
import sys
import torch
import torch.nn as nn
import torch.multiprocessing as mp


def train(rank, model, shared):
    shared[rank] += rank + 1
    if rank != 0:
        return
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    x = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 10
    for _ in range(4):
        opt.zero_grad()
        (model(x) - 1).pow(2).mean().backward()
        opt.step()


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1], force=True)
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.1, -0.2, 0.3, -0.4]]))
        model.bias.fill_(0.05)
    model.share_memory()
    shared = torch.zeros(3)
    shared.share_memory_()
    p = mp.Process(target=train, args=(0, model, shared))
    p.start()
    p.join()
    mp.spawn(train, args=(model, shared), nprocs=2)
    print(" ".join(f"{v:.5f}" for v in model.weight.detach().flatten().tolist() + shared.tolist()))
'''


def test_hogwild_script_under_numtorch_run_matches_torch(tmp_path):
    method = "spawn"   # children are fresh interpreters: numtorch run must serve them torch too
    path = tmp_path / "hog.py"
    path.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT)
    runs = []
    for cmd in ([sys.executable, str(path), method], [sys.executable, "-m", "numtorch", "run", str(path), method]):
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=300)
        assert out.returncode == 0, out.stderr
        runs.append([float(v) for v in out.stdout.split()])
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-5, atol=1e-6)
