"""``nn.Module``: the base class of every layer and model.

A Module keeps its trainable tensors in ``_parameters``, its non-trainable state in
``_buffers`` and its sub-layers in ``_modules`` (all ordered dicts, as in PyTorch),
so ``named_parameters()``/``state_dict()`` walk them in registration order and give
PyTorch's dotted key names. Attribute assignment routes ``Parameter``/``Module``/
buffer values into those dicts; attribute reads of them fall through
``__getattr__`` (ordinary attributes never reach it).
"""
import functools
import itertools
import warnings
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from ..parameter import Parameter, Buffer
from ..._tensor import Tensor, _make
from ..._backend import xp
from ... import _dtype as D, _devices
from ..._grad_mode import state as _gs, no_grad
from ...autograd.function import Function

__all__ = ["Module"]


def _typename(obj):
    """``torch.typename``: ``torch.FloatTensor`` for tensors, qualified class name otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    mod = obj.__class__.__module__ or ""
    qn = obj.__class__.__qualname__
    return qn if mod in ("", "builtins") else f"{mod}.{qn}"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; prints ``<All keys matched successfully>`` when both are empty."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class RemovableHandle:
    """Returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook (also a context manager)."""

    _next_id = itertools.count()

    def __init__(self, *hooks_dicts):
        self.hooks_dict_refs = [weakref.ref(d) if _weakrefable(d) else (lambda d=d: d) for d in hooks_dicts]
        self.id = next(RemovableHandle._next_id)

    def remove(self):
        for ref in self.hooks_dict_refs:
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _weakrefable(d):
    try:
        weakref.ref(d)
        return True
    except TypeError:
        return False


class _HookDict(OrderedDict):
    """An OrderedDict that can be weak-referenced (a plain dict cannot)."""

    def __reduce__(self):
        # pickled as the plain OrderedDict PyTorch's modules hold, so torch.load(weights_only=True) with the
        # module classes allowlisted (safe_globals) accepts a saved module, as it does PyTorch's
        return OrderedDict, (), None, None, iter(self.items())


# global hooks (``nn.modules.module.register_module_forward_hook``); empty in the fast path
_global_forward_hooks = _HookDict()
_global_forward_pre_hooks = _HookDict()


def register_module_forward_hook(hook):
    """Run ``hook(module, args, output)`` after every module's forward."""
    _enable_hook_checks()
    h = RemovableHandle(_global_forward_hooks)
    _global_forward_hooks[h.id] = hook
    return h


def register_module_forward_pre_hook(hook):
    """Run ``hook(module, args)`` before every module's forward."""
    _enable_hook_checks()
    h = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[h.id] = hook
    return h


class BackwardHookFunction(Function):
    """Identity on a tuple of tensors whose backward hands the incoming gradients to a callback.

    Applied to a module's inputs (gradients w.r.t. inputs) and outputs (gradients
    w.r.t. outputs), as PyTorch's ``BackwardHookFunction``.
    """

    @staticmethod
    def forward(ctx, cb, *tensors):
        ctx.cb = cb
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tuple(tensors) if len(tensors) != 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        res = ctx.cb(grads)
        if res is not None:
            grads = tuple(res)
        return (None,) + tuple(grads)


