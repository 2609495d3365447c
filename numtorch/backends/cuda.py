"""``torch.backends.cuda``: CUDA's flags (TF32, reduced-precision reductions, attention kernels), kept and
read back as PyTorch does; nothing here runs on a GPU."""
import contextlib

__all__ = ["is_built", "preferred_linalg_library", "preferred_blas_library", "matmul", "enable_cudnn_sdp",
           "cudnn_sdp_enabled", "enable_flash_sdp", "flash_sdp_enabled", "enable_mem_efficient_sdp",
           "mem_efficient_sdp_enabled", "math_sdp_enabled", "enable_math_sdp",
           "allow_fp16_bf16_reduction_math_sdp", "fp16_bf16_reduction_math_sdp_allowed",
           "is_flash_attention_available", "sdp_kernel"]


def is_built():
    return False


class _Matmul:
    """``torch.backends.cuda.matmul``: ``allow_tf32`` is ``torch.get_float32_matmul_precision() != "highest"``."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True
    allow_fp16_accumulation = False

    @property
    def allow_tf32(self):
        from . import _fp32_matmul_precision as p
        return p[0] != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        from . import _fp32_matmul_precision as p
        p[0] = "high" if value else "highest"

    @property
    def fp32_precision(self):
        from . import _fp32_matmul_precision as p
        return "ieee" if p[0] == "highest" else "tf32"

    @fp32_precision.setter
    def fp32_precision(self, value):
        from . import _fp32_matmul_precision as p
        if value not in ("ieee", "tf32", "none"):
            raise RuntimeError(f"Invalid precision {value!r}: expected 'ieee', 'tf32' or 'none'")
        p[0] = "high" if value == "tf32" else "highest"


matmul = _Matmul()

_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True, "fp16_bf16_reduction_math": False}


def flash_sdp_enabled():
    return _sdp["flash"]


def enable_flash_sdp(enabled):
    _sdp["flash"] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _sdp["mem_efficient"]


def enable_mem_efficient_sdp(enabled):
    _sdp["mem_efficient"] = bool(enabled)


def math_sdp_enabled():
    return _sdp["math"]


def enable_math_sdp(enabled):
    _sdp["math"] = bool(enabled)


def cudnn_sdp_enabled():
    return _sdp["cudnn"]


def enable_cudnn_sdp(enabled):
    _sdp["cudnn"] = bool(enabled)


def fp16_bf16_reduction_math_sdp_allowed():
    return _sdp["fp16_bf16_reduction_math"]


def allow_fp16_bf16_reduction_math_sdp(enabled):
    _sdp["fp16_bf16_reduction_math"] = bool(enabled)


def is_flash_attention_available():
    return False


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Deprecated in PyTorch for ``torch.nn.attention.sdpa_kernel``: sets the four flags inside the block."""
    import warnings
    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be "
                  "removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with "
                  "updated signature.", FutureWarning, stacklevel=3)
    prev = dict(_sdp)
    _sdp.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient, cudnn=enable_cudnn)
    try:
        yield {}
    finally:
        _sdp.update(prev)


_linalg = ["default"]


def preferred_linalg_library(backend=None):
    if backend is not None:
        _linalg[0] = str(backend)
    return _linalg[0]


_blas = ["cublas"]


def preferred_blas_library(backend=None):
    if backend is not None:
        _blas[0] = str(backend)
    return _blas[0]
