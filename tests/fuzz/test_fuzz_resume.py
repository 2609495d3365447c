"""Exact resume: a training loop checkpointed at step k (model, optimizer, scheduler, RNG state) and resumed in a
fresh process reaches bitwise the same parameters at step n as the uninterrupted run; and an interrupted save
leaves the previous checkpoint loadable."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_PROGRAM = textwrap.dedent("""
    import sys
    import numpy as np
    import numtorch as torch
    import numtorch.nn as nn

    mode, ckpt, out, k, n, opt_name = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), \\
        sys.argv[6]

    def build():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
        opt = (torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-3) if opt_name == "adam" else
               torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True))
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        return model, opt, sched

    def step(model, opt, sched):
        x = torch.randn(8, 6)                      # data drawn from the global generator
        y = torch.randint(0, 3, (8,))
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()

    model, opt, sched = build()
    if mode == "straight":
        for _ in range(n):
            step(model, opt, sched)
    elif mode == "first":
        for _ in range(k):
            step(model, opt, sched)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "rng": torch.get_rng_state()}, ckpt)
        sys.exit(0)
    else:  # resume in this fresh process
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        torch.set_rng_state(state["rng"])
        for _ in range(n - k):
            step(model, opt, sched)
    np.savez(out, *[p.detach().numpy() for p in model.parameters()])
""")


def _run(tmp_path, *args):
    script = tmp_path / "train.py"
    script.write_text(_PROGRAM)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, str(script), *map(str, args)], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]


@pytest.mark.parametrize("opt_name", ["sgd", "adam"])
def test_resume_in_a_fresh_process_is_bitwise_exact(tmp_path, opt_name):
    k, n = 4, 9
    ckpt = tmp_path / "ckpt.pt"
    _run(tmp_path, "straight", ckpt, tmp_path / "a.npz", k, n, opt_name)
    _run(tmp_path, "first", ckpt, tmp_path / "unused.npz", k, n, opt_name)
    _run(tmp_path, "resume", ckpt, tmp_path / "b.npz", k, n, opt_name)
    a, b = np.load(tmp_path / "a.npz"), np.load(tmp_path / "b.npz")
    assert len(a.files) == len(b.files) == 4
    for name in a.files:
        assert a[name].dtype == b[name].dtype
        assert np.array_equal(a[name], b[name]), f"parameter {name} differs after resuming"


def test_interrupted_save_keeps_the_previous_checkpoint(tmp_path):
    """A save that dies half-way (here: an object that fails to pickle) leaves the old file intact and loadable,
    and no temporary file behind."""
    import numtorch as nt

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("interrupted")

    path = tmp_path / "model.pt"
    nt.save({"w": nt.arange(4.0)}, path)
    with pytest.raises(Exception):
        nt.save({"w": nt.ones(1000), "bad": Unpicklable()}, path)
    assert nt.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert os.listdir(tmp_path) == ["model.pt"]
