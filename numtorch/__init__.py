"""numtorch: PyTorch's API on NumPy, with reverse-mode autograd.

``import numtorch as torch`` gives tensors, autograd, ``nn``, ``optim`` and
``utils.data``; ``numtorch run script.py`` serves an unmodified PyTorch script.
"""
import math as _math

__version__ = "0.1.0"

from ._dtype import dtype, float32, float64, float16, int64, int32, int16, int8, uint8, bool_ as bool, \
    float, double, half, long, int, short, get_default_dtype, set_default_dtype  # noqa: A004
from ._tensor import Tensor, Size, device
from ._tensor_str import set_printoptions
from .autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled, \
    is_inference_mode_enabled
from . import autograd
from ._ops import *  # noqa: F401,F403  (the torch-level names listed in _ops.__all__)
from ._creation import tensor, as_tensor, asarray, from_numpy, zeros, ones, empty, full, zeros_like, ones_like, \
    empty_like, full_like, rand, randn, rand_like, randn_like, randint, randint_like, randperm, arange, linspace, \
    logspace, eye, empty_strided, bernoulli, multinomial, normal, poisson, meshgrid, FloatTensor, DoubleTensor, \
    HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor
from ._creation import range_ as range  # noqa: A001  (deprecated torch.range: end included)
from ._random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator

from ._dtype import bfloat16  # noqa: E402  (NumPy arrays of ml_dtypes' bfloat16, loaded on first use)
from ._dtype import uint16, uint32, uint64  # noqa: E402
from ._dtype import complex64, complex128, complex32, cfloat, cdouble, chalf, promote_types, can_cast  # noqa: E402
from ._ops.complex import result_type, complex, polar, real, imag, view_as_real, view_as_complex, \
    view_as_real_copy, view_as_complex_copy, conj, conj_physical, conj_physical_, is_conj, is_neg, resolve_conj, \
    resolve_neg, angle  # noqa: E402,A004
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
from . import linalg  # noqa: E402
from .linalg._legacy import det, logdet, slogdet, inverse, svd, cholesky, cholesky_solve, cholesky_inverse, qr, \
    lu, lu_solve, lu_unpack, triangular_solve, pinverse, matrix_power, matrix_exp, geqrf, orgqr, ormqr  # noqa: E402
from . import amp, cpu, accelerator, mps, xpu, version  # noqa: E402
from . import random  # noqa: E402
from .amp import autocast  # noqa: E402
from ._devices import get_default_device, set_default_device  # noqa: E402
from ._flags import set_float32_matmul_precision, get_float32_matmul_precision, use_deterministic_algorithms, \
    are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled, \
    set_deterministic_debug_mode, get_deterministic_debug_mode, is_autocast_enabled, set_autocast_enabled, \
    get_autocast_dtype, set_autocast_dtype, is_autocast_cpu_enabled, get_autocast_cpu_dtype, \
    get_autocast_gpu_dtype, is_autocast_cache_enabled, set_autocast_cache_enabled, clear_autocast_cache, \
    autocast_increment_nesting, autocast_decrement_nesting  # noqa: E402
from . import torch_version  # noqa: E402  (torch.version: the PyTorch API version numtorch implements)
from . import distributed  # noqa: E402
from ._compile import compile  # noqa: E402,A004
from . import compiler, _dynamo, jit, hub  # noqa: E402
from . import multiprocessing  # noqa: E402
from . import profiler  # noqa: E402
from . import return_types  # noqa: E402



# functions PyTorch also exposes at the top level (``torch.dropout``, ``torch.conv2d``, ...)
from .nn.functional import dropout, alpha_dropout, selu, celu, prelu, rrelu, hardshrink, threshold, \
    conv1d, conv2d, conv_transpose1d, conv_transpose2d, max_pool1d, max_pool2d, avg_pool1d, batch_norm, layer_norm, \
    group_norm, instance_norm, embedding, pairwise_distance, cosine_similarity, pixel_shuffle, bilinear, relu_, \
    selu_, celu_, threshold_, rrelu_  # noqa: E402
from .nn.functional.dropout import feature_dropout  # noqa: E402  (torch.feature_dropout; not in torch.nn.functional)
from ._aten_functions import *  # noqa: E402,F401,F403  (torch.kl_div, torch.lstm_cell, ...: ATen's signatures)
from ._native import *  # noqa: E402,F401,F403  (torch.native_batch_norm, torch.fill, torch.lstm, ...)
from . import special  # noqa: E402
from . import distributions  # noqa: E402
from . import sparse  # noqa: E402
from . import masked  # noqa: E402
from ._sparse import sparse_coo_tensor  # noqa: E402,F401
from ._lobpcg import lobpcg  # noqa: E402,F401
spmm = sparse.mm
from .special import digamma, polygamma, i0, sinc  # noqa: E402,F401
from .special import gammaln as lgamma, multigammaln as mvlgamma, gammainc as igamma, \
    gammaincc as igammac  # noqa: E402,F401
from ._windows import hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window  # noqa: E402
from . import signal  # noqa: E402
from . import fft  # noqa: E402
from .fft._stft import stft, istft  # noqa: E402
from ._ops.complex import install_refusals_in as _refuse_complex  # noqa: E402
_refuse_complex(globals(), ("lgamma", "digamma"))
from ._ops._unsigned import install_factories as _refuse_unsigned, install_in as _refuse_unsigned_in  # noqa: E402
_refuse_unsigned(globals())   # torch.arange(..., dtype=torch.uint16) & co.: PyTorch has no kernel
_refuse_unsigned_in(globals(), ("igamma", "igammac"))


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return False


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def numel(input):
    return input.numel()


def typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def set_num_threads(n):
    """Threads used by the BLAS and by numtorch's batch-parallel convolutions and pooling
    (default: OMP_NUM_THREADS, else the number of CPUs)."""
    from ._cpu import set_num_threads as _set
    _set(n)


def get_num_threads():
    from ._cpu import get_num_threads as _get
    return _get()


def set_num_interop_threads(n):
    pass


def get_num_interop_threads():
    return 1




def _assert(condition, message):
    """``torch._assert``: ``assert condition, message``, written as a function so that ``torch.fx`` records it
    as a call when ``condition`` is traced."""
    assert condition, message


def zero_(input):
    """``torch.zero_(t)``: fills ``t`` with zeros in place (``t.zero_()``)."""
    return input.zero_()


from ._aliases import _install as _install_aliases  # noqa: E402
_install_aliases(globals(), [n for n in list(globals()) if not n.startswith("_")], Tensor, shared=(nn.functional,))
linalg.matmul = matmul   # torch.linalg.matmul is torch.matmul (the same function, aliases included)

from . import _more_methods  # noqa: E402,F401  (Tensor methods binding functions defined above)


def __getattr__(name):
    if name in ("ops", "library"):   # torch.ops / torch.library (numtorch/ops, numtorch/library): loaded on first use
        import importlib
        return importlib.import_module(__name__ + "." + name)
    if name in ("onnx", "fx", "testing"):   # reachable after ``import torch`` as in torch; loaded on first use
        import importlib
        return importlib.import_module(__name__ + "." + name)
    raise AttributeError(f"numtorch has no attribute 'torch.{name}'")


# the public names are torch's (docs/namespace.md lists the few numtorch extras); tests/misc/test_namespace.py
# compares them with torch's dir()
__all__ = [_n for _n in globals() if not _n.startswith("_")]
