"""``torch.optim.Optimizer``: parameter groups, per-parameter state, hooks and state dicts.

Every optimizer updates the raw NumPy arrays of its parameters in place
(``p._data``) and bumps their version counters, so no autograd graph is ever
recorded by a step. Each update follows PyTorch's single-tensor implementation
operation by operation: scalars (bias corrections, step sizes) are computed in
Python doubles where PyTorch computes them, and NumPy, like PyTorch, rounds a
Python scalar to the array's dtype before the elementwise operation. The only
differences are PyTorch's fused multiply-adds (1 ulp; see ``set_exact_rounding``)
and its MKL ``sqrt`` (not correctly rounded). Small tensors of a group are
updated together in one batched kernel call (see ``_foreach``).
"""
import functools
import itertools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy

from .._backend import xp
from .._tensor import Tensor, _make
from .._grad_mode import state as _gs

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Singleton marking a hyperparameter that every param group must set."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class _RemovableHandle:
    """Handle returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict):
        self._dict = hooks_dict
        self.id = next(self._next_id)

    def remove(self):
        self._dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` called before every optimizer's ``step``."""
    handle = _RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` called after every optimizer's ``step``."""
    handle = _RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _hooked_step(func):
    """Wrap a ``step`` so that the global and per-optimizer pre/post hooks run around it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        self = args[0]
        if _global_optimizer_pre_hooks or self._optimizer_step_pre_hooks:   # (usually none: skip the chain)
            for pre_hook in itertools.chain(_global_optimizer_pre_hooks.values(),
                                            self._optimizer_step_pre_hooks.values()):
                result = pre_hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(f"{func} must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {result}.")
        out = func(*args, **kwargs)
        if self._optimizer_step_post_hooks or _global_optimizer_post_hooks:
            for post_hook in itertools.chain(self._optimizer_step_post_hooks.values(),
                                             _global_optimizer_post_hooks.values()):
                post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


def _scalar(value=0.0):
    """A 0-d float32 tensor, the type PyTorch keeps ``state['step']`` (and ASGD's eta/mu) in."""
    return _make(xp.array(value, dtype=xp.float32))


def _to_scalar(x):
    """A tensor hyperparameter (e.g. ``lr=torch.tensor(0.01)``) as a Python float."""
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        return x.item()
    return x


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def _grad_array(p, maximize=False, name=None):
    """The dense gradient array of ``p`` (negated into a new array when maximizing)."""
    g = p._grad
    if getattr(g, "is_sparse", False):
        raise RuntimeError(f"{name} does not support sparse gradients"
                           + (", please consider SparseAdam instead" if name == "Adam" else ""))
    g = g._data
    return -g if maximize else g


class Optimizer:
    """Base class of all optimizers.

    ``params`` is an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts
    (parameter groups, each with its own hyperparameters); ``defaults`` fills every
    hyperparameter a group does not set. ``state`` maps each parameter to its
    optimizer state (momentum buffers, moment estimates, step counts).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # every subclass's ``step`` runs the step pre/post hooks (PyTorch patches the class the same way)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _hooked_step(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()

        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))

        self.state = defaultdict(dict)
        self.param_groups = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ------------------------------------------------------------------ pickling / printing
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks", "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += "\n"
            s += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        s += ")"
        return s

    # ------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`` before each ``step``."""
        handle = _RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None`` after each ``step``."""
        handle = _RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def _register(self, table, hook, prepend):
        handle = _RemovableHandle(table)
        table[handle.id] = hook
        if prepend:
            table.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state dicts
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``.

        Parameters are numbered by their position across all groups; the state
        tensors are the optimizer's own (not copies), as in PyTorch.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            return value.to(dtype=_float32()) if (capturable or fused) else value
        if param.is_floating_point():
            return value.to(dtype=param.dtype)
        return value

    def load_state_dict(self, state_dict):
        """Load a state dict made by ``state_dict()`` (numtorch's or PyTorch's format).

        Group and parameter counts must match; state tensors are cast to their
        parameter's dtype (``step`` is kept as it is).
        """
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups),
                          itertools.chain.from_iterable(g["params"] for g in groups)))

        def _cast(param, value, param_id=None, param_groups=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id, param_groups, key)
            if isinstance(value, dict):
                return {k: _cast(param, v, param_id=param_id, param_groups=param_groups, key=k)
                        for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(_cast(param, v, param_id=param_id, param_groups=param_groups) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v, param_id=k, param_groups=state_dict["param_groups"])
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # ------------------------------------------------------------------ gradients / groups
    def zero_grad(self, set_to_none=True):
        """Reset the gradients: set them to None (default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                elif getattr(g, "is_sparse", False):
                    g.zero_()
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad = False
                    g._data[...] = 0
                    g._vc[0] += 1

    def step(self, closure=None):
        """Perform one optimization step (defined by each optimizer)."""
        raise NotImplementedError

    def _closure_loss(self, closure):
        """Evaluate ``closure`` with gradient recording on (PyTorch's ``enable_grad``)."""
        if closure is None:
            return None
        prev = _gs.enabled
        _gs.enabled = True
        try:
            return closure()
        finally:
            _gs.enabled = prev

    @staticmethod
    def _check_fused(fused, differentiable, foreach):
        """PyTorch's refusals for ``fused=True`` (numtorch accepts the flag and computes the same update)."""
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _group_defaults(self, **keys):
        """Fill keys missing from param groups of an older pickled optimizer (``__setstate__``)."""
        for group in self.param_groups:
            for k, v in keys.items():
                group.setdefault(k, v)

    def _by_step(self, group, moments):
        """The parameters of ``group`` that have a gradient, as ``(param, grad, *moment arrays)`` tuples keyed
        by their new step count (state made on first use, ``step`` incremented): tensors at the same step
        share their bias corrections, so one kernel call per key serves them all."""
        by_step = {}
        for p in group["params"]:
            if p._grad is None:
                continue
            g = _grad_array(p, False, self._name)
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _scalar(0.0)
                for k in moments:
                    state[k] = _state_tensor(p)
            step = _step_inc_fast(state["step"])
            by_step.setdefault(step, []).append((p._data, g) + tuple(state[k]._data for k in moments))
            p._vc[0] += 1
        return by_step

    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with ``'params'`` and optional hyperparameters)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter "
                                 f"{name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)

        existing = set()
        for group in self.param_groups:
            existing.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not existing.isdisjoint(id(p) for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


def _float32():
    from .. import _dtype
    return _dtype.float32


# ---------------------------------------------------------------------- fused-op helpers
# PyTorch's CPU kernels evaluate ``add(x, alpha=s)``, ``addcmul`` and ``lerp`` with a fused
# multiply-add (one rounding); ``addcdiv`` is ``self + (value * t1) / t2`` with ordinary roundings.
# By default numtorch uses plain NumPy (two roundings: at most 1 ulp per operation away from
# PyTorch, and about 3x cheaper). ``set_exact_rounding(True)`` reproduces the fused roundings
# exactly for float32 by doing the multiply-add in float64 (the product of two float32 numbers is
# exact there) and rounding once: SGD, ASGD, Adamax and Rprop then match PyTorch bit for bit
# (the others differ only through PyTorch's MKL ``sqrt``, which is not correctly rounded).
_f32 = xp.float32
_f64 = xp.float64
_EXACT = [False]


def set_exact_rounding(enabled=True):
    """Emulate PyTorch's fused multiply-adds exactly (slower); returns the previous setting."""
    prev = _EXACT[0]
    _EXACT[0] = bool(enabled)
    return prev


def _fma_(a, x, s):
    """``a.add_(x, alpha=s)``: ``a = a + s * x`` rounded once (``s`` is first rounded to a's dtype)."""
    if _EXACT[0] and a.dtype == _f32:
        r = x.astype(_f64)
        r *= float(_f32(s))
        r += a
        a[...] = r
    elif s == 1:
        a += x
    else:
        a += s * x


def _fma(a, x, s):
    """``a.add(x, alpha=s)`` (a new array)."""
    out = a.copy()
    _fma_(out, x, s)
    return out


def _fma_arr_(a, x, y):
    """``a = a + x * y`` rounded once."""
    if _EXACT[0] and a.dtype == _f32:
        r = x.astype(_f64)
        r *= y
        r += a
        a[...] = r
    else:
        a += x * y


def _addcmul_(a, t1, t2, value=1.0):
    """``a.addcmul_(t1, t2, value)``: ``a + (value * t1) * t2`` with the last multiply-add fused."""
    _fma_arr_(a, t1 if value == 1 else t1 * value, t2)


def _addcdiv_(a, t1, t2, value=1.0):
    """``a.addcdiv_(t1, t2, value)``: ``a + (value * t1) / t2``."""
    tmp = t1 * value if value != 1 else t1.copy()
    tmp /= t2
    a += tmp


def _lerp_(a, end, weight):
    """``a.lerp_(end, weight)``: ``a + w * (end - a)`` for ``|w| < 0.5``, else ``end + (w - 1) * (end - a)``."""
    w = a.dtype.type(weight)
    diff = end - a
    if abs(w) < 0.5:
        _fma_arr_(a, diff, w)
    else:
        base = end.copy()
        _fma_arr_(base, diff, w - a.dtype.type(1))
        a[...] = base


def _state_tensor(like, fill=0.0):
    """A new state tensor shaped like parameter ``like`` (``torch.zeros_like`` / ``full_like``)."""
    return _make(xp.full(like._data.shape, fill, dtype=like._data.dtype))


# ---------------------------------------------------------------------- group vectorization
# Elementwise updates give the same numbers whether run per tensor or on the concatenation of
# several tensors. Small tensors (biases, norms, embeddings of a few rows) are therefore updated
# together: their arrays are concatenated, the update kernel runs once on the flat arrays, and the
# results are written back. Large tensors are updated in place one by one (no copies).
_SMALL = 8192


def _foreach(kernel, items, writes, *scalars):
    """Run ``kernel(*arrays, *scalars)`` for every tuple of arrays in ``items``.

    ``items`` holds one tuple of same-shaped arrays per parameter (e.g. ``(p, grad, exp_avg)``);
    ``writes`` lists the tuple positions the kernel updates in place. Small tensors of one dtype are
    concatenated and processed by a single kernel call.
    """
    small = {}
    for it in items:
        a = it[0]
        if a.size > _SMALL:
            kernel(*it, *scalars)
        else:
            small.setdefault(a.dtype, []).append(it)
    for batch in small.values():
        if len(batch) == 1:
            kernel(*batch[0], *scalars)
            continue
        k = len(batch[0])
        flat = [xp.concatenate([it[j].reshape(-1) for it in batch]) for j in range(k)]
        kernel(*flat, *scalars)
        off = 0
        for it in batch:
            n = it[0].size
            for j in writes:
                it[j][...] = flat[j][off:off + n].reshape(it[j].shape)
            off += n


def _step_inc_fast(step_t):
    """``state['step'] += 1`` (float32 0-d tensor); returns the new value."""
    v = float(step_t._data) + 1.0
    step_t._data.fill(v)
    step_t._vc[0] += 1
    return float(step_t._data)


def _weight_decay(d, g, lr, wd, decoupled):
    """Adam-family weight decay: decoupled shrinks the parameter (d *= 1 - lr * wd), L2 adds wd * d to the
    gradient; returns the gradient to use."""
    if wd != 0:
        if decoupled:
            d *= 1 - lr * wd
        else:
            g = _fma(g, d, wd)
    return g


def _adam_moments_(m, v, g, beta1, beta2):
    """m = lerp(m, g, 1 - beta1); v = beta2 * v + (1 - beta2) * g * g (in place, PyTorch's roundings)."""
    _lerp_(m, g, 1 - beta1)
    v *= beta2
    _addcmul_(v, g, g, 1 - beta2)
