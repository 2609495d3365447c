"""``torch.backends.cpu``: what SIMD level the CPU kernels use (here NumPy's, reported in PyTorch's words)."""
import os

__all__ = ["get_cpu_capability"]


def get_cpu_capability():
    """"AVX512", "AVX2" or "DEFAULT" on x86 (as PyTorch names them), from NumPy's runtime CPU detection."""
    env = os.environ.get("ATEN_CPU_CAPABILITY")
    if env:
        return {"avx512": "AVX512", "avx2": "AVX2", "default": "DEFAULT"}.get(env.lower(), "DEFAULT")
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as f
    except ImportError:  # NumPy 1.x
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as f
        except ImportError:
            return "DEFAULT"
    if all(f.get(k) for k in ("AVX512F", "AVX512BW", "AVX512VL", "AVX512DQ")):
        return "AVX512"
    if f.get("AVX2") and f.get("FMA3"):
        return "AVX2"
    return "DEFAULT"

