"""``torch.distributed`` on MPI: process groups and collectives on tensors' buffers.

The engine is MPI through mpi4py (``pip install 'numtorch[mpi]'``). Backends "mpi", "gloo" and "nccl"
are all accepted and all served by MPI on this CPU build, so scripts written for torchrun with gloo or
nccl run unchanged. Ranks come from the MPI job (``numtorch run --nproc-per-node N``, ``mpiexec -n N``);
processes started without an MPI launcher (``torch.multiprocessing.spawn``) meet through
``MASTER_ADDR:MASTER_PORT`` (``env://`` or ``tcp://``) and talk over TCP sockets (``_tcp.py``).

Collectives take and return tensors as PyTorch does: ``all_reduce`` and friends work in place, with
``async_op=True`` they return a ``Work`` whose ``wait()`` completes them.
"""
import datetime
import os

from .._backend import xp
from .._tensor import Tensor
from . import _mpi

__all__ = ["is_available", "is_mpi_available", "is_gloo_available", "is_nccl_available",
           "is_torchelastic_launched", "init_process_group", "is_initialized", "destroy_process_group",
           "get_rank", "get_world_size", "get_backend", "get_process_group_ranks", "get_group_rank",
           "get_global_rank", "new_group", "barrier", "all_reduce", "broadcast", "reduce", "all_gather",
           "all_gather_into_tensor", "reduce_scatter_tensor", "gather", "scatter", "all_to_all",
           "all_to_all_single", "send", "recv", "isend", "irecv", "all_gather_object", "broadcast_object_list",
           "gather_object", "scatter_object_list", "ReduceOp", "Backend", "Work", "ProcessGroup",
           "GroupMember", "group"]

default_pg_timeout = datetime.timedelta(minutes=30)


# ----------------------------------------------------------------------------- availability
def is_available():
    """True when the MPI engine (mpi4py and an MPI library) can be loaded, or a group already exists."""
    return _default is not None or _mpi.available()


def is_mpi_available():
    return _mpi.available()


def is_gloo_available():
    # "gloo" is served by the same engine
    return is_available()


def is_nccl_available():
    return False


def is_torchelastic_launched():
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


# ----------------------------------------------------------------------------- enums
class _RedOpType:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<RedOpType.{self.name}: {_OP_NAMES.index(self.name)}>"

    def __str__(self):
        return f"RedOpType.{self.name}"

    def __eq__(self, other):
        if isinstance(other, ReduceOp):
            other = other.op
        return isinstance(other, _RedOpType) and other.name == self.name

    def __hash__(self):
        return hash(self.name)


_OP_NAMES = ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM", "UNUSED"]


class ReduceOp:
    """Reduction operations: ``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``, ``BOR``,
    ``BXOR``."""

    RedOpType = _RedOpType

    def __init__(self, op):
        self.op = op

    def __eq__(self, other):
        return self.op == other

    def __hash__(self):
        return hash(self.op)


for _n in _OP_NAMES:
    setattr(ReduceOp, _n, _RedOpType(_n))


def _op_name(op):
    if isinstance(op, ReduceOp):
        op = op.op
    if not isinstance(op, _RedOpType):
        raise TypeError(f"op must be a torch.distributed.ReduceOp, got {op!r}")
    if op.name not in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        raise RuntimeError(f"numtorch has no ReduceOp.{op.name} (MPI serves SUM, AVG, PRODUCT, MIN, MAX, "
                           "BAND, BOR, BXOR)")
    return op.name


class Backend(str):
    """A backend name. "mpi", "gloo" and "nccl" are accepted; all run on MPI in numtorch."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    backend_list = [UNDEFINED, GLOO, NCCL, UCC, MPI]

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return super().__new__(cls, value)


# ----------------------------------------------------------------------------- groups and work
class ProcessGroup:
    """A set of ranks with their own communicator (the default group holds every rank)."""

    def __init__(self, comm, ranks, backend):
        self._comm = comm
        self._ranks = list(ranks)
        self._backend = Backend(backend)

    def rank(self):
        return self._comm.rank

    def size(self):
        return self._comm.size

    def name(self):
        return self._backend

    def __repr__(self):
        return f"<numtorch.distributed.ProcessGroup ranks={self._ranks} backend={self._backend!r}>"


class GroupMember:
    WORLD = None
    NON_GROUP_MEMBER = -100


class _World:
    @property
    def WORLD(self):
        return GroupMember.WORLD


group = _World()


class Work:
    """A started collective or point-to-point operation (``async_op=True``, ``isend``, ``irecv``)."""

    def __init__(self, req, tensors=()):
        self._req = req
        self._tensors = list(tensors)

    def wait(self, timeout=None):
        self._req.wait()
        return True

    def is_completed(self):
        return self._req.test()

    def is_success(self):
        return self._req.done

    def exception(self):
        return None

    def result(self):
        self.wait()
        return self._tensors

    def _source_rank(self):
        """The sender's global rank (a receive)."""
        src = self._req.wait()
        return self._group._ranks[src]

    def synchronize(self):
        self.wait()


