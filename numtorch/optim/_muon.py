"""``torch.optim.Muon`` (Keller Jordan's MomentUm Orthogonalized by Newton-Schulz), step for step as PyTorch 2.13.

Per 2-D parameter with gradient g (momentum mu, Newton-Schulz coefficients (a, b, c), k steps):
    B = lerp(B, g, 1 - mu);  U = lerp(g, B, mu) if nesterov else B
    X = bf16(U) (transposed when it has more rows than columns);  X = X / max(||X||_F, eps)
    k times:  G = X X^T;  X = a X + (b G + c G G) X          (every product rounded to bfloat16)
    p *= 1 - lr * weight_decay;  p -= lr * r * X
with r = sqrt(max(1, rows/cols)) ("original", the default) or 0.2 * sqrt(max(rows, cols)) ("match_rms_adamw").

PyTorch runs the Newton-Schulz iteration in bfloat16. numtorch does the products in float32 on
bfloat16-valued inputs and rounds each result to the nearest bfloat16 (ties to even), which is what
PyTorch's CPU bfloat16 GEMMs do (float32 accumulation, one rounding per result); only the summation
order inside a product differs, so parameters agree with PyTorch to a fraction of a bfloat16 ulp of
the update. (A float64 gradient is rounded to bfloat16 through float32, which can differ from PyTorch's
direct rounding when the float32 value lands exactly halfway between two bfloat16 numbers.)
"""
import math

from .._backend import xp
from .._tensor import Tensor, _make
from .optimizer import Optimizer, _fma_, _lerp_, _to_scalar

__all__ = ["Muon"]

# Keller Jordan's quintic coefficients (maximal slope at zero) and PyTorch's defaults
_EPS = 1e-7
_A, _B, _C = 3.4445, -4.7750, 2.0315
_NS_STEPS = 5

_u32 = xp.uint32
_f32 = xp.float32


def _round_bf16(x):
    """float32 values rounded to the nearest bfloat16 (ties to even), kept as float32; NaN stays NaN."""
    x = xp.ascontiguousarray(x, dtype=_f32)
    u = x.view(_u32)
    r = (u + (_u32(0x7FFF) + ((u >> _u32(16)) & _u32(1)))) & _u32(0xFFFF0000)
    out = r.view(_f32)
    nan = xp.isnan(x)
    if nan.any():
        out = xp.where(nan, x, out)
    return out


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """k quintic Newton-Schulz steps towards the orthogonal factor U V^T of ``grad`` (a 2-D array), in bfloat16."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (_f32(v) for v in ns_coefficients)
    x = _round_bf16(grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = xp.ascontiguousarray(x.T)
    # Frobenius norm >= spectral norm: dividing by it puts every singular value in [0, 1]
    norm = _round_bf16(xp.sqrt(xp.float64(xp.dot(x.reshape(-1).astype(xp.float64), x.reshape(-1)))))
    norm = _round_bf16(xp.maximum(norm.astype(_f32), _f32(eps)))
    x = _round_bf16(x / norm)
    for _ in range(ns_steps):
        gram = _round_bf16(x @ x.T)
        poly = gram @ gram
        poly *= c
        poly += b * gram
        poly = _round_bf16(poly)
        nxt = poly @ x
        nxt += a * x
        x = _round_bf16(nxt)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    """The learning rate scaled so that updates of rectangular matrices have a comparable RMS."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """Muon for 2-D parameters (see the module docstring); biases, norms and embeddings belong to another optimizer."""

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(_A, _B, _C), eps=_EPS, ns_steps=_NS_STEPS, adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
                    "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps,
                    "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def step(self, closure=None):
        """One Muon step over every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            wd, momentum, nesterov = group["weight_decay"], group["momentum"], group["nesterov"]
            work = []
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if p._data.dtype.kind == "c":
                    raise RuntimeError("Muon does not support complex parameters")
                if getattr(g, "is_sparse", False):
                    raise RuntimeError("Muon does not support sparse gradients")
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = _make(xp.zeros_like(g._data))
                work.append((p, g._data, state["momentum_buffer"]))
            for p, g, buf in work:
                if g.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                b = buf._data
                _lerp_(b, g, 1 - momentum)
                buf._vc[0] += 1
                if nesterov:
                    update = g.copy()
                    _lerp_(update, b, momentum)
                else:
                    update = b
                update = _zeropower_via_newtonschulz(update, group["ns_coefficients"], group["ns_steps"],
                                                     group["eps"])
                adjusted = _adjust_lr(lr, group["adjust_lr_fn"], p._data.shape)
                d = p._data
                d *= d.dtype.type(1 - lr * wd)
                _fma_(d, update.astype(d.dtype, copy=False), -adjusted)
                p._vc[0] += 1
        return loss