class _BackwardHookState:
    """Ties together the input side and the output side of one call's full backward hooks."""

    def __init__(self, module, n_inputs, n_outputs):
        self.module = module
        self.grad_outputs = None
        self.n_inputs = n_inputs
        self.input_idx = None

    def pack(self, idx, values, n):
        out = [None] * n
        for i, v in zip(idx, values):
            out[i] = v
        return tuple(out)

    def on_output_grads(self, out_idx, n_out):
        def cb(grads):
            grads = self.pack(out_idx, grads, n_out)
            m = self.module
            for hook in list(m._backward_pre_hooks.values()):
                r = hook(m, grads)
                if r is not None:
                    if not isinstance(r, tuple):
                        r = (r,)
                    if len(r) != len(grads):
                        raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, "
                                           f"got {len(r)}, but expected {len(grads)}")
                    grads = r
            self.grad_outputs = grads
            if self.input_idx is None:
                # no input needs a gradient: the hooks run now with grad_input all None
                if m._backward_hooks:
                    warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                                  "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/"
                                  "main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook "
                                  "for more details.", stacklevel=5)
                gin = (None,) * self.n_inputs
                for hook in list(m._backward_hooks.values()):
                    r = hook(m, gin, grads)
                    if r is not None and not all(x is None for x in (r if isinstance(r, tuple) else (r,))):
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                           "always return None or None for all gradients.")
            return tuple(grads[i] for i in out_idx)
        return cb

    def on_input_grads(self, in_idx):
        def cb(grads):
            m = self.module
            grads = tuple(g if req and g is not None else _make(xp.zeros(shape, dtype))
                          for g, (req, shape, dtype) in zip(grads, self.input_meta))
            gin = self.pack(in_idx, grads, self.n_inputs)
            gout = self.grad_outputs if self.grad_outputs is not None else ()
            for hook in list(m._backward_hooks.values()):
                r = hook(m, gin, gout)
                if r is None:
                    continue
                if not isinstance(r, tuple):
                    r = (r,)
                if len(r) != len(gin):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(r)}, "
                                       f"but expected {len(gin)}")
                gin = r
            self.grad_outputs = None
            return tuple(gin[i] for i in in_idx)
        return cb


def _flat_tensors(obj):
    """Positions of Tensors in a tuple (only the top level is looked at, as in PyTorch)."""
    return [i for i, a in enumerate(obj) if isinstance(a, Tensor)]


