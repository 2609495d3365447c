"""torch.multiprocessing.spawn's pattern without an MPI launcher: processes started by Python's
multiprocessing (spawn), init_process_group("gloo", init_method="tcp://127.0.0.1:PORT", rank,
world_size), a DDP training step and an all_reduce. Prints ``RESULT <rank> <json>`` per rank.
argv: port, world size."""
import json
import multiprocessing as mp
import sys


def run(rank, world, port, q):
    import numpy as np
    import numtorch as torch
    import numtorch.distributed as dist
    from numtorch.nn.parallel import DistributedDataParallel as DDP
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    torch.manual_seed(rank)                     # DDP makes rank 0's weights everyone's
    model = DDP(torch.nn.Linear(3, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    x = torch.from_numpy(np.arange(6 * world, dtype=np.float32).reshape(2 * world, 3) / 10)
    model(x[2 * rank:2 * rank + 2]).pow(2).mean().backward()
    opt.step()
    t = torch.tensor([rank + 1.0])
    dist.all_reduce(t)
    q.put((rank, {"sum": t.item(), "backend": dist.get_backend(), "world": dist.get_world_size(),
                  "params": [p.detach().numpy().ravel().tolist() for p in model.module.parameters()]}))
    dist.destroy_process_group()


if __name__ == "__main__":
    port, world = int(sys.argv[1]), int(sys.argv[2])
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=run, args=(r, world, port, q)) for r in range(world)]
    for p in procs:
        p.start()
    res = dict(q.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(60)
    for r in sorted(res):
        print(f"RESULT {r} {json.dumps(res[r])}", flush=True)
    sys.exit(max(p.exitcode for p in procs))
