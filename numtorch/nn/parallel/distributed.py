"""``DistributedDataParallel``: one model replica per rank, gradients averaged over ranks.

At construction rank 0's parameters and buffers are broadcast to every rank. Gradients are averaged in
buckets (a few MB of flattened gradients each, in reverse parameter order, the order backward produces
them): each parameter's post-accumulate-grad hook copies its gradient into its bucket, and a bucket whose
gradients are all in starts its non-blocking allreduce at once, while backward goes on with the earlier
layers. Buckets start in the same order on every rank (MPI's rule for non-blocking collectives); the
hook that completes the last bucket waits for all of them and writes the averages back into ``.grad``.
"""
from contextlib import contextmanager

from ..._backend import xp
from ..._tensor import Tensor, _make
from ...autograd.grad_mode import is_grad_enabled
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024


class _Bucket:
    __slots__ = ("params", "offsets", "flat", "pending", "req")

    def __init__(self, params, dtype):
        self.params = params
        sizes = [p._data.size for p in params]
        self.offsets = [0]
        for s in sizes:
            self.offsets.append(self.offsets[-1] + s)
        self.flat = xp.zeros(self.offsets[-1], dtype)
        self.pending = 0
        self.req = None


class _Reducer:
    """Bucketed, backward-overlapped gradient averaging driven by post-accumulate-grad hooks."""

    def __init__(self, params, group, bucket_bytes, find_unused):
        self.params = params
        self.group = group
        self.comm = group._comm
        self.world = group.size()
        self.find_unused = find_unused
        self.bucket_bytes = bucket_bytes
        self.index = {id(p): i for i, p in enumerate(params)}
        # first guess: the reversed parameter list (backward tends to reach the last layers first);
        # after the first iteration the buckets are rebuilt in the order the gradients really arrived
        self._build(list(reversed(params)))
        self.order = []          # parameter indices in the order their gradients arrived
        self.rebuilt = False
        self.expect = False      # this iteration's forward asked for a synchronised backward
        self.started = False     # a hook fired and the reduction is not finished
        self.next = 0            # the next bucket to start (buckets start in order on every rank)
        self.used = None
        self.handles = [p.register_post_accumulate_grad_hook(self._hook) for p in params]

    def _build(self, ordered):
        """Buckets of consecutive parameters of ``ordered``, one dtype each, the first one small (1 MiB)
        so that the first allreduce starts early, the others up to ``bucket_bytes``."""
        self.buckets = []
        self.slot = {}          # id(param) -> (bucket, index in bucket)
        cap = min(_DEFAULT_FIRST_BUCKET_BYTES, self.bucket_bytes)
        open_ = {}
        for p in ordered:
            dt = p._data.dtype
            cur = open_.get(dt)
            if cur is None or (cur[1] > 0 and cur[1] + p._data.nbytes > cap):
                if cur is not None:
                    self._close(cur[0], dt)
                    cap = self.bucket_bytes
                cur = ([], 0)
            cur[0].append(p)
            open_[dt] = (cur[0], cur[1] + p._data.nbytes)
        for dt, (ps, _) in open_.items():
            self._close(ps, dt)

    def _close(self, ps, dt):
        b = _Bucket(ps, dt)
        for i, p in enumerate(ps):
            self.slot[id(p)] = (b, i)
        self.buckets.append(b)

    # ------------------------------------------------------------------ per iteration
    def prepare_for_forward(self):
        if self.started:
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This "
                "error indicates that your module has parameters that were not used in producing loss. You can "
                "enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` "
                "to `torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function "
                "outputs participate in calculating loss.")

    def prepare_for_backward(self, outputs):
        self.expect = True
        self.next = 0
        for b in self.buckets:
            b.pending = len(b.params)
            b.req = None
        self.ready = set()
        if self.find_unused:
            used = _reachable_params(outputs)
            self.used = xp.zeros(len(self.params), xp.int32)
            for p in self.params:
                if id(p) in used:
                    self.used[self.index[id(p)]] = 1
            # a parameter outside this iteration's graph will get no hook: it is ready now, with zeros
            for p in self.params:
                if id(p) not in used:
                    self._mark(p, None)

    def _hook(self, p):
        if not self.expect:
            return
        self.started = True
        g = p._grad
        if g.is_sparse:
            raise RuntimeError("numtorch's DistributedDataParallel has no sparse-gradient reduction")
        self._mark(p, g._data)

    def _mark(self, p, grad):
        key = id(p)
        if key in self.ready:
            raise RuntimeError(
                f"Expected to mark a variable ready only once. Parameter at index {self.index[key]} has been "
                "marked as ready twice. This means that multiple autograd engine hooks have fired for this "
                "particular parameter during this iteration.")
        self.ready.add(key)
        if not self.rebuilt:
            self.order.append(self.index[key])
        b, i = self.slot[key]
        view = b.flat[b.offsets[i]:b.offsets[i + 1]]
        if grad is None:
            view.fill(0)
        else:
            # averaged as PyTorch's default comm hook does: divide by the world size, then sum
            xp.divide(grad.reshape(-1), self.world, out=view, casting="unsafe")
        b.pending -= 1
        if b.pending == 0:
            self._launch_ready()

    def _launch_ready(self):
        bs = self.buckets
        while self.next < len(bs) and bs[self.next].pending == 0:
            b = bs[self.next]
            b.req = self.comm.allreduce(b.flat, "SUM")
            self.next += 1
        # Open MPI advances non-blocking collectives inside MPI calls: poke the ones in flight
        for b in bs[:self.next]:
            if b.req is not None:
                b.req.test()
        if self.next == len(bs):
            self._finalize()

    def _finalize(self):
        for b in self.buckets:
            b.req.wait()
        unused = None
        if self.find_unused:
            used = self.used.copy()
            self.comm.allreduce(used, "SUM").wait()
            unused = used == 0
        for b in self.buckets:
            for i, p in enumerate(b.params):
                if unused is not None and unused[self.index[id(p)]]:
                    continue     # unused on every rank: its .grad stays as it was
                avg = b.flat[b.offsets[i]:b.offsets[i + 1]].reshape(p._data.shape)
                g = p._grad
                if g is None:
                    p._grad = _make(avg.astype(p._data.dtype, copy=True))
                else:
                    g._data[...] = avg
                    g._vc[0] += 1
        self.expect = False
        self.started = False
        if not self.rebuilt:
            self._rebuild()

    def _rebuild(self):
        """Rebuild the buckets in the order this iteration's gradients arrived (rank 0's order, so that
        every rank starts the same buckets in the same order), as PyTorch's reducer does once."""
        order = xp.array(self.order, xp.int64)
        if len(order) != len(self.params):
            return
        self.comm.broadcast(order, 0).wait()
        self._build([self.params[i] for i in order.tolist()])
        self.rebuilt = True
        self.order = None


