"""numtorch: PyTorch's API on NumPy, with reverse-mode autograd.

``import numtorch as torch`` gives tensors, autograd, ``nn``, ``optim`` and
``utils.data``; ``numtorch run script.py`` serves an unmodified PyTorch script.
"""
import math as _math

__version__ = "0.1.0"

from ._dtype import dtype, float32, float64, float16, int64, int32, int16, int8, uint8, bool_ as bool, \
    float, double, half, long, int, short, get_default_dtype, set_default_dtype  # noqa: A004
from ._dtype import bool_ as _bool_dtype
from ._tensor import Tensor, Size, device
from ._tensor_str import set_printoptions
from .autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled, \
    is_inference_mode_enabled
from . import autograd
from .ops import *  # noqa: F401,F403
from .ops import __dict__ as _ops_dict
from ._creation import tensor, as_tensor, asarray, from_numpy, zeros, ones, empty, full, zeros_like, ones_like, \
    empty_like, full_like, rand, randn, rand_like, randn_like, randint, randint_like, randperm, arange, linspace, \
    logspace, eye, empty_strided, bernoulli, multinomial, normal, poisson, meshgrid, FloatTensor, DoubleTensor, \
    HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor
from ._creation import range_ as _range  # noqa: F401
from .ops.extra import range_ as range  # noqa: A001  (deprecated torch.range: end included)
from ._random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator

bfloat16 = float16  # no bfloat16 in NumPy: the closest half type stands in
uint16 = int32
cfloat = cdouble = complex64 = complex128 = None
strided = "torch.strided"
contiguous_format = preserve_format = channels_last = "torch.contiguous_format"

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan

from . import nn  # noqa: E402
from . import optim  # noqa: E402
from . import utils  # noqa: E402
from .serialization import save, load  # noqa: E402
from . import cuda, backends  # noqa: E402
from ._compile import compile  # noqa: E402,A004
from . import compiler, _dynamo, jit, hub  # noqa: E402
from . import multiprocessing  # noqa: E402
from . import profiler  # noqa: E402
from . import return_types  # noqa: E402



# functions PyTorch also exposes at the top level (``torch.dropout``, ``torch.conv2d``, ...)
_FROM_F = """dropout alpha_dropout feature_dropout selu celu prelu rrelu hardshrink threshold conv1d conv2d
conv_transpose1d conv_transpose2d max_pool1d max_pool2d avg_pool1d batch_norm layer_norm group_norm
instance_norm embedding pairwise_distance cosine_similarity pixel_shuffle bilinear relu_ selu_ celu_
threshold_ rrelu_""".split()
for _n in _FROM_F:
    if _n in nn.functional.__dict__ and _n not in globals():
        globals()[_n] = nn.functional.__dict__[_n]


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return False


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return False


def numel(input):
    return input.numel()


def typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def set_num_threads(n):
    """Threads used by the BLAS and by numtorch's batch-parallel convolutions and pooling
    (default: OMP_NUM_THREADS, else the number of CPUs)."""
    from ._backend import set_num_threads as _set
    _set(n)


def get_num_threads():
    from ._backend import get_num_threads as _get
    return _get()


def set_num_interop_threads(n):
    pass


def get_num_interop_threads():
    return 1




def zero_(input):
    """``torch.zero_(t)``: fills ``t`` with zeros in place (``t.zero_()``)."""
    return input.zero_()


def use_deterministic_algorithms(mode, *, warn_only=False):
    pass


def are_deterministic_algorithms_enabled():
    return True


from ._aliases import _install as _install_aliases  # noqa: E402
_install_aliases(globals(), [n for n in list(globals()) if not n.startswith("_")], Tensor, shared=(nn.functional,))


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.{name}'")