class Module:
    """Base class for all neural-network modules (parameters, buffers and submodules by attribute)."""

    dump_patches = False
    _version = 1
    training = True
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if not self.call_super_init and kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if not self.call_super_init and args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} "
                            "were given")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = _HookDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_hooks_always_called"] = {}
        d["_forward_pre_hooks"] = _HookDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = _HookDict()
        d["_backward_pre_hooks"] = _HookDict()
        d["_state_dict_hooks"] = _HookDict()
        d["_state_dict_pre_hooks"] = _HookDict()
        d["_load_state_dict_pre_hooks"] = _HookDict()
        d["_load_state_dict_post_hooks"] = _HookDict()

    def forward(self, *input):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ------------------------------------------------------------------ call
    # ``__call__`` is ``_call_fast`` (a single call of forward) until the first hook of any kind is
    # registered anywhere; from then on ``_call_checked`` looks at the hook dicts on every call.
    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    _call_impl = __call__

    def _call_with_hooks(self, args, kwargs):
        for hid, hook in list(_global_forward_pre_hooks.items()) + list(self._forward_pre_hooks.items()):
            if hid in self._forward_pre_hooks_with_kwargs:
                r = hook(self, args, kwargs)
                if r is not None:
                    if not (isinstance(r, tuple) and len(r) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {r}.")
                    args, kwargs = r
            else:
                r = hook(self, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        bw = None
        if (self._backward_hooks or self._backward_pre_hooks) and _gs.enabled:
            bw = _BackwardHookState(self, len(args), 0)
            idx = _flat_tensors(args)
            if any(args[i].requires_grad for i in idx):
                # every tensor input is wrapped (as PyTorch does); those that need no gradient get zeros
                bw.input_idx = idx
                bw.input_meta = [(args[i].requires_grad, args[i]._data.shape, args[i]._data.dtype) for i in idx]
                new = BackwardHookFunction.apply(bw.on_input_grads(idx), *[args[i] for i in idx])
                if not isinstance(new, tuple):
                    new = (new,)
                args = list(args)
                for i, t in zip(idx, new):
                    args[i] = t
                args = tuple(args)
        out = self.forward(*args, **kwargs)
        for hid, hook in list(_global_forward_hooks.items()) + list(self._forward_hooks.items()):
            if hid in self._forward_hooks_with_kwargs:
                r = hook(self, args, kwargs, out)
            else:
                r = hook(self, args, out)
            if r is not None:
                out = r
        if bw is not None:
            single = isinstance(out, Tensor)
            outs = (out,) if single else out
            if isinstance(outs, tuple):
                oidx = [i for i in _flat_tensors(outs) if outs[i].requires_grad]
                if oidx:
                    new = BackwardHookFunction.apply(bw.on_output_grads(oidx, len(outs)), *[outs[i] for i in oidx])
                    if not isinstance(new, tuple):
                        new = (new,)
                    outs = list(outs)
                    for i, t in zip(oidx, new):
                        outs[i] = t
                    out = outs[0] if single else tuple(outs)
        return out

    # ------------------------------------------------------------ hooks API
    def _add_hook(self, store, hook, prepend=False, extra=None):
        _enable_hook_checks()
        h = RemovableHandle(store, *(extra or ()))
        store[h.id] = hook
        if prepend:
            store.move_to_end(h.id, last=False)
        return h

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args) -> None | new args`` (``(module, args, kwargs)`` with ``with_kwargs``)."""
        h = self._add_hook(self._forward_pre_hooks, hook, prepend, (self._forward_pre_hooks_with_kwargs,))
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[h.id] = True
        return h

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output) -> None | new output`` (``(module, args, kwargs, output)`` with kwargs)."""
        h = self._add_hook(self._forward_hooks, hook, prepend,
                           (self._forward_hooks_with_kwargs, self._forward_hooks_always_called))
        if with_kwargs:
            self._forward_hooks_with_kwargs[h.id] = True
        if always_call:
            self._forward_hooks_always_called[h.id] = True
        return h

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output) -> None | new grad_input`` (gradients w.r.t. the
        module's positional inputs and its outputs; ``None`` where an input needs no gradient)."""
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output) -> None | new grad_output``, before the input gradients are computed."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    def register_backward_hook(self, hook):
        """Deprecated in PyTorch; served by the full backward hook here."""
        return self.register_full_backward_hook(hook)

    def register_state_dict_pre_hook(self, hook):
        """``hook(module, prefix, keep_vars)``, called before ``state_dict`` collects this module's entries."""
        return self._add_hook(self._state_dict_pre_hooks, hook)

    def _register_state_dict_hook(self, hook):
        return self._add_hook(self._state_dict_hooks, hook)

    register_state_dict_post_hook = _register_state_dict_hook

    def register_load_state_dict_post_hook(self, hook):
        return self._add_hook(self._load_state_dict_post_hooks, hook)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        if with_module:
            hook = functools.partial(hook, self)
        return self._add_hook(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook):
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    # ----------------------------------------------------- attribute access
    def __getattr__(self, name):
        # reached only when normal lookup fails: parameters, buffers and submodules live in dicts
        d = self.__dict__
        try:  # (a layer reading its own parameter: the common case first, no exception raised)
            return d["_parameters"][name]
        except KeyError:
            pass
        p = d.get("_parameters")
        if p is not None and name in p:
            return p[name]
        b = d.get("_buffers")
        if b is not None and name in b:
            return b[name]
        m = d.get("_modules")
        if m is not None and name in m:
            return m[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            d.pop(name, None)
            self._buffers.pop(name, None)
            self._modules.pop(name, None)
            self._non_persistent_buffers_set.discard(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                d.pop(name, None)
                params.pop(name, None)
                self._buffers.pop(name, None)
                self._non_persistent_buffers_set.discard(name)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                    "(torch.nn.Module or None expected)")
                modules[name] = value
            else:
                buffers = d.get("_buffers")
                # ``nn.Buffer(...)`` marks a plain tensor in its instance dict (cheaper than a failing getattr)
                is_buf = isinstance(value, Tensor) and value.__dict__.get("_is_buffer", False)
                if is_buf or (buffers is not None and name in buffers):
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                        "(torch.nn.Buffer, torch.Tensor or None expected)")
                    persistent = value.persistent if is_buf else name not in self._non_persistent_buffers_set
                    self.register_buffer(name, value, persistent)
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = set(object.__dir__(self)) | set(self._parameters) | set(self._modules) | set(self._buffers)
        return sorted(k for k in keys if not k[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)
        for k, v in (("_forward_hooks_with_kwargs", {}), ("_forward_hooks_always_called", {}),
                     ("_forward_pre_hooks_with_kwargs", {}), ("_backward_pre_hooks", _HookDict()),
                     ("_state_dict_hooks", _HookDict()), ("_state_dict_pre_hooks", _HookDict()),
                     ("_load_state_dict_pre_hooks", _HookDict()),
                     ("_load_state_dict_post_hooks", _HookDict())):
            self.__dict__.setdefault(k, v)

    # ------------------------------------------------------------ registration
    def register_parameter(self, name, param):
        """Add ``param`` (a Parameter or None) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if name not in self._parameters and (name in self.__dict__ or hasattr(type(self), name)
                                             or name in self._buffers or name in self._modules):
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        elif param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                             f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                             "the value in the forward() method.")
        else:
            self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a non-trainable tensor (saved in ``state_dict`` unless ``persistent=False``)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if name not in self._buffers and (name in self.__dict__ or hasattr(type(self), name)
                                          or name in self._parameters or name in self._modules):
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        if tensor is not None and tensor.__dict__.get("_is_buffer", False):
            persistent = tensor.persistent
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module (or None) under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if name not in self._modules and (name in self.__dict__ or hasattr(type(self), name)
                                          or name in self._parameters or name in self._buffers):
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name, module):
        self.add_module(name, module)

    def get_submodule(self, target):
        """The submodule at dotted path ``target`` ('' is the module itself)."""
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target, module, strict=False):
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        parent, _, name = target.rpartition(".")
        mod = self.get_submodule(parent)
        if strict and not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        setattr(mod, name, module)

    def get_parameter(self, target):
        """The Parameter at dotted path ``target``."""
        module_path, _, param_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, param_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
        param = getattr(mod, param_name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + param_name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        """The buffer at dotted path ``target``."""
        module_path, _, buffer_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, buffer_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
        buf = getattr(mod, buffer_name)
        if buffer_name not in mod._buffers:
            raise AttributeError("`" + buffer_name + "` is not a buffer")
        return buf

    def get_extra_state(self):
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called.")

    def set_extra_state(self, state):
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called.")

    # --------------------------------------------------------------- walking
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(dotted name, module)`` for this module and all below it, each module once."""
        if memo is None:
            memo = set()
        if self not in memo:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                submodule_prefix = prefix + ("." if prefix else "") + name
                yield from module.named_modules(memo, submodule_prefix, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        memo = set()
        for name, m in self._modules.items():
            if m is not None and m not in memo:
                memo.add(m)
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named_members(self, store, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for mp, m in modules:
            for k, v in m.__dict__[store].items():
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield mp + ("." if mp else "") + k, v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, Parameter)`` pairs; a parameter shared by two layers is listed once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------ state dict
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict ``dotted name -> tensor`` of parameters and persistent buffers (detached)."""
        if args:
            destination = args[0] if len(args) > 0 else destination
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        meta = getattr(destination, "_metadata", None)
        if meta is not None:
            meta[prefix[:-1]] = dict(version=self._version)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            r = hook(self, destination, prefix, {})
            if r is not None:
                destination = r
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(), persistent.items())
                       if v is not None}
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            input_param = state_dict[key]
            if not isinstance(input_param, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                                  f"Tensor-like object from checkpoint but received {type(input_param)}")
                continue
            if param.dim() == 0 and input_param.dim() == 1 and input_param.numel() == 1:
                input_param = input_param[0]  # backward compatibility: 0-d params saved as shape [1]
            if input_param.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {input_param.shape} "
                                  f"from checkpoint, the shape in current model is {param.shape}.")
                continue
            try:
                with no_grad():
                    if assign:
                        if isinstance(param, Parameter):
                            new = Parameter(input_param.detach(), requires_grad=param.requires_grad)
                            self._parameters[name] = new
                        else:
                            self._buffers[name] = input_param
                    else:
                        param.copy_(input_param)
            except Exception as ex:  # noqa: BLE001  (reported as PyTorch does)
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model '
                                  f"are {param.size()} and whose dimensions in the checkpoint are "
                                  f"{input_param.size()}, an exception occurred : {ex.args}.")
        if strict:
            for key in state_dict.keys():
                if key.startswith(prefix):
                    input_name = key[len(prefix):].split(".", 1)
                    if len(input_name) > 1:
                        if input_name[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif input_name[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy tensors from ``state_dict`` into this module's parameters and buffers.

        Returns ``_IncompatibleKeys(missing_keys, unexpected_keys)``; with ``strict`` any
        missing/unexpected key raises RuntimeError, and a shape mismatch always does.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True, missing_keys,
                                         unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_sd = {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}
                    load(child, child_sd, child_prefix)
            incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                r = hook(module, incompatible)
                if r is not None:
                    raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not"
                                         "expected to return new values, if incompatible_keys need to be modified,"
                                         "it should be done inplace.")

        load(self, state_dict)
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self.__class__.__name__, "\n\t".join(error_msgs)))
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ------------------------------------------------------------------ modes
    def train(self, mode=True):
        """Set training mode on this module and all below it (Dropout, BatchNorm read it)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.__dict__["training"] = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters (to None, or to zeros in place)."""
        for p in self.parameters():
            g = p._grad
            if g is not None:
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad = False
                    g.zero_()

    def apply(self, fn):
        """Call ``fn(m)`` on every submodule (children first), then on self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def share_memory(self):
        """Moves parameters, gradients and buffers to shared memory (``Tensor.share_memory_``)."""
        return self._apply(lambda t: t.share_memory_())

    # ----------------------------------------------------------- conversion
    def _apply(self, fn, recurse=True):
        """Apply ``fn`` to every parameter, gradient and buffer, keeping Parameter identity."""
        if recurse:
            for m in self.children():
                m._apply(fn)
        for key, p in self._parameters.items():
            if p is None:
                continue
            new = fn(p)
            if new is not p and new._data is not p._data:
                p._data = new._data  # ``param.data = ...``: the Parameter object (held by optimizers) stays
            if p._grad is not None:
                g = fn(p._grad)
                if g is not p._grad:
                    p._grad = _plain(g)
        for key, b in self._buffers.items():
            if b is not None:
                new = fn(b)
                if new is not b:
                    self._buffers[key] = new
        return self

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)``: floating parameters and
        buffers take ``dtype`` (there is only the CPU device)."""
        dtype = kwargs.get("dtype")
        if kwargs.get("device") is not None:
            _devices.check(kwargs["device"])
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif a is not None and not isinstance(a, bool):
                _devices.check(a)   # a device: str, torch.device or int
        if dtype is not None:
            if not (dtype.is_floating_point if hasattr(dtype, "is_floating_point") else
                    D.to_numpy_dtype(dtype).kind in "fV"):
                raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                f"dtype={dtype}")
            return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)
        return self

    def cpu(self):
        return self

    def cuda(self, device=None):
        _devices.check("cuda" if device is None else device)

    def xpu(self, device=None):
        _devices.check("xpu" if device is None else device)

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def float(self):
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self):
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def to_empty(self, *, device=None, recurse=True):
        return self

    # ------------------------------------------------------------------ repr
    def extra_repr(self):
        """Extra text inside the parentheses of this module's repr (e.g. ``in_features=2``)."""
        return ""

    def _get_name(self):
        return self.__class__.__name__

    def __repr__(self):
        extra_lines = []
        extra = self.extra_repr()
        if extra:
            extra_lines = extra.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            mod_str = _addindent(repr(module), 2)
            child_lines.append("(" + key + "): " + mod_str)
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def compile(self, *args, **kwargs):
        pass


def _call_checked(self, *args, **kwargs):
    if not (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks or
            self._backward_pre_hooks or _global_forward_hooks or _global_forward_pre_hooks):
        return self.forward(*args, **kwargs)
    return self._call_with_hooks(args, kwargs)


def _enable_hook_checks():
    """From the first hook on, every Module call checks for hooks (before that it is one call of forward)."""
    if Module.__dict__["__call__"] is not _call_checked:
        Module.__call__ = _call_checked
        Module._call_impl = _call_checked


def _plain(t):
    """A converted gradient is a plain leaf tensor."""
    if t.grad_fn is not None:
        t = t.detach()
    return t


def _addindent(s_, numSpaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [(numSpaces * " ") + line for line in s]
    return first + "\n" + "\n".join(s)
