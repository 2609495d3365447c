"""DistributedDataParallel of a CPU module refuses device_ids exactly as PyTorch does (nanoGPT passes them)."""
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""\
    import os, sys
    lib = sys.argv[1]
    if lib == "torch":
        import torch
    else:
        import numtorch as torch
    import torch.distributed as dist  # noqa: F811 -- (numtorch: served by the import below)
    dist = torch.distributed
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=sys.argv[2], RANK="0", WORLD_SIZE="1")
    dist.init_process_group("gloo", rank=0, world_size=1)
    m = torch.nn.Linear(2, 2)
    for kw in (dict(device_ids=[0]), dict(device_ids=None, output_device=0), dict(device_ids=[])):
        try:
            torch.nn.parallel.DistributedDataParallel(m, **kw)
            print("ok")
        except Exception as e:
            print(type(e).__name__, e)
    dist.destroy_process_group()
""")


def _run(lib, port, tmp_path):
    p = tmp_path / "ddp_devices.py"
    p.write_text(SCRIPT)
    cmd = [sys.executable, str(p), lib, port] if lib == "torch" else \
        [sys.executable, "-m", "numtorch", "run", str(p), lib, port]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.splitlines()


def test_ddp_device_ids_on_cpu_module_like_torch(tmp_path):
    pytest.importorskip("torch")
    want = _run("torch", "29611", tmp_path)
    got = _run("numtorch", "29612", tmp_path)
    assert want[0].startswith("ValueError DistributedDataParallel device_ids")
    assert got == want
