"""Autocast's state and its one hook: PyTorch's CPU op lists applied by wrapping public functions.

While no thread has CPU autocast on, nothing is wrapped (the ops run exactly as without this module). When a
thread turns it on, ``install()`` replaces the listed names in ``numtorch``, ``numtorch.nn.functional``,
``numtorch.linalg`` and the ``Tensor`` methods by wrappers; they are put back when the last thread turns it
off. A wrapper casts the op's floating inputs by the op's policy (as ATen's autocast_mode.cpp does for CPU):

* ``lower``: float32 (not float64) inputs -> the autocast dtype (bfloat16 by default),
* ``fp32``: lower-precision inputs -> float32,
* ``promote``: every floating input -> the widest floating dtype among them,

then runs the op with autocast excluded (ops inside a listed op are not cast again, as in ATen, where the
autocast kernel redispatches below the Autocast key). Ops not listed run in whatever dtype they get.
"""
import threading

from .. import _dtype as D

# PyTorch 2.13's CPU lists (aten/src/ATen/autocast_mode.cpp, KERNEL_CPU), by numtorch's public names
LOWER = ("conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d bmm mm baddbmm addmm "
         "addbmm matmul __matmul__ __rmatmul__ linear prelu scaled_dot_product_attention vecdot").split()
# composites whose every product is a bmm/mm in ATen (so their result is in the autocast dtype there)
LOWER += ["einsum", "tensordot"]
FP32 = ("avg_pool3d binary_cross_entropy grid_sample polar prod quantile nanquantile stft cdist trace "
        "view_as_complex cholesky cholesky_inverse cholesky_solve inverse lu_solve orgqr ormqr pinverse max_pool3d "
        "max_unpool2d max_unpool3d adaptive_avg_pool3d adaptive_max_pool3d fractional_max_pool2d "
        "fractional_max_pool3d mse_loss cosine_embedding_loss nll_loss hinge_embedding_loss poisson_nll_loss "
        "smooth_l1_loss cross_entropy l1_loss huber_loss margin_ranking_loss soft_margin_loss triplet_margin_loss "
        "multi_margin_loss ctc_loss kl_div multilabel_margin_loss binary_cross_entropy_with_logits geqrf qr svd "
        "triangular_solve").split()
# torch.linalg.* and torch.fft.* run in float32 (the linalg_* and fft_* entries of the list)
LINALG_FP32 = ("cholesky cholesky_ex cond det eig eigh eigvals eigvalsh householder_product inv inv_ex lstsq "
               "lu lu_factor lu_factor_ex lu_solve matrix_norm matrix_power matrix_rank multi_dot norm pinv qr "
               "slogdet solve solve_ex svd svdvals tensorinv tensorsolve vector_norm").split()
PROMOTE = "cat concat concatenate stack index_copy".split()


def _pad_policy(args, kwargs):
    # F.pad is reflection_pad1d/2d or replication_pad1d/2d/3d (float32 ops), or ops autocast leaves alone
    mode = kwargs.get("mode", args[2] if len(args) > 2 else "constant")
    pad = args[1] if len(args) > 1 else kwargs.get("pad", ())
    if mode == "replicate" or (mode == "reflect" and len(pad) <= 4):
        return "fp32"
    return None


class _State(threading.local):
    """Per thread, as PyTorch's autocast state: the enabled flags and dtypes by device type."""

    def __init__(self):
        self.enabled = {}
        self.dtype = {}
        self.cast = None      # the CPU autocast dtype while it is on and not excluded, else None
        self.nesting = 0
        self.cache_enabled = True


state = _State()
DEFAULT_DTYPE = {"cpu": "bfloat16", "cuda": "float16", "xpu": "float16", "mps": "float16", "hpu": "bfloat16",
                 "xla": "bfloat16", "ipu": "float16", "mtia": "float16", "privateuseone": "float16"}

_lock = threading.Lock()
_users = [0]        # threads with CPU autocast on
_saved = []         # (owner, name, original) while installed


