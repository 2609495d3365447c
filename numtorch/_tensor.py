"""The Tensor: a NumPy array plus what autograd needs to know about it.

Methods are thin: each forwards to the function of the same name in
``numtorch._ops`` (imported at the bottom to break the import cycle), where the
differentiable operation lives.
"""
import builtins
import numbers

from ._backend import xp
from . import _dtype as D
from ._grad_mode import state as _gs
from . import _devices
from . import _shared_mem as _shm

_edge = None  # set by autograd.function
_backward_default = None  # set by autograd.engine: ``backward()`` of a scalar with a grad_fn
_autograd = None          # numtorch.autograd and its own backward(), bound at the first backward()
_autograd_backward = None


def _bind_autograd():
    global _autograd, _autograd_backward
    from . import autograd
    f = autograd.backward
    # a wrapper installed before the first call (``numtorch explain``) is not the original
    _autograd_backward = f if getattr(f, "__module__", None) == autograd.__name__ else None
    _autograd = autograd
    return autograd


class Size(tuple):
    """``tensor.shape``: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, k):
        r = tuple.__getitem__(self, k)
        return Size(r) if isinstance(k, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


class device:
    """``torch.device``: numtorch computes on the CPU only."""

    __slots__ = ("type", "index", "_prev")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, builtins.int) and not isinstance(type, builtins.bool):
            raise _devices.no_accelerator()   # an integer names an accelerator; there is none
        type = str(type)
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed "
                                   f"explicitly: {type}")
            type, idx = type.split(":", 1)
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = builtins.int(idx)
        if type not in _devices.DEVICE_TYPES:
            raise _devices.unknown_type(type)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = type, index

    # ``with torch.device("cpu"):`` makes it the default device of the tensors created inside
    def __enter__(self):
        self._prev = _devices._default[0]
        _devices.set_default_device(self)
        return self

    def __exit__(self, *exc):
        _devices._default[0] = self._prev
        return False

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")

_new = object.__new__


_SCALAR = getattr(xp, "generic", ())


def _make(data, requires_grad=False, grad_fn=None, out_nr=0):
    """Wrap an ndarray without any checks (the hot path of every operation)."""
    if isinstance(data, _SCALAR):   # a ufunc of 0-d arrays returns a NumPy scalar: keep a writable 0-d array
        data = xp.asarray(data)
    t = _new(Tensor)
    t._data = data
    t.requires_grad = requires_grad
    t.grad_fn = grad_fn
    t._out_nr = out_nr
    t._grad = None
    t._vc = [0]
    return t


class Tensor:
    """A multi-dimensional array with reverse-mode automatic differentiation."""

    __slots__ = ("_data", "requires_grad", "grad_fn", "_out_nr", "_grad", "_vc", "__weakref__", "__dict__")
    __array_priority__ = 1000

    # defaults for the rarely set slots (class attributes are read when a slot is unset)
    _acc = None
    _hooks = None
    _post_acc_hooks = None
    _retains = False
    _conj = False   # PyTorch's conjugate / negative bits as seen from Python (numtorch._ops.complex)
    _neg = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    is_cuda = False
    is_cpu = True
    is_xpu = False
    is_mps = False
    is_ipu = False
    is_vulkan = False
    is_maia = False
    is_mtia = False
    is_nested = False
    is_sparse_csr = False
    is_mkldnn = False
    layout = "torch.strided"

    def __new__(cls, *args, **kwargs):
        return _new(cls)

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        # ``torch.Tensor(2, 3)`` is an uninitialised float tensor; ``torch.Tensor([1, 2])`` copies data
        if len(args) == 1 and isinstance(args[0], Tensor):
            data = args[0]._data
        elif len(args) == 1 and not isinstance(args[0], numbers.Integral):
            if isinstance(args[0], (list, tuple)):
                from ._creation import _warn_list_of_arrays
                _warn_list_of_arrays(args[0])
            data = xp.asarray(args[0], dtype=(dtype.np if dtype else D.get_default_dtype().np))
        elif args and all(isinstance(a, numbers.Integral) for a in args):
            data = xp.zeros(tuple(builtins.int(a) for a in args), dtype=D.get_default_dtype().np)
        elif len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
            data = xp.zeros(tuple(args[0]), dtype=D.get_default_dtype().np)
        else:
            data = xp.zeros((0,), dtype=D.get_default_dtype().np)
        self._data = data
        self.requires_grad = requires_grad
        self.grad_fn = None
        self._out_nr = 0
        self._grad = None
        self._vc = [0]

    # ------------------------------------------------------------------ basics
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return D.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return CPU

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def is_floating_point(self):
        return self._data.dtype.kind in "fV"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    def get_device(self):
        return -1

    @property
    def _version(self):
        return self._vc[0]

    @property
    def data(self):
        t = _make(self._data)
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains:
            import warnings
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                          ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                          "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                          "non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @property
    def grad_fn_name(self):
        return None if self.grad_fn is None else self.grad_fn.name()

    @property
    def output_nr(self):
        return self._out_nr

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(ops.unbind(self, 0))

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return builtins.bool(self._data.reshape(()))

    def __float__(self):
        if self._data.size != 1:   # PyTorch: ValueError here, RuntimeError from item()
            raise ValueError("only one element tensors can be converted to Python scalars")
        return builtins.float(self._real_item("double"))

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return builtins.int(self._real_item("int64_t"))

    def _real_item(self, ctype):
        v = self.item()
        if v.__class__ is builtins.complex:   # PyTorch converts a complex with no imaginary part only
            if v.imag != 0:
                raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
            return v.real
        return v

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self._data.reshape(()))

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        # plain pickling (e.g. DataLoader workers): data, dtype, requires_grad; shared memory by reference
        return (_rebuild, (_shm.picklable(self._data), self.requires_grad))

    def share_memory_(self):
        """Moves the data to shared memory (a no-op if it is there): processes given this tensor, forked or
        pickled, see each other's in-place updates."""
        self._data = _shm.share(self._data)
        return self

    def is_shared(self):
        return _shm.find(self._data) is not None

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.")
        t = self.__class__.__new__(self.__class__)
        Tensor.__init__(t)
        t._data = self._data.copy()
        t.requires_grad = self.requires_grad
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        if hasattr(self, "__dict__"):
            import copy
            for k, v in self.__dict__.items():
                # autograd bookkeeping (the leaf's AccumulateGrad, view records, hooks) belongs to the original
                if k not in _NO_DEEPCOPY:
                    setattr(t, k, copy.deepcopy(v, memo))
        memo[id(self)] = t
        return t

    # ---------------------------------------------------------- autograd API
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        ag = _autograd if _autograd is not None else _bind_autograd()
        if gradient is None and inputs is None and self.grad_fn is not None and \
                ag.backward is _autograd_backward:
            # the training-loop call (loss.backward()) with autograd.backward not wrapped by anyone:
            # straight to the engine
            _backward_default(self, retain_graph, create_graph)
            return
        ag.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        t = _make(self._data)
        t._vc = self._vc
        return t

    def detach_(self):
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        if not self.is_leaf and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use "
                               "a computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in "fVc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains:
            return
        import weakref
        node = self.grad_fn
        if node._retain is None:
            node._retain = {}
            node._plain = False
        node._retain[self._out_nr] = weakref.ref(self)
        self._retains = True

    @property
    def retains_grad(self):
        return self._retains

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_pre_hook(self._out_nr, hook)
        if self._hooks is None:
            self._hooks = []
        from .autograd.function import _RemovableHandle
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        from .autograd.function import _RemovableHandle
        self._post_acc_hooks.append(hook)
        return _RemovableHandle(self._post_acc_hooks, hook)

    # -------------------------------------------------------- conversions
    def to(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        copy = kwargs.get("copy", False)
        if "device" in kwargs:
            _devices.check(kwargs["device"] if kwargs["device"] is not None else "cpu")
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif a is builtins.float or a is builtins.int or a is builtins.bool or a is builtins.complex:
                # Python types stand for float64 / int64 / bool / complex128, as in torch
                dtype = D.float64 if a is builtins.float else D.int64 if a is builtins.int else D.bool_ \
                    if a is builtins.bool else D.complex128
            elif a is not None and not isinstance(a, builtins.bool):
                _devices.check(a)   # a device: str, torch.device or int
        if dtype is None or D.to_numpy_dtype(dtype) == self._data.dtype:
            return self.clone() if copy else self
        return ops.to_dtype(self, dtype)

    def type(self, dtype=None, non_blocking=False, **kw):
        if dtype is None:
            return "torch." + D.scalar_name(self._data.dtype) + "Tensor"
        if isinstance(dtype, str):
            name = dtype[len("torch."):] if dtype.startswith("torch.") else None
            if name is not None and name.startswith("cuda."):
                _devices.check("cuda")
            dtype = {"FloatTensor": D.float32, "DoubleTensor": D.float64, "HalfTensor": D.float16,
                     "LongTensor": D.int64, "IntTensor": D.int32, "ShortTensor": D.int16,
                     "CharTensor": D.int8, "ByteTensor": D.uint8, "BoolTensor": D.bool_,
                     "BFloat16Tensor": D.bfloat16, "ComplexFloatTensor": D.complex64,
                     "ComplexDoubleTensor": D.complex128}.get(name, dtype)
        elif dtype is Tensor:
            dtype = D.get_default_dtype()
        elif isinstance(getattr(dtype, "dtype", None), D.dtype) and isinstance(dtype, builtins.type):
            dtype = dtype.dtype   # a legacy tensor type: t.type(torch.FloatTensor)
        if not isinstance(dtype, D.dtype):
            raise ValueError(f"invalid type: '{dtype if isinstance(dtype, str) else getattr(dtype, '__name__', dtype)}'")
        return self.to(dtype)

    def cpu(self, *a, **k):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        _devices.check("cuda" if device is None else device)

    def xpu(self, device=None, non_blocking=False, memory_format=None):
        _devices.check("xpu" if device is None else device)

    def float(self, memory_format=None):
        return self.to(D.float32)

    def double(self, memory_format=None):
        return self.to(D.float64)

    def half(self, memory_format=None):
        return self.to(D.float16)

    def bfloat16(self, memory_format=None):
        return self.to(D.bfloat16)

    def long(self, memory_format=None):
        return self.to(D.int64)

    def int(self, memory_format=None):
        return self.to(D.int32)

    def short(self, memory_format=None):
        return self.to(D.int16)

    def char(self, memory_format=None):
        return self.to(D.int8)

    def byte(self, memory_format=None):
        return self.to(D.uint8)

    def bool(self, memory_format=None):
        return self.to(D.bool_)

    def cfloat(self, memory_format=None):
        return self.to(D.complex64)

    def cdouble(self, memory_format=None):
        return self.to(D.complex128)

    def type_as(self, other):
        return self.to(other.dtype)

    def contiguous(self, memory_format=None):
        if self._data.flags.c_contiguous:
            return self
        return ops.contiguous(self)

    def pin_memory(self, device=None):
        # pinned memory is for copies to an accelerator: CPU-only torch raises here
        raise _devices.no_accelerator()

    def is_pinned(self, device=None):
        return False

    def is_pinned(self, device=None):
        return False

    # ------------------------------------------------------------ in place
    def _check_inplace(self):
        """PyTorch's refusal to modify a leaf that requires grad in place while recording (the one copy)."""
        if _gs.enabled and self.requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")

    def _bump(self):
        self._vc[0] += 1
        return self

    def zero_(self):
        self._check_inplace()
        if _gs.enabled and self.requires_grad:
            from ._ops.index import _snapshot
            from ._ops.conversion import Zero
            return ops.inplace_assign(self, Zero.apply(_snapshot(self), 0))
        self._data[...] = 0
        return self._bump()

    def fill_(self, value):
        self._check_inplace()
        if _gs.enabled and (self.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
            from ._ops.index import _snapshot
            from ._ops.conversion import Fill, FillTensor
            return ops.inplace_assign(self, (FillTensor if isinstance(value, Tensor) else Fill).apply(
                _snapshot(self), value))
        if isinstance(value, Tensor):
            value = value._data
        from ._ops._util import check_scalar_fits
        value = check_scalar_fits(value, self._data.dtype)
        self._data[...] = value
        return self._bump()

    def copy_(self, src, non_blocking=False):
        self._check_inplace()
        if not isinstance(src, Tensor):
            src = ops.as_tensor(src)
        if _gs.enabled and (self.requires_grad or src.requires_grad):
            from ._ops.index import _snapshot
            from ._ops.conversion import CopyFrom
            return ops.inplace_assign(self, CopyFrom.apply(_snapshot(self), src))
        sd = src._data
        if sd.dtype.kind == "c" and self._data.dtype.kind != "c":
            from ._ops.conversion import _discard_imag
            sd = _discard_imag(sd, self._data.dtype)
        try:
            self._data[...] = xp.broadcast_to(sd, self._data.shape)
        except ValueError:
            raise RuntimeError(f"The size of tensor a ({self.shape}) must match the size of tensor b "
                               f"({src.shape})") from None
        return self._bump()

    def set_(self, source):
        self._data = source._data
        return self._bump()

    def random_(self, *args, generator=None, **kwargs):
        from . import _random
        self._check_inplace()
        _random.random_method(self._data, args, kwargs, generator)
        return self._bump()

    def uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
        from . import _random
        self._check_inplace()
        a, b = kwargs.pop("from", a), kwargs.pop("to", b)
        _random.uniform_(self._data, a, b, generator)
        return self._bump()

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        from . import _random
        self._check_inplace()
        _random.normal_(self._data, mean, std, generator)
        return self._bump()

    def bernoulli_(self, p=0.5, *, generator=None):
        from . import _random
        self._check_inplace()
        _random.bernoulli_(self._data, p._data if isinstance(p, Tensor) else p, generator)
        return self._bump()

    def exponential_(self, lambd=1.0, *, generator=None):
        from . import _random
        self._check_inplace()
        _random.exponential_(self._data, lambd, generator)
        return self._bump()

    def geometric_(self, p, *, generator=None):
        from . import _random
        self._check_inplace()
        _random.geometric_(self._data, p, generator)
        return self._bump()

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        from . import _random
        self._check_inplace()
        _random.log_normal_(self._data, mean, std, generator)
        return self._bump()

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        from . import _random
        self._check_inplace()
        _random.cauchy_(self._data, median, sigma, generator)
        return self._bump()

    # ----------------------------------------------------------- operators
    # the four hottest operators call their Function directly (what ops.add & co. do with no
    # ``alpha``/``out``), saving a Python frame per operation (Function.apply raises PyTorch's broadcast error)
    def __add__(self, other):
        return _Add.apply(self, other)

    def __radd__(self, other):
        return _Add.apply(other, self)

    def __sub__(self, other):
        return _Sub.apply(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return _Mul.apply(self, other)

    def __rmul__(self, other):
        return _Mul.apply(other, self)

    def __truediv__(self, other):
        return _Div.apply(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    def __mod__(self, other):
        return ops.remainder(self, other)

    def __rmod__(self, other):
        return ops.remainder(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return ops.positive(self)

    def __abs__(self):
        return ops.abs(self)

    def __invert__(self):
        return ops.bitwise_not(self)

    def __and__(self, other):
        return ops.bitwise_and(self, other)   # on bools, the logical op (as PyTorch)

    def __or__(self, other):
        return ops.bitwise_or(self, other)   # on bools, the logical op (as PyTorch)

    def __xor__(self, other):
        return ops.bitwise_xor(self, other)   # on bools, the logical op (as PyTorch)

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__

    def __lshift__(self, other):
        return ops.bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return ops.bitwise_left_shift(other, self)

    def __rshift__(self, other):
        return ops.bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return ops.bitwise_right_shift(other, self)

    def __ilshift__(self, other):
        return ops.inplace(self, ops.bitwise_left_shift, other)

    def __irshift__(self, other):
        return ops.inplace(self, ops.bitwise_right_shift, other)

    def __eq__(self, other):
        return ops.eq(self, other)

    def __ne__(self, other):
        return ops.ne(self, other)

    def __lt__(self, other):
        return ops.lt(self, other)

    def __le__(self, other):
        return ops.le(self, other)

    def __gt__(self, other):
        return ops.gt(self, other)

    def __ge__(self, other):
        return ops.ge(self, other)

    def __iadd__(self, other):
        return ops.inplace(self, ops.add, other)

    def __isub__(self, other):
        return ops.inplace(self, ops.sub, other)

    def __imul__(self, other):
        return ops.inplace(self, ops.mul, other)

    def __itruediv__(self, other):
        return ops.inplace(self, ops.div, other)

    def __ipow__(self, other):
        return ops.inplace(self, ops.pow, other)

    # PyTorch defines these in place too (Python's fallback x = x // y would rebind to a new tensor)
    def __ifloordiv__(self, other):
        return ops.inplace(self, ops.floor_divide, other)

    def __imod__(self, other):
        return ops.inplace(self, ops.remainder, other)

    def __iand__(self, other):
        return ops.inplace(self, ops.bitwise_and, other)

    def __ior__(self, other):
        return ops.inplace(self, ops.bitwise_or, other)

    def __ixor__(self, other):
        return ops.inplace(self, ops.bitwise_xor, other)

    def __getitem__(self, idx):
        return ops.getitem(self, idx)

    def __setitem__(self, idx, value):
        ops.setitem(self, idx, value)

    # Tensor.T / mT
    @property
    def T(self):
        return ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        if self._data.ndim == 0:   # PyTorch returns a 0-d tensor as is
            return self
        if self._data.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got "
                               f"{self._data.ndim}-D tensor.")
        return ops.transpose(self, -2, -1)

    # mH, H, real, imag: properties installed by numtorch._ops.complex

    # No ``__getattr__`` here: every ``numtorch._ops`` method is installed on the class by
    # ``register_methods`` (``x.sum(1)`` is ``ops.sum(x, 1)``), and a ``__getattr__`` hook would stop
    # CPython from specializing attribute access on tensors (``t._data`` etc.), the per-op hot path.


_NO_DEEPCOPY = frozenset(("_acc", "_view", "_hooks", "_post_acc_hooks", "_retains"))


def _rebuild(data, requires_grad):
    t = _make(data)
    t.requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim):
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n if ndim else 0


_METHODS = {}


def register_methods(table):
    """Install ``ops`` functions as Tensor methods (``name -> function(self, ...)``)."""
    for name, fn in table.items():
        if name not in Tensor.__dict__:
            setattr(Tensor, name, fn)
        _METHODS[name] = fn


def broadcast_error(sa, sb):
    """PyTorch's RuntimeError for two shapes that do not broadcast (None when they do): the one place
    that message is built."""
    n = builtins.max(len(sa), len(sb))
    for i in range(1, n + 1):
        x = sa[-i] if i <= len(sa) else 1
        y = sb[-i] if i <= len(sb) else 1
        if x != y and x != 1 and y != 1:
            return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                                f"non-singleton dimension {n - i}")
    return None


def _bcast_error(a, b, e):
    """NumPy's broadcast ValueError for tensors ``a`` and ``b`` as PyTorch's RuntimeError (else ``e``)."""
    if "broadcast" not in str(e) or not isinstance(a, Tensor) or not isinstance(b, Tensor):
        return e
    return broadcast_error(tuple(a._data.shape), tuple(b._data.shape)) or e


from . import _ops as ops  # noqa: E402  (ops need Tensor defined)

# (operators look ``apply`` up per call, so an apply observer sees them)
_Add, _Sub, _Mul, _Div = ops.arith.Add, ops.arith.Sub, ops.arith.Mul, ops.arith.Div
