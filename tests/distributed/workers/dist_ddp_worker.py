"""DistributedDataParallel on 2+ ranks against single-process training on the concatenated batch.

argv: optimizer (sgd | adam) and accumulation steps (1: every backward synchronised; 2: the first
micro-batch under no_sync). Prints ``OK <rank> <name>`` per passing check; exits 1 on a failure.
"""
import sys
import traceback

import numpy as np

import numtorch as torch
import numtorch.distributed as dist
from numtorch import nn
from numtorch.nn.parallel import DistributedDataParallel as DDP

opt_name, accum = sys.argv[1], int(sys.argv[2])
dist.init_process_group("gloo")
R, W = dist.get_rank(), dist.get_world_size()
failures = []
B, STEPS = 4, 3   # per-rank micro-batch rows, optimizer steps


def check(name, fn):
    try:
        fn()
        print(f"OK {R} {name}", flush=True)
    except Exception:
        failures.append(name)
        print(f"FAIL {R} {name}\n{traceback.format_exc()}", flush=True)


def make_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))


def make_opt(params):
    if opt_name == "sgd":
        return torch.optim.SGD(params, lr=0.1, momentum=0.9)
    return torch.optim.Adam(params, lr=0.01)


def batch(step, micro):
    """The global batch of one micro-step: W * B rows; rank r's part is rows [r*B, (r+1)*B)."""
    rng = np.random.default_rng(100 * step + micro)
    return (torch.from_numpy(rng.standard_normal((W * B, 6)).astype(np.float32)),
            torch.from_numpy(rng.standard_normal((W * B, 3)).astype(np.float32)))


def flat(model):
    return np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


# every rank starts from a different initialisation: DDP must broadcast rank 0's
ddp = DDP(make_model(seed=R))
ref = make_model(seed=0)
opt, ref_opt = make_opt(ddp.parameters()), make_opt(ref.parameters())
loss_fn = nn.MSELoss()


def same_on_all_ranks(tag):
    mine = torch.from_numpy(flat(ddp.module))
    out = [torch.zeros_like(mine) for _ in range(W)]
    dist.all_gather(out, mine)
    for o in out:
        assert np.array_equal(o.numpy(), mine.numpy()), f"{tag}: parameters differ between ranks"


check("broadcast_at_construction", lambda: same_on_all_ranks("init") or
      np.testing.assert_array_equal(flat(ddp.module), flat(ref)))

for step in range(STEPS):
    def train_step():
        opt.zero_grad()
        ref_opt.zero_grad()
        for micro in range(accum):
            x, y = batch(step, micro)
            lx, ly = x[R * B:(R + 1) * B], y[R * B:(R + 1) * B]
            if micro < accum - 1:
                with ddp.no_sync():
                    (loss_fn(ddp(lx), ly) / accum).backward()
                # no_sync: this rank's gradients are its own (not averaged yet)
            else:
                (loss_fn(ddp(lx), ly) / accum).backward()
            (loss_fn(ref(x), y) / accum).backward()     # the concatenated batch in one process
        for p, q in zip(ddp.module.parameters(), ref.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-7)
        opt.step()
        ref_opt.step()
        same_on_all_ranks(f"step {step}")
        np.testing.assert_allclose(flat(ddp.module), flat(ref), rtol=1e-5, atol=1e-6)
    check(f"{opt_name}_accum{accum}_step{step}", train_step)


def no_sync_keeps_local():
    ddp.zero_grad()
    x, y = batch(99, 0)
    with ddp.no_sync():
        loss_fn(ddp(x[R * B:(R + 1) * B]), y[R * B:(R + 1) * B]).backward()
    local = make_model(seed=0)
    local.load_state_dict(ddp.module.state_dict())
    loss_fn(local(x[R * B:(R + 1) * B]), y[R * B:(R + 1) * B]).backward()
    for p, q in zip(ddp.module.parameters(), local.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)


check("no_sync_local_gradients", no_sync_keeps_local)


def state_dict_keys():
    assert list(ddp.state_dict()) == ["module." + k for k in ddp.module.state_dict()]
    assert ddp.module is ddp._modules["module"]


check("state_dict_prefix", state_dict_keys)


class TwoBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 2)
        self.b = nn.Linear(4, 2)
        self.never = nn.Linear(4, 2)

    def forward(self, x, use_b):
        return self.a(x) + self.b(x) if use_b else self.a(x)


