"""One rank raises; the others block in a collective. The job must end non-zero, not hang.

argv: "after_init" (raise after init_process_group while rank 0 waits in all_reduce) or "before_init"
(raise before it, while rank 0 waits in init and then all_reduce), or "exit_after_init" (rank 1 calls
sys.exit(3) after init_process_group).
"""
import sys

import numtorch as torch
import numtorch.distributed as dist

when = sys.argv[1]
rank = int(__import__("os").environ.get("OMPI_COMM_WORLD_RANK", "0"))
if when == "before_init" and rank == 1:
    raise RuntimeError("rank 1 fails before init_process_group")
dist.init_process_group("gloo")
if rank == 1 and when == "exit_after_init":
    sys.exit(3)
if rank == 1:
    raise RuntimeError("rank 1 fails after init_process_group")
t = torch.ones(3)
dist.all_reduce(t)           # would wait forever for rank 1
print("UNREACHABLE", flush=True)
