"""``torch.compile`` without a compiler: the wrapper PyTorch returns, running the model eagerly.

A module comes back as ``torch._dynamo.eval_frame.OptimizedModule`` holding it as ``_orig_mod`` (so
``state_dict`` keys gain PyTorch's ``_orig_mod.`` prefix), a function as a ``functools.wraps`` wrapper.
"""
import functools


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """``torch.compile(model)``: ``model`` wrapped as PyTorch wraps it, computing exactly as ``model``
    (numtorch has no compiler: every call runs eagerly). Usable as ``@torch.compile`` and
    ``@torch.compile(...)``."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same "
                           "time.")
    if model is None:
        def fn(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                           options=options, name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return fn
    if not callable(model):
        raise RuntimeError("torch.compile: model must be callable")
    if disable:
        return model
    from .nn import Module
    if isinstance(model, Module):
        from ._dynamo.eval_frame import OptimizedModule
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)
    compiled._torchdynamo_orig_callable = model
    return compiled