_default = None       # the default (WORLD) ProcessGroup
_groups = []          # every group made, to free at destroy_process_group()


def _not_initialized():
    return ValueError("Default process group has not been initialized, please make sure to call "
                      "init_process_group.")


def _get_default_group():
    if _default is None:
        raise _not_initialized()
    return _default


def _resolve(group):
    """The ProcessGroup, or None when this rank is not in it."""
    if group is None or group is GroupMember.WORLD:
        return _get_default_group()
    if group is GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup, got {type(group).__name__}")
    return group


def _group_rank(g, global_rank, what):
    try:
        return g._ranks.index(global_rank)
    except ValueError:
        raise ValueError(f"Global rank {global_rank} is not part of group {g}") from None


def _peer(g, rank, group_rank, what):
    """A peer's rank in ``g`` from the global ``rank`` or the in-group ``group_rank`` (PyTorch's pair)."""
    if rank is not None and group_rank is not None:
        raise ValueError(f"Can not specify both {what} and group_{what}")
    if group_rank is not None:
        if not 0 <= group_rank < g.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {g}")
        return group_rank
    if rank is None:
        rank = 0
    return _group_rank(g, rank, what)


# ----------------------------------------------------------------------------- init / teardown
def is_initialized():
    return _default is not None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the default process group.

    Inside an MPI job (``numtorch run --nproc-per-node``, ``mpiexec``) rank and size are MPI's; given
    ``rank``/``world_size`` (arguments, or RANK/WORLD_SIZE from ``env://``) must agree with them.
    Outside one, a world of one process runs on MPI alone, and several processes (started by
    ``torch.multiprocessing.spawn`` and the like) meet at ``init_method`` (``env://``: MASTER_ADDR and
    MASTER_PORT, or ``tcp://host:port``) and exchange tensors over TCP sockets.
    """
    global _default
    if _default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None:
        raise RuntimeError("numtorch has no 'torch.distributed.Store': give init_method (env:// or tcp://) "
                           "or launch with numtorch run / mpiexec")
    backend = Backend(backend if backend is not None else "mpi")
    # "cpu:gloo,cuda:nccl" style strings name one backend per device: the CPU one is what runs here
    if ":" in backend:
        parts = dict(p.split(":", 1) for p in backend.split(","))
        backend = Backend(parts.get("cpu", next(iter(parts.values()))))
    if backend not in ("mpi", "gloo", "nccl", "ucc"):
        raise ValueError(f"Invalid backend: '{backend}'")
    if init_method is None:
        init_method = "env://"
    env = os.environ
    if init_method.startswith("env://"):
        if rank == -1 and "RANK" in env:
            rank = int(env["RANK"])
        if world_size == -1 and "WORLD_SIZE" in env:
            world_size = int(env["WORLD_SIZE"])
    if _mpi.in_mpi_job():
        comm = _mpi.Comm(_mpi.init())
        if world_size not in (-1, comm.size):
            raise ValueError(f"world_size={world_size} was given but this MPI job has {comm.size} processes")
        if rank not in (-1, comm.rank):
            raise ValueError(f"rank={rank} was given but this process is rank {comm.rank} of its MPI job")
        _mpi.install_abort_hook()
    elif world_size in (-1, 1):
        if rank not in (-1, 0):
            raise ValueError(f"Invalid rank {rank} for a world of one process")
        comm = _mpi.Comm(_mpi.init())
    else:
        if rank == -1:
            raise ValueError("Error initializing torch.distributed using env:// rendezvous: environment "
                             "variable RANK expected, but not set")
        from . import _tcp
        comm = _tcp.connect(init_method, rank, world_size, timeout or default_pg_timeout)
    _default = ProcessGroup(comm, range(comm.size), backend)
    GroupMember.WORLD = _default
    _groups.append(_default)
    return None


def destroy_process_group(group=None):
    """Free ``group``, or every group and the default one when ``group`` is None."""
    global _default
    if group is None or group is GroupMember.WORLD:
        for g in _groups:
            g._comm.free()
        _groups.clear()
        _default = None
        GroupMember.WORLD = None
        return
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    g = _resolve(group)
    g._comm.free()
    if g in _groups:
        _groups.remove(g)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of ``ranks`` (every rank of the default group must call it, members or not)."""
    world = _get_default_group()
    n = world.size()
    ranks = list(range(n)) if ranks is None else sorted(int(r) for r in ranks)
    for r in ranks:
        if not 0 <= r < n:
            raise ValueError(f"Invalid rank {r}, rank should be in the interval [0, {n - 1}]")
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"ranks should be unique, got {ranks}")
    me = world.rank()
    member = me in ranks
    sub = world._comm.split(member, ranks.index(me) if member else 0)
    if sub is None:
        return GroupMember.NON_GROUP_MEMBER
    g = ProcessGroup(sub, ranks, backend or world._backend)
    _groups.append(g)
    return g


def get_rank(group=None):
    g = _resolve(group)
    if g is None:
        return -1
    return g._ranks[g.rank()] if group is None or group is GroupMember.WORLD else g.rank()


def get_world_size(group=None):
    g = _resolve(group)
    return -1 if g is None else g.size()


def get_backend(group=None):
    g = _resolve(group)
    if g is None:
        raise ValueError("Invalid process group specified")
    return g._backend


def get_process_group_ranks(group):
    g = _resolve(group)
    return list(g._ranks)


def get_group_rank(group, global_rank):
    return _group_rank(_resolve(group), global_rank, "rank")


def get_global_rank(group, group_rank):
    g = _resolve(group)
    if not 0 <= group_rank < g.size():
        raise ValueError(f"Group rank {group_rank} is not part of group {g}")
    return g._ranks[group_rank]


# ----------------------------------------------------------------------------- tensor buffers
def _check_tensor(t, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor\n"
                        f"             but got {type(t)} instead.")


def _check_list(lst, name):
    if not isinstance(lst, (list, tuple)) or not all(isinstance(t, Tensor) for t in lst):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]\n"
                        f"             but got {type(lst)} instead.")


