"""Running a ``torch.library.custom_op`` (or an operator given ``register_autograd``): the kernel is opaque to
autograd, as in PyTorch. With no tensor needing a gradient it runs under ``no_grad``; otherwise it runs as the
forward of a generated ``autograd.Function`` whose backward is the registered formula (or, when none was
registered, PyTorch's error on backward). Tensor-list arguments (``Tensor[]``) are spread into the Function's
inputs so each of their tensors gets its gradient."""
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad, is_grad_enabled
from .._tensor import Tensor

_classes = {}


def _is_tensor_list(v):
    return isinstance(v, (list, tuple)) and any(isinstance(x, Tensor) for x in v)


def _needs_grad(values):
    for v in values:
        if isinstance(v, Tensor) and v.requires_grad:
            return True
        if _is_tensor_list(v) and any(isinstance(x, Tensor) and x.requires_grad for x in v):
            return True
    return False


def _flatten(values):
    """(flat inputs, layout): a list argument of n items becomes n inputs; layout holds None or (type, n)."""
    flat, layout = [], []
    for v in values:
        if _is_tensor_list(v):
            flat.extend(v)
            layout.append((type(v), len(v)))
        else:
            flat.append(v)
            layout.append(None)
    return flat, layout


def _unflatten(flat, layout):
    out, i = [], 0
    for item in layout:
        if item is None:
            out.append(flat[i])
            i += 1
        else:
            kind, n = item
            out.append(kind(flat[i:i + n]))
            i += n
    return out


def _function_class(overload):
    entry = overload._entry
    cls = _classes.get(id(entry))
    if cls is not None and cls._entry is entry:
        return cls
    label = f"{overload._namespace}.{overload._opname}.{overload._overloadname}"
    args = entry.schema.arguments
    n_pos = sum(not a.kwarg_only for a in args)
    kw_names = [a.name for a in args if a.kwarg_only]

    def forward(ctx, layout, *flat):
        values = _unflatten(flat, layout)
        ctx._nt_layout = layout
        out = entry.kernel(*values)
        if entry.autograd is not None and entry.autograd[1] is not None:
            # as PyTorch: keyword-only arguments come separately, and only when the schema has some
            if kw_names:
                entry.autograd[1](ctx=ctx, inputs=tuple(values[:n_pos]),
                                  keyword_only_inputs=dict(zip(kw_names, values[n_pos:])), output=out)
            else:
                entry.autograd[1](ctx=ctx, inputs=tuple(values), output=out)
        return out

    def backward(ctx, *grads):
        if entry.autograd is None:
            raise RuntimeError(f"Trying to backward through {label} but no autograd formula was registered. "
                               f"Please use register_autograd to add one.")
        res = entry.autograd[0](ctx, *grads)
        # one gradient per positional input (a list of them for a tensor list); keyword-only inputs get none
        res = list(res) if isinstance(res, tuple) else [res]
        res += [None] * len(kw_names)
        flat = [None]
        for g, item in zip(res, ctx._nt_layout):
            if item is None:
                flat.append(g)
            else:
                flat.extend(list(g) if g is not None else [None] * item[1])
        return tuple(flat)

    name = f"GeneratedBackwardFor_{overload._namespace}_{overload._opname}_{overload._overloadname}"
    cls = type(name, (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward),
                                   "_entry": entry})
    _classes[id(entry)] = cls
    return cls


def run_custom(overload, values):
    if not (is_grad_enabled() and _needs_grad(values)):
        with no_grad():
            return overload._entry.kernel(*values)
    flat, layout = _flatten(values)
    return _function_class(overload).apply(layout, *flat)
