"""Every collective on 2+ ranks against a NumPy reference computed from all ranks' inputs.

Prints ``OK <rank> <name>`` per passing check and exits 1 after printing the failures.
"""
import sys
import traceback

import numpy as np

import numtorch as torch
import numtorch.distributed as dist

dist.init_process_group("gloo")
R, W = dist.get_rank(), dist.get_world_size()
failures = []


def data(rank, shape=(3, 4), dtype=np.float32, seed=0):
    return np.random.default_rng(1000 * seed + rank).standard_normal(shape).astype(dtype)


def check(name):
    def deco(fn):
        try:
            fn()
            print(f"OK {R} {name}", flush=True)
        except Exception:
            failures.append(name)
            print(f"FAIL {R} {name}\n{traceback.format_exc()}", flush=True)
        return fn
    return deco


def eq(t, ref, rtol=1e-6):
    assert isinstance(t, torch.Tensor)
    np.testing.assert_allclose(t.numpy(), ref, rtol=rtol, atol=1e-6)
    assert t.numpy().dtype == np.asarray(ref).dtype, (t.numpy().dtype, np.asarray(ref).dtype)


ALL = [data(r) for r in range(W)]
REDUCE = {"SUM": np.sum, "AVG": np.mean, "MAX": np.max, "MIN": np.min, "PRODUCT": np.prod}

for opname, f in REDUCE.items():
    @check(f"all_reduce_{opname}")
    def _(opname=opname, f=f):
        t = torch.from_numpy(data(R).copy())
        ptr, v = t.data_ptr(), t._version
        assert dist.all_reduce(t, op=getattr(dist.ReduceOp, opname)) is None
        eq(t, f(np.stack(ALL), axis=0).astype(np.float32), rtol=1e-5)
        assert t.data_ptr() == ptr and t._version > v   # in place


@check("all_reduce_int64_sum")
def _():
    t = torch.tensor([R + 1, 10 * R], dtype=torch.int64)
    dist.all_reduce(t)
    eq(t, np.array([sum(r + 1 for r in range(W)), sum(10 * r for r in range(W))], np.int64))


@check("all_reduce_noncontiguous")
def _():
    base = torch.from_numpy(data(R, (4, 3)).copy())
    t = base.t()                     # a strided view: reduced through a copy, written back into base
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    eq(base, np.max(np.stack([data(r, (4, 3)) for r in range(W)]), 0))


@check("all_reduce_async")
def _():
    t = torch.from_numpy(data(R).copy())
    w = dist.all_reduce(t, async_op=True)
    assert w.wait() is True and w.is_completed()
    eq(t, np.sum(np.stack(ALL), 0), rtol=1e-5)


@check("float16")
def _():
    t = torch.from_numpy(data(R, dtype=np.float16).copy())
    dist.all_reduce(t)
    ref = np.sum(np.stack([data(r).astype(np.float16).astype(np.float32) for r in range(W)]), 0)
    np.testing.assert_allclose(t.numpy().astype(np.float32), ref, rtol=2e-3, atol=2e-3)
    assert t.dtype == torch.float16
    out = torch.zeros(W * 3, 4, dtype=torch.float16)
    dist.all_gather_into_tensor(out, torch.from_numpy(data(R, dtype=np.float16).copy()))
    eq(out, np.concatenate([data(r, dtype=np.float16) for r in range(W)]))


@check("broadcast")
def _():
    src = W - 1
    t = torch.from_numpy(data(R).copy())
    dist.broadcast(t, src=src)
    eq(t, ALL[src])
    t = torch.from_numpy(data(R, seed=3).copy())
    dist.broadcast(t, src=0, async_op=True).wait()
    eq(t, data(0, seed=3))


@check("reduce")
def _():
    dst = W - 1
    t = torch.from_numpy(data(R).copy())
    dist.reduce(t, dst=dst, op=dist.ReduceOp.SUM)
    eq(t, np.sum(np.stack(ALL), 0) if R == dst else ALL[R], rtol=1e-5)
    t = torch.from_numpy(data(R).copy())
    dist.reduce(t, dst=0, op=dist.ReduceOp.MIN)
    eq(t, np.min(np.stack(ALL), 0) if R == 0 else ALL[R])


@check("all_gather")
def _():
    out = [torch.zeros(3, 4) for _ in range(W)]
    dist.all_gather(out, torch.from_numpy(data(R).copy()))
    for r in range(W):
        eq(out[r], ALL[r])


@check("all_gather_into_tensor")
def _():
    out = torch.zeros(W * 3, 4)
    dist.all_gather_into_tensor(out, torch.from_numpy(data(R).copy()))
    eq(out, np.concatenate(ALL))
    out = torch.zeros(W, 3, 4)
    dist.all_gather_into_tensor(out, torch.from_numpy(data(R).copy()), async_op=True).wait()
    eq(out, np.stack(ALL))