def _inout(t, reducing=False):
    """(contiguous buffer, write-back): the tensor's own array when it is contiguous and writable."""
    d = t._data
    half = reducing and d.dtype == xp.float16
    if d.flags.c_contiguous and d.flags.writeable and not half:
        return d, None
    # a strided view goes through a contiguous copy; float16 is reduced in float32 (MPI has no float16 sum)
    tmp = xp.ascontiguousarray(d, dtype=xp.float32 if half else d.dtype)
    return tmp, d


def _writeback(t, tmp, orig):
    if orig is not None:
        orig[...] = tmp
    t._vc[0] += 1


def _src(t):
    d = t._data
    return d if d.flags.c_contiguous else xp.ascontiguousarray(d)


def _finish(req, async_op, finish=None, tensors=()):
    """Attach the finishing step, then wait now (synchronous call) or hand back a Work."""
    req.finish = finish
    if async_op:
        return Work(req, tensors)
    req.wait()
    return None


def _divide(buf, n):
    if buf.dtype.kind in "fV":
        buf /= n
    else:
        buf //= n


# ----------------------------------------------------------------------------- collectives
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """``tensor`` becomes the elementwise reduction (``op``) of ``tensor`` over the group's ranks."""
    _check_tensor(tensor, "tensor")
    name = _op_name(op)
    g = _resolve(group)
    if g is None:
        return None
    buf, orig = _inout(tensor, reducing=True)
    req = g._comm.allreduce(buf, name, blocking=not async_op)

    def finish():
        if name == "AVG":
            _divide(buf, g.size())
        _writeback(tensor, buf, orig)
    return _finish(req, async_op, finish, [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Every rank's ``tensor`` becomes rank ``src``'s."""
    _check_tensor(tensor, "tensor")
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, src, group_src, "src")
    buf, orig = _inout(tensor)
    req = g._comm.broadcast(buf, root)
    return _finish(req, async_op, lambda: _writeback(tensor, buf, orig), [tensor])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Rank ``dst``'s ``tensor`` becomes the reduction over the group; the others' are left as they are."""
    _check_tensor(tensor, "tensor")
    name = _op_name(op)
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, dst, group_dst, "dst")
    buf, orig = _inout(tensor, reducing=True)
    req = g._comm.reduce(buf, name, root)

    def finish():
        if g.rank() == root:
            if name == "AVG":
                _divide(buf, g.size())
            _writeback(tensor, buf, orig)
    return _finish(req, async_op, finish, [tensor])


def _check_same(t, ref, what):
    if t.shape != ref.shape or t._data.dtype != ref._data.dtype:
        raise ValueError(f"{what}: tensors must all have the same size and dtype ({tuple(ref.shape)}, "
                         f"{ref.dtype}), got {tuple(t.shape)}, {t.dtype}")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` becomes rank i's ``tensor``."""
    _check_list(tensor_list, "tensor_list")
    _check_tensor(tensor, "tensor")
    g = _resolve(group)
    if g is None:
        return None
    n = g.size()
    if len(tensor_list) != n:
        raise ValueError(f"all_gather: tensor_list must have {n} tensors (one per rank), got {len(tensor_list)}")
    for t in tensor_list:
        _check_same(t, tensor, "all_gather")
    send = _src(tensor)
    recv = xp.empty((n,) + send.shape, send.dtype)
    req = g._comm.allgather(send, recv)

    def finish():
        for t, r in zip(tensor_list, recv):
            t._data[...] = r
            t._vc[0] += 1
    return _finish(req, async_op, finish, tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """``output_tensor`` (``world_size * n`` elements: concatenated or stacked) holds every rank's input."""
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    g = _resolve(group)
    if g is None:
        return None
    n = g.size()
    if output_tensor.numel() != n * input_tensor.numel():
        raise ValueError("output tensor size must be equal to world_size times input tensor size")
    if output_tensor._data.dtype != input_tensor._data.dtype:
        raise ValueError("output tensor must have the same type as input tensor")
    buf, orig = _inout(output_tensor)
    req = g._comm.allgather(_src(input_tensor), buf)
    return _finish(req, async_op, lambda: _writeback(output_tensor, buf, orig), [output_tensor])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Rank i's ``output`` becomes the reduction over ranks of the i-th ``output``-sized chunk of ``input``."""
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    name = _op_name(op)
    g = _resolve(group)
    if g is None:
        return None
    n = g.size()
    if input.numel() != n * output.numel():
        raise ValueError("input tensor must be the same size as output size times world size")
    if output._data.dtype != input._data.dtype:
        raise ValueError("input tensor must be the same type as the output tensor")
    buf, orig = _inout(output, reducing=True)
    send = _src(input)
    if send.dtype != buf.dtype:  # float16 reduced in float32
        send = send.astype(buf.dtype)
    req = g._comm.reduce_scatter(send, buf, name)

    def finish():
        if name == "AVG":
            _divide(buf, n)
        _writeback(output, buf, orig)
    return _finish(req, async_op, finish, [output])


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """On rank ``dst``, ``gather_list[i]`` becomes rank i's ``tensor``."""
    _check_tensor(tensor, "tensor")
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, dst, group_dst, "dst")
    n = g.size()
    send = _src(tensor)
    recv = None
    if g.rank() == root:
        if gather_list is None or len(gather_list) != n:
            raise ValueError(f"Argument ``gather_list`` must be specified on destination rank and hold "
                             f"{n} tensors.")
        _check_list(gather_list, "gather_list")
        for t in gather_list:
            _check_same(t, tensor, "gather")
        recv = xp.empty((n,) + send.shape, send.dtype)
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    req = g._comm.gather(send, recv, root)

    def finish():
        if recv is not None:
            for t, r in zip(gather_list, recv):
                t._data[...] = r
                t._vc[0] += 1
    return _finish(req, async_op, finish, list(gather_list or []))


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Every rank i's ``tensor`` becomes rank ``src``'s ``scatter_list[i]``."""
    _check_tensor(tensor, "tensor")
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, src, group_src, "src")
    n = g.size()
    send = None
    if g.rank() == root:
        if scatter_list is None or len(scatter_list) != n:
            raise ValueError(f"Argument ``scatter_list`` must be specified on source rank and hold {n} "
                             "tensors.")
        _check_list(scatter_list, "scatter_list")
        for t in scatter_list:
            _check_same(t, tensor, "scatter")
        send = xp.stack([t._data for t in scatter_list])
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    buf, orig = _inout(tensor)
    req = g._comm.scatter(send, buf, root)
    return _finish(req, async_op, lambda: _writeback(tensor, buf, orig), [tensor])


def _alltoallv(g, send, scounts, recv, rcounts):
    sd = xp.concatenate([[0], xp.cumsum(scounts)[:-1]]).astype(int).tolist()
    rd = xp.concatenate([[0], xp.cumsum(rcounts)[:-1]]).astype(int).tolist()
    return g._comm.alltoallv(send, [int(c) for c in scounts], sd, recv, [int(c) for c in rcounts], rd)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Rank j's ``output_tensor_list[i]`` becomes rank i's ``input_tensor_list[j]``."""
    _check_list(output_tensor_list, "output_tensor_list")
    _check_list(input_tensor_list, "input_tensor_list")
    g = _resolve(group)
    if g is None:
        return None
    n = g.size()
    if len(output_tensor_list) != n or len(input_tensor_list) != n:
        raise ValueError(f"all_to_all: both tensor lists must hold {n} tensors (one per rank)")
    dt = input_tensor_list[0]._data.dtype
    if any(t._data.dtype != dt for t in list(input_tensor_list) + list(output_tensor_list)):
        raise ValueError("all_to_all: all tensors must have the same dtype")
    send = xp.concatenate([t._data.reshape(-1) for t in input_tensor_list])
    rcounts = [t.numel() for t in output_tensor_list]
    recv = xp.empty(sum(rcounts), dt)
    req = _alltoallv(g, send, [t.numel() for t in input_tensor_list], recv, rcounts)

    def finish():
        off = 0
        for t, c in zip(output_tensor_list, rcounts):
            t._data[...] = recv[off:off + c].reshape(t._data.shape)
            t._vc[0] += 1
            off += c
    return _finish(req, async_op, finish, output_tensor_list)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """``all_to_all`` on one tensor split along dim 0 (equally, or by the given split sizes)."""
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    g = _resolve(group)
    if g is None:
        return None
    n = g.size()

    def counts(t, splits):
        row = t.numel() // t.shape[0] if t.dim() and t.shape[0] else 0
        if not splits:
            if t.dim() == 0 or t.shape[0] % n:
                raise ValueError(f"Tensor's dim 0 does not divide equally across group size {n}")
            return [t.numel() // n] * n
        if len(splits) != n or sum(splits) != t.shape[0]:
            raise ValueError(f"Split sizes {list(splits)} do not match dim 0 of size {t.shape[0]} over {n} ranks")
        return [int(s) * row for s in splits]
    sc = counts(input, input_split_sizes)
    rc = counts(output, output_split_sizes)
    buf, orig = _inout(output)
    req = _alltoallv(g, _src(input), sc, buf.reshape(-1), rc)
    return _finish(req, async_op, lambda: _writeback(output, buf, orig), [output])


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank of the group has reached the barrier."""
    g = _resolve(group)
    if g is None:
        return None
    return _finish(g._comm.barrier(), async_op)


# ----------------------------------------------------------------------------- point to point
def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; the returned Work's ``wait()`` completes it."""
    _check_tensor(tensor, "tensor")
    g = _resolve(group)
    if g is None:
        return None
    peer = _peer(g, dst, group_dst, "dst")
    if peer == g.rank():
        raise ValueError("Invalid destination rank: should not be the same as the rank of the current process.")
    return Work(g._comm.send(_src(tensor), peer, tag), [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from ``src`` (any rank when None)."""
    _check_tensor(tensor, "tensor")
    g = _resolve(group)
    if g is None:
        return None
    peer = None if src is None and group_src is None else _peer(g, src, group_src, "src")
    buf, orig = _inout(tensor)
    req = g._comm.recv(buf, peer, tag)
    req.finish = lambda: _writeback(tensor, buf, orig)
    w = Work(req, [tensor])
    w._group = g
    return w


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    isend(tensor, dst, group, tag, group_dst).wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor``; returns the sender's rank."""
    w = irecv(tensor, src, group, tag, group_src)
    if w is None:
        return -1
    return w._source_rank()


# ----------------------------------------------------------------------------- objects (pickled)
def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` becomes rank i's ``obj`` (any picklable object)."""
    g = _resolve(group)
    if g is None:
        return None
    objs = g._comm.allgather_obj(obj)
    if len(object_list) < len(objs):
        raise ValueError(f"object_list must have {len(objs)} entries (one per rank)")
    for i, o in enumerate(objs):
        object_list[i] = o


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Every rank's ``object_list`` entries become rank ``src``'s."""
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, src, group_src, "src")
    objs = g._comm.bcast_obj(list(object_list) if g.rank() == root else None, root)
    for i, o in enumerate(objs):
        object_list[i] = o


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, dst, group_dst, "dst")
    objs = g._comm.gather_obj(obj, root)
    if g.rank() == root:
        if object_gather_list is None:
            raise ValueError("Argument ``object_gather_list`` must be specified on destination rank.")
        for i, o in enumerate(objs):
            object_gather_list[i] = o


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    g = _resolve(group)
    if g is None:
        return None
    root = _peer(g, src, group_src, "src")
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    objs = scatter_object_input_list if g.rank() == root else None
    scatter_object_output_list[0] = g._comm.scatter_obj(list(objs) if objs is not None else None, root)
