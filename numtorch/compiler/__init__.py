"""``torch.compiler``: with no compiler in numtorch, every model and function runs eagerly; these answer as
PyTorch does outside a compiled region (``is_compiling()`` is False) and their decorators return the function."""
import contextlib
import functools

from .._compile import compile

__all__ = ["compile", "config", "assume_constant_result", "reset", "allow_in_graph", "substitute_in_graph",
           "list_backends", "disable", "set_default_backend", "get_default_backend", "set_stance",
           "set_enable_guard_collectives", "cudagraph_mark_step_begin", "load_compiled_function", "wrap_numpy",
           "is_compiling", "is_dynamo_compiling", "is_exporting", "save_cache_artifacts", "load_cache_artifacts",
           "keep_portable_guards_unsafe", "skip_guard_on_inbuilt_nn_modules_unsafe",
           "skip_guard_on_all_nn_modules_unsafe", "keep_tensor_guards_unsafe", "skip_guard_on_globals_unsafe",
           "skip_all_guards_unsafe", "nested_compile_region"]

_default_backend = "inductor"


class _Config:
    """``torch.compiler.config``: settings kept, nothing reads them."""
    job_id = None
    cache_key_tag = ""
    dynamic_shapes = True


config = _Config()


def _passthrough(fn=None, **kwargs):
    # usable as ``@deco`` and ``@deco(...)``
    if fn is None:
        return lambda f: f
    return fn


def disable(fn=None, recursive=True, *, reason=None):
    """``fn`` unchanged: nothing is ever compiled here."""
    return _passthrough(fn)


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    return lambda fn: fn


def nested_compile_region(fn=None, options=None):
    return _passthrough(fn)


def wrap_numpy(fn):
    """``fn`` taking and returning NumPy arrays, called with tensors: converts in and out."""
    from .. import from_numpy, Tensor

    def conv(x, to_np):
        if isinstance(x, (list, tuple)):
            return type(x)(conv(v, to_np) for v in x)
        if isinstance(x, dict):
            return {k: conv(v, to_np) for k, v in x.items()}
        if to_np:
            return x.numpy() if isinstance(x, Tensor) else x
        from .._backend import xp
        return from_numpy(x) if isinstance(x, xp.ndarray) else x

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        return conv(fn(*conv(args, True), **conv(kwargs, True)), False)
    return wrapped


def reset():
    pass


def list_backends(exclude_tags=("debug", "experimental")):
    return ["cudagraphs", "inductor", "openxla", "tvm"]


def set_default_backend(backend):
    global _default_backend
    _default_backend = backend


def get_default_backend():
    return _default_backend


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    return contextlib.nullcontext()


def set_enable_guard_collectives(enabled):
    return False


def cudagraph_mark_step_begin():
    pass


def is_compiling():
    return False


def is_dynamo_compiling():
    return False


def is_exporting():
    return False


def _no_compiled(name):
    def f(*args, **kwargs):
        raise RuntimeError(f"numtorch has no 'torch.compiler.{name}': there is no compiler (models run eagerly)")
    f.__name__ = name
    return f


load_compiled_function = _no_compiled("load_compiled_function")
save_cache_artifacts = _no_compiled("save_cache_artifacts")
load_cache_artifacts = _no_compiled("load_cache_artifacts")


def _guard_filter(*args, **kwargs):
    return []


keep_portable_guards_unsafe = skip_guard_on_inbuilt_nn_modules_unsafe = skip_guard_on_all_nn_modules_unsafe = \
    keep_tensor_guards_unsafe = skip_guard_on_globals_unsafe = skip_all_guards_unsafe = _guard_filter