def find_unused():
    torch.manual_seed(1)
    m = DDP(TwoBranch(), find_unused_parameters=True)
    torch.manual_seed(1)
    ref2 = TwoBranch()
    xs = [torch.from_numpy(np.random.default_rng(7 + r).standard_normal((3, 4)).astype(np.float32))
          for r in range(W)]
    # rank 0 uses branch b, the others do not; nobody uses `never`
    for _ in range(2):      # twice: the reduction must finish each iteration
        m.zero_grad()
        m(xs[R], R == 0).sum().backward()
    ref2.zero_grad()
    (sum(ref2(xs[r], r == 0).sum() for r in range(W)) / W).backward()
    for (n, p), q in zip(m.module.named_parameters(), ref2.parameters()):
        if n.startswith("never"):
            assert p.grad is None, n          # unused on every rank: left untouched
        else:
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, err_msg=n)


check("find_unused_parameters", find_unused)


def unused_without_flag():
    torch.manual_seed(1)
    m = DDP(TwoBranch())
    x = torch.ones(3, 4)
    m(x, False).sum().backward()
    try:
        m(x, False)
    except RuntimeError as e:
        assert "Expected to have finished reduction in the prior iteration" in str(e), e
    else:
        raise AssertionError("a second forward after an incomplete reduction should raise")


check("unused_without_find_unused_raises", unused_without_flag)


class WithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.register_buffer("shift", torch.full((2,), float(R + 1)))

    def forward(self, x):
        return self.lin(x) + self.shift


def buffers():
    m = DDP(WithBuffer())
    assert np.array_equal(m.module.shift.numpy(), np.full(2, 1, np.float32))   # rank 0's at construction
    m.module.shift.fill_(10.0 * (R + 1))          # diverge, then forward re-broadcasts rank 0's
    out = m(torch.zeros(1, 2))
    assert np.array_equal(m.module.shift.numpy(), np.full(2, 10, np.float32))
    np.testing.assert_allclose(out.detach().numpy(), (m.module.lin.bias.detach() + 10).numpy()[None])
    # as nanoGPT: rank 0 alone evaluates under no_grad between training steps. As in PyTorch, that
    # forward's buffer broadcast meets the other ranks' next training forward, and the forward after an
    # unsynchronised one broadcasts nothing: the ranks stay in step
    opt_ = torch.optim.SGD(m.parameters(), lr=0.1)
    for it in range(3):
        if R == 0:        # nanoGPT's order: evaluate, then train
            with torch.no_grad():
                m(torch.ones(1, 2))
        m(torch.ones(2, 2)).sum().backward()
        opt_.step()
        opt_.zero_grad()
    same = torch.cat([p.detach().reshape(-1) for p in m.parameters()])
    got = [torch.zeros_like(same) for _ in range(W)]
    dist.all_gather(got, same)
    assert all(np.array_equal(g.numpy(), same.numpy()) for g in got)
    m2 = DDP(WithBuffer(), broadcast_buffers=False)
    m2.module.shift.fill_(float(R))
    m2(torch.zeros(1, 2))
    assert np.array_equal(m2.module.shift.numpy(), np.full(2, R, np.float32))


check("broadcast_buffers", buffers)


def overlapped():
    # one parameter per bucket: each bucket's allreduce starts as soon as its gradient is in, while
    # backward goes on (after the first iteration, which orders the buckets by arrival)
    m = DDP(make_model(seed=0), bucket_cap_mb=1e-6)
    red = m.reducer
    x, y = batch(0, 0)
    loss_fn(m(x[:B]), y[:B]).backward()       # the first iteration: buckets rebuilt in arrival order
    assert red.rebuilt and len(red.buckets) == len(list(m.parameters())), len(red.buckets)
    started = []
    for p in m.module.parameters():            # runs after DDP's own hook on the same parameter
        p.register_post_accumulate_grad_hook(lambda p: started.append(red.next))
    m.zero_grad()
    loss_fn(m(x[:B]), y[:B]).backward()
    assert started == list(range(1, len(red.buckets) + 1)), started
    assert not red.started


check("buckets_start_during_backward", overlapped)

dist.destroy_process_group()
sys.exit(1 if failures else 0)