def get_dtype(device_type):
    d = state.dtype.get(device_type)
    return d if d is not None else getattr(D, DEFAULT_DTYPE.get(device_type, "float16"))


def set_enabled(device_type, enabled):
    enabled = bool(enabled)
    was = state.enabled.get(device_type, False)
    state.enabled[device_type] = enabled
    if device_type == "cpu":
        _refresh()
        if enabled != was:
            with _lock:
                _users[0] += 1 if enabled else -1
                if _users[0] > 0 and not _saved:
                    install()
                elif _users[0] == 0 and _saved:
                    uninstall()


def set_dtype(device_type, dtype):
    state.dtype[device_type] = dtype
    if device_type == "cpu":
        _refresh()


def _refresh():
    state.cast = get_dtype("cpu") if state.enabled.get("cpu", False) else None


def _eligible(t, Tensor):
    return isinstance(t, Tensor) and t._data.dtype.kind in "fV" and t._data.dtype.itemsize != 8


def _cast_all(args, kwargs, target, Tensor):
    def c(v):
        if isinstance(v, Tensor):
            return v.to(target) if _eligible(v, Tensor) and v.dtype is not target else v
        if isinstance(v, (list, tuple)) and v and any(isinstance(x, Tensor) for x in v):
            return type(v)(c(x) for x in v)
        return v
    return tuple(c(a) for a in args), {k: c(v) for k, v in kwargs.items()}


def _widest(args, kwargs, Tensor):
    found = []

    def walk(v):
        if isinstance(v, Tensor):
            if _eligible(v, Tensor):
                found.append(v.dtype)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
    for a in args:
        walk(a)
    for a in kwargs.values():
        walk(a)
    if not found:
        return None
    r = found[0]
    for d in found[1:]:
        r = D.promote(r, d)
    return r


def wrap(fn, policy):
    """``fn`` under CPU autocast with ``policy`` ("lower", "fp32", "promote" or a callable giving one)."""
    from .._tensor import Tensor
    import functools

    @functools.wraps(fn)
    def autocast_op(*args, **kwargs):
        low = state.cast
        if low is None or kwargs.get("dtype") is not None:
            return fn(*args, **kwargs)
        p = policy(args, kwargs) if callable(policy) else policy
        if p is None:
            return fn(*args, **kwargs)
        target = low if p == "lower" else D.float32 if p == "fp32" else _widest(args, kwargs, Tensor)
        if target is not None:
            args, kwargs = _cast_all(args, kwargs, target, Tensor)
        state.cast = None
        try:
            return fn(*args, **kwargs)
        finally:
            state.cast = low
    autocast_op.__wrapped_by_autocast__ = fn
    return autocast_op


def _targets():
    import numtorch
    from .._tensor import Tensor
    F = numtorch.nn.functional
    pol = {}
    for n in LOWER:
        pol[n] = "lower"
    for n in FP32:
        pol[n] = "fp32"
    for n in PROMOTE:
        pol[n] = "promote"
    out = []
    for owner in (numtorch, F, Tensor):
        d = owner.__dict__
        for n, p in pol.items():
            if n in d and callable(d[n]):
                out.append((owner, n, p))
    if "pad" in F.__dict__:
        out.append((F, "pad", _pad_policy))
    for sub, names, p in (("linalg", LINALG_FP32, "fp32"), ("linalg", ["vecdot"], "lower")):
        m = numtorch.__dict__.get(sub)
        if m is not None:
            for n in names:
                if callable(getattr(m, n, None)) and n in m.__dict__:
                    out.append((m, n, p))
    fft = numtorch.__dict__.get("fft")
    if fft is not None and isinstance(fft, type(numtorch)):
        for n, v in list(fft.__dict__.items()):
            if not n.startswith("_") and callable(v):
                out.append((fft, n, "fp32"))
    return out


def install():
    for owner, n, p in _targets():
        orig = owner.__dict__[n]
        _saved.append((owner, n, orig))
        setattr(owner, n, wrap(orig, p))


def uninstall():
    while _saved:
        owner, n, orig = _saved.pop()
        setattr(owner, n, orig)
