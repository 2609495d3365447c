"""``torch.backends``: flags scripts read or set (cuda, cudnn, mkldnn, ... change nothing here), and numtorch's own.

``conv.algorithm`` picks how stride-1 convolutions run: "auto" (the default: in the frequency domain where
that needs clearly fewer flops, e.g. 5x5 kernels on 8x8-16x16 maps with 32+ channels), "direct" (always
im2col + one GEMM) or "spectral" (the frequency domain wherever it applies).  Also set by the environment
variable NUMTORCH_CONV_ALGORITHM.
"""
import os as _os

# torch.set_float32_matmul_precision's setting, shared with backends.cuda.matmul.allow_tf32
_fp32_matmul_precision = ["highest"]



class _ConvFlags:
    __slots__ = ("_algorithm",)

    def __init__(self):
        self._algorithm = "auto"
        self.algorithm = _os.environ.get("NUMTORCH_CONV_ALGORITHM", "auto")

    @property
    def algorithm(self):
        return self._algorithm

    @algorithm.setter
    def algorithm(self, value):
        if value not in ("auto", "direct", "spectral"):
            raise ValueError(f"conv.algorithm must be 'auto', 'direct' or 'spectral', but got {value!r}")
        self._algorithm = value

    def __repr__(self):
        return f"conv(algorithm={self._algorithm!r})"


conv = _ConvFlags()


from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp, opt_einsum  # noqa: E402,F401

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum", "conv"]  # conv: a numtorch extra (docs/namespace.md)
