"""Reverse-mode automatic differentiation: backward, grad, Function, gradcheck."""
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode
from .function import Function
from .engine import run_backward as _run_backward
from .._tensor import Tensor as _Tensor, _make
from .gradcheck import gradcheck, gradgradcheck
from . import functional  # noqa: F401
from . import profiler  # noqa: F401


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, _Tensor):
        return [x]
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors if grad_tensors is not None else grad_variables) or [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} gradients for {len(tensors)} tensors")
    inputs = _as_list(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    _run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned instead of accumulated."""
    outputs = _as_list(outputs)
    single = isinstance(inputs, _Tensor)
    inputs = _as_list(inputs)
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    res = _run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=False)
    out = []
    for k, (t, g) in enumerate(zip(inputs, res)):
        if g is None:
            if materialize_grads:
                from .._backend import xp
                g = _make(xp.zeros_like(t._data))
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {k} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        out.append(g)
    return tuple(out)


class _Anomaly:
    def __init__(self, mode=True, check_nan=True):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


detect_anomaly = _Anomaly


def set_detect_anomaly(mode, check_nan=True):
    return _Anomaly()


Variable = _Tensor

# torch.autograd shows function, functional and grad_mode but not its engine (numtorch.autograd.engine stays
# importable by path); Node and once_differentiable are at torch's paths, numtorch.autograd.function.X
del engine  # noqa: F821  (bound by the submodule import above)
__all__ = ["Function", "Variable", "backward", "grad", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "detect_anomaly", "set_detect_anomaly", "function", "functional",
           "grad_mode"]