def _flat_tensors(obj, out):
    if isinstance(obj, Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _flat_tensors(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _flat_tensors(o, out)
    elif hasattr(obj, "__dataclass_fields__"):
        for k in obj.__dataclass_fields__:
            _flat_tensors(getattr(obj, k), out)
    return out


def _reachable_params(outputs):
    """ids of the leaf tensors the outputs' autograd graph reaches."""
    from ...autograd.function import AccumulateGrad
    seen = set()
    found = set()
    stack = []
    for t in _flat_tensors(outputs, []):
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t.requires_grad:
            found.add(id(t))
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if isinstance(n, AccumulateGrad):
            v = n.variable
            if v is not None:
                found.add(id(v))
            continue
        for nxt, _ in n.next_functions:
            if nxt is not None and nxt not in seen:
                stack.append(nxt)
    return found


class DistributedDataParallel(Module):
    """Data parallelism over the ranks of a process group (see the module docstring).

    Modules live on the CPU, so as PyTorch with a CPU module ``device_ids`` must be None or empty
    (``output_device`` is ignored).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None, mixed_precision=None,
                 device_mesh=None):
        super().__init__()
        from ... import distributed as dist
        if process_group is not None and device_mesh is not None:
            raise RuntimeError("Cannot specify both process_group and device_mesh arguments.")
        group = dist._resolve(process_group)
        if mixed_precision is not None:
            raise RuntimeError("numtorch has no DistributedDataParallel(mixed_precision=...)")
        if device_ids:
            raise ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                             "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                             f"{list(device_ids)}, output_device {output_device}, and module parameters "
                             "{device(type='cpu')}.")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        self.module = module
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.process_group = group
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        if init_sync:
            self._sync_tensors(list(module.parameters()) + list(module.buffers()))
        self.reducer = _Reducer(params, group, self.bucket_bytes_cap, find_unused_parameters)

    def _sync_tensors(self, tensors):
        """Broadcast rank 0's values of ``tensors`` (one flattened broadcast per dtype)."""
        if self.process_group.size() == 1 or not tensors:
            return
        by_dtype = {}
        for t in tensors:
            by_dtype.setdefault(t._data.dtype, []).append(t)
        for dt, ts in by_dtype.items():
            flat = xp.concatenate([t._data.reshape(-1) for t in ts]).astype(dt, copy=False)
            flat = xp.ascontiguousarray(flat)
            self.process_group._comm.broadcast(flat, 0).wait()
            off = 0
            for t in ts:
                n = t._data.size
                t._data[...] = flat[off:off + n].reshape(t._data.shape)
                t._vc[0] += 1
                off += n

    def forward(self, *inputs, **kwargs):
        sync = is_grad_enabled() and self.require_backward_grad_sync
        if sync:
            self.reducer.prepare_for_forward()
        # buffers follow rank 0's before a forward that comes after a synchronised one (or the first), as
        # PyTorch: a forward under no_grad or no_sync (evaluation on one rank, say) starts no collective
        # and turns the next forward's buffer broadcast off
        if self.require_forward_param_sync and self.broadcast_buffers:
            bufs = list(self.module.buffers())
            if bufs:
                self._sync_tensors(bufs)
        out = self.module(*inputs, **kwargs)
        self.require_forward_param_sync = sync
        if sync:
            self.reducer.prepare_for_backward(out)
        else:
            self.reducer.expect = False
        return out

    @contextmanager
    def no_sync(self):
        """Backward passes inside accumulate gradients locally, without averaging them over ranks."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def _set_static_graph(self):
        self.static_graph = True

    def register_comm_hook(self, state, hook):
        raise RuntimeError("numtorch has no 'torch.nn.parallel.DistributedDataParallel.register_comm_hook'")

    def join(self, *args, **kwargs):
        raise RuntimeError("numtorch has no 'torch.nn.parallel.DistributedDataParallel.join'")
