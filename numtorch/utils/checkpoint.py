"""``torch.utils.checkpoint``: trade compute for memory by recomputing a segment in backward.

``checkpoint(fn, *args)`` keeps no graph of ``fn``'s intermediate results: backward runs ``fn`` again
(with the random-number state of the first run, so dropout draws the same masks) and differentiates the
recomputation. The gradients equal those of a plain ``fn(*args)``.
"""
import contextlib
import warnings

from .._tensor import Tensor
from ..autograd import Function, grad as _grad
from ..autograd.function import AccumulateGrad
from ..autograd.grad_mode import enable_grad, no_grad
from .. import _random

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "get_device_states", "set_device_states",
           "noop_context_fn", "set_checkpoint_early_stop", "DefaultDeviceType", "set_checkpoint_debug_enabled",
           "CheckpointPolicy", "SelectiveCheckpointContext", "create_selective_checkpoint_contexts",
           "SAC_IGNORED_OPS", "GraphExecGroup"]

SAC_IGNORED_OPS = set()


class CheckpointError(RuntimeError):
    pass


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    if isinstance(inputs, tuple):
        out = []
        for inp in inputs:
            if not isinstance(inp, Tensor):
                out.append(inp)
                continue
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            out.append(x)
        return tuple(out)
    raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: ",
                       type(inputs).__name__)


def check_backward_validity(inputs):
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None")


def get_device_states(*args):
    return [], []


def set_device_states(devices, states, *, device_type=None):
    pass


class DefaultDeviceType:
    _default_device_type = "cuda"

    @staticmethod
    def set_device_type(device="cuda"):
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        return DefaultDeviceType._default_device_type


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    yield


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    yield


class _Unsupported:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"numtorch has no 'torch.utils.checkpoint.{type(self).__name__}' (selective "
                           "activation checkpointing)")


class CheckpointPolicy(_Unsupported):
    pass


class SelectiveCheckpointContext(_Unsupported):
    pass


class GraphExecGroup(_Unsupported):
    pass


def create_selective_checkpoint_contexts(policy_fn_or_list, allow_cache_entries=False):
    raise RuntimeError("numtorch has no 'torch.utils.checkpoint.create_selective_checkpoint_contexts' "
                       "(selective activation checkpointing)")


def _graph_leaves(outputs, skip):
    """Leaf tensors requiring grad that ``outputs`` were computed from (not counting ``skip``)."""
    seen, leaves, stack = set(), [], [o.grad_fn for o in outputs if o.grad_fn is not None]
    skip = {id(t) for t in skip}
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            v = node.variable
            if v is not None and id(v) not in skip:
                skip.add(id(v))
                leaves.append(v)
            continue
        for nxt, _ in node.next_functions:
            stack.append(nxt)
    return leaves


@contextlib.contextmanager
def _rng_at(state):
    if state is None:
        yield
        return
    now = _random.get_rng_state()
    _random.set_rng_state(state)
    try:
        yield
    finally:
        _random.set_rng_state(now)


class CheckpointFunction(Function):
    """Output values of a first run; backward recomputes ``run`` and differentiates it with respect to
    the tensor arguments and the leaves (parameters) the first run used."""

    @staticmethod
    def forward(ctx, run, n_args, outputs, *tensors):
        ctx.run = run
        ctx.n_args = n_args
        ctx.save_for_backward(*tensors[:n_args])
        ctx.leaves = tensors[n_args:]
        return tuple(o.detach() for o in outputs)

    @staticmethod
    def backward(ctx, *grad_outputs):
        args = ctx.saved_tensors
        detached = []
        for a in args:
            d = a.detach()
            d.requires_grad = a.requires_grad
            detached.append(d)
        with enable_grad():
            outs = ctx.run(detached)
        targets = [d for d in detached if d.requires_grad] + list(ctx.leaves)
        pairs = [(o, g) for o, g in zip(outs, grad_outputs) if o.requires_grad and g is not None]
        if pairs and targets:
            gs = list(_grad([o for o, _ in pairs], targets, [g for _, g in pairs], allow_unused=True))
        else:
            gs = [None] * len(targets)
        it = iter(gs)
        arg_grads = [next(it) if d.requires_grad else None for d in detached]
        return (None, None, None, *arg_grads, *it)


def _split(out):
    """(tensor outputs, rebuild(tensors) -> the structure ``fn`` returned)."""
    if isinstance(out, Tensor):
        return [out], lambda ts: ts[0]
    if isinstance(out, (tuple, list)):
        pos = [i for i, o in enumerate(out) if isinstance(o, Tensor)]

        def rebuild(ts):
            items = list(out)
            for i, t in zip(pos, ts):
                items[i] = t
            return type(out)(items) if not hasattr(out, "_fields") else type(out)(*items)
        return [out[i] for i in pos], rebuild
    return [], lambda ts: out


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """``function(*args, **kwargs)`` whose intermediate results are recomputed in backward instead of kept.
    ``preserve_rng_state`` (default True) replays the random state of the first run in the recomputation.
    ``use_reentrant=True`` (PyTorch's default when left out, with a warning): outputs need grad only
    when some tensor argument does."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
                      "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        check_backward_validity(args)
    pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    tensors = [args[i] for i in pos]
    state = _random.get_rng_state() if preserve else None

    def run(ts):
        full = list(args)
        for i, t in zip(pos, ts):
            full[i] = t
        fwd_ctx, recompute_ctx = context_fn()
        with _rng_at(state), recompute_ctx:
            return _split(function(*full, **kwargs))[0]

    from .._grad_mode import state as _gs
    if not _gs.enabled or (use_reentrant and not any(t.requires_grad for t in tensors)):
        with no_grad():
            return function(*args, **kwargs)
    detached = []
    for t in tensors:
        d = t.detach()
        d.requires_grad = t.requires_grad
        detached.append(d)
    full = list(args)
    for i, d in zip(pos, detached):
        full[i] = d
    fwd_ctx, _ = context_fn()
    with fwd_ctx:
        out = function(*full, **kwargs)
    outs, rebuild = _split(out)
    leaves = _graph_leaves(outs, detached)
    if not leaves and not any(t.requires_grad for t in tensors):
        return rebuild([o.detach() for o in outs])
    # the first run's graph is dropped here: only the output values and the inputs are kept
    res = CheckpointFunction.apply(run, len(tensors), [o.detach() for o in outs], *tensors, *leaves)
    res = res if isinstance(res, tuple) else (res,)
    for o, r in zip(outs, res):
        if not o.requires_grad:
            r.requires_grad = False
    return rebuild(list(res))


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """``functions`` (a Sequential or a list) run in ``segments`` checkpointed chunks; the last chunk runs
    normally."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be "
                      "passed explicitly. In version 2.9 we will raise an exception if use_reentrant is not "
                      "passed. use_reentrant=False is recommended, but if you need to preserve the current "
                      "default behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input
        return forward

    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