@check("reduce_scatter_tensor")
def _():
    inp = [data(r, (W * 2, 3), seed=5) for r in range(W)]
    out = torch.zeros(2, 3)
    dist.reduce_scatter_tensor(out, torch.from_numpy(inp[R].copy()))
    eq(out, np.sum(np.stack(inp), 0)[2 * R:2 * R + 2], rtol=1e-5)
    dist.reduce_scatter_tensor(out, torch.from_numpy(inp[R].copy()), op=dist.ReduceOp.AVG)
    eq(out, np.mean(np.stack(inp), 0)[2 * R:2 * R + 2], rtol=1e-5)


@check("gather")
def _():
    dst = W - 1
    lst = [torch.zeros(3, 4) for _ in range(W)] if R == dst else None
    dist.gather(torch.from_numpy(data(R).copy()), lst, dst=dst)
    if R == dst:
        for r in range(W):
            eq(lst[r], ALL[r])


@check("scatter")
def _():
    src = W - 1
    chunks = [data(r, seed=7) for r in range(W)]
    lst = [torch.from_numpy(c.copy()) for c in chunks] if R == src else None
    t = torch.zeros(3, 4)
    dist.scatter(t, lst, src=src)
    eq(t, chunks[R])


@check("all_to_all")
def _():
    # rank i sends (i + j + 1) values to rank j: unequal sizes
    inp = [torch.full((R + j + 1,), float(10 * R + j)) for j in range(W)]
    out = [torch.zeros(i + R + 1) for i in range(W)]
    dist.all_to_all(out, inp)
    for i in range(W):
        eq(out[i], np.full(i + R + 1, 10 * i + R, np.float32))


@check("all_to_all_single")
def _():
    inp = torch.arange(W * 2, dtype=torch.float32) + 100 * R
    out = torch.zeros(W * 2)
    dist.all_to_all_single(out, inp)
    ref = np.concatenate([np.arange(W * 2, dtype=np.float32)[2 * R:2 * R + 2] + 100 * i for i in range(W)])
    eq(out, ref)


@check("send_recv")
def _():
    if R == 0:
        dist.send(torch.from_numpy(data(0, seed=9)), dst=1)
        t = torch.zeros(3, 4)
        src = dist.recv(t)            # any source
        assert src == 1, src
        eq(t, data(1, seed=9))
    elif R == 1:
        t = torch.zeros(3, 4)
        assert dist.recv(t, src=0) == 0
        eq(t, data(0, seed=9))
        dist.send(torch.from_numpy(data(1, seed=9)), dst=0)


@check("isend_irecv")
def _():
    peer = (R + 1) % W
    prev = (R - 1) % W
    t = torch.zeros(5, dtype=torch.int64)
    rq = dist.irecv(t, src=prev, tag=3)
    sq = dist.isend(torch.arange(5) * (R + 1), dst=peer, tag=3)
    assert sq.wait() is True and rq.wait() is True
    eq(t, np.arange(5) * (prev + 1))


@check("all_gather_object")
def _():
    out = [None] * W
    dist.all_gather_object(out, {"rank": R, "s": "x" * R})
    assert out == [{"rank": r, "s": "x" * r} for r in range(W)], out


@check("broadcast_object_list")
def _():
    lst = [R, "a", {"k": R}] if R == 1 else [None, None, None]
    dist.broadcast_object_list(lst, src=1)
    assert lst == [1, "a", {"k": 1}], lst


@check("new_group")
def _():
    g = dist.new_group([1])
    if R == 1:
        assert dist.get_rank(g) == 0 and dist.get_world_size(g) == 1
        t = torch.ones(2)
        dist.all_reduce(t, group=g)
        eq(t, np.ones(2, np.float32))
    else:
        assert g is dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_rank(g) == -1 and dist.get_world_size(g) == -1
    g2 = dist.new_group(list(range(W))[::-1])     # sorted, as PyTorch
    assert dist.get_rank(g2) == R and dist.get_process_group_ranks(g2) == list(range(W))
    t = torch.tensor([float(R)])
    dist.all_reduce(t, group=g2)
    eq(t, np.array([sum(range(W))], np.float32))
    dist.broadcast(t, src=1, group=g2)   # src is a global rank


@check("barrier")
def _():
    assert dist.barrier() is None
    dist.barrier(async_op=True).wait()


@check("destroy_process_group")
def _():
    assert dist.is_initialized() and dist.get_backend() == "gloo"
    dist.destroy_process_group()
    assert not dist.is_initialized()
    try:
        dist.get_rank()
    except ValueError:
        pass
    else:
        raise AssertionError("get_rank after destroy_process_group should raise ValueError")


sys.exit(1 if failures else 0)
