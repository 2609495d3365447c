"""A torchrun-style script (``import torch``; served by numtorch under ``numtorch run``): prints the
launcher's environment and the result of an all_reduce as ``ENV <json>``."""
import json
import os

import torch
import torch.distributed as dist

dist.init_process_group(backend="gloo", init_method="env://")
t = torch.tensor([float(dist.get_rank() + 1)])
dist.all_reduce(t)
keys = ["RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "GROUP_RANK",
        "TORCHELASTIC_RUN_ID"]
print("ENV " + json.dumps({"env": {k: os.environ.get(k) for k in keys}, "sum": t.item(),
                           "rank": dist.get_rank(), "world": dist.get_world_size(),
                           "torch": torch.nn.__name__.split(".")[0], "elastic": dist.is_torchelastic_launched()}), flush=True)
dist.destroy_process_group()
