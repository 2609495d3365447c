"""Print PyTorch's user-facing ``torch.*`` functions that numtorch does not have.

    python tools/missing_torch_functions.py           # the missing names, one family per line
    python tools/missing_torch_functions.py --count   # just the counts

"User-facing" = the public functions of the ``torch`` namespace that PyTorch lists as overridable
(``torch.overrides.get_testing_overrides()``), which excludes classes, modules, dtypes and private helpers.
Names of quantization, fbgemm/miopen kernels and symbolic-shape helpers are counted but reported apart:
they serve PyTorch's backends, not programs.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numtorch  # noqa: E402

_BACKEND = ("quantize", "quantized_", "q_", "fbgemm_", "miopen_", "sym_", "fake_quantize", "choose_qparams",
            "dequantize", "int_repr", "fused_moving_avg", "batch_norm_", "native_", "segment_reduce",
            "hash_tensor", "slice_inverse", "saddmm", "hsmm", "dsmm", "smm", "is_distributed")


def user_facing():
    names = set()
    for f in torch.overrides.get_testing_overrides():
        n = getattr(f, "__name__", None)
        if n and not n.startswith("_") and getattr(torch, n, None) is f:
            names.add(n)
    return sorted(names)


def main():
    names = user_facing()
    missing = [n for n in names if not hasattr(numtorch, n)]
    backend = [n for n in missing if n.startswith(_BACKEND)]
    program = [n for n in missing if n not in backend]
    if "--count" not in sys.argv:
        print("missing, used by programs:", " ".join(program) or "(none)")
        print("missing, backend-internal (quantization, fbgemm/miopen, symbolic shapes):", " ".join(backend))
    print(f"user-facing torch.* functions: {len(names)}; in numtorch: {len(names) - len(missing)}; "
          f"missing: {len(program)} used by programs + {len(backend)} backend-internal")


if __name__ == "__main__":
    main()
