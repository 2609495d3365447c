"""NumPy-style keyword names PyTorch's argument parser accepts for its native functions and Tensor methods:
``axis`` for ``dim``, ``keepdims`` for ``keepdim``, ``x``/``a``/``x1`` for ``input``, ``x2`` for ``other``.

``_install`` wraps, once at import, the functions of a namespace that take one of the real names; a call
without keywords goes straight through, one with keywords renames the aliases it finds."""
import functools
import inspect

_FUNCTION_ALIASES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input",
                     "x2": "other"}
_METHOD_ALIASES = {"axis": "dim", "keepdims": "keepdim"}


def _alias_map(fn, table):
    try:
        names = set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    amap = {alias: real for alias, real in table.items() if real in names and alias not in names}
    return amap or None


def with_aliases(fn, table=_FUNCTION_ALIASES):
    """``fn`` accepting PyTorch's NumPy-style keyword aliases (``fn`` itself when it takes none of the names)."""
    if getattr(fn, "_numpy_aliases", False):
        return fn
    amap = _alias_map(fn, table)
    if amap is None:
        return fn
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            for key in list(kwargs):
                real = amap.get(key)
                if real is not None:
                    if real in kwargs:
                        raise TypeError(f"{name}() got multiple values for argument '{real}'")
                    kwargs[real] = kwargs.pop(key)
        return fn(*args, **kwargs)
    wrapper._numpy_aliases = True
    return wrapper


def _install(namespace, names, tensor_cls=None, shared=()):
    """Wraps ``namespace[name]`` for each public function name given, and the public methods of ``tensor_cls``.
    A function also exported by a module in ``shared`` (``torch.softmax is F.softmax``) is replaced there by
    the same wrapper, so the two names stay one object."""
    for n in names:
        f = namespace.get(n)
        if n.startswith("_") or not inspect.isfunction(f):
            continue
        w = namespace[n] = with_aliases(f)
        for mod in shared:
            if getattr(mod, n, None) is f:
                setattr(mod, n, w)
    if tensor_cls is not None:
        for n, f in list(vars(tensor_cls).items()):
            if n.startswith("_") or not inspect.isfunction(f):
                continue
            w = with_aliases(f, _METHOD_ALIASES)
            if w is not f:
                setattr(tensor_cls, n, w)
