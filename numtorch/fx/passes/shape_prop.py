"""``torch.fx.passes.shape_prop``: run a GraphModule on example inputs and record each node's tensor metadata."""
from typing import NamedTuple, Any

from ..interpreter import Interpreter as _Interpreter
from ..node import map_aggregate

__all__ = ["TensorMetadata", "ShapeProp"]


class TensorMetadata(NamedTuple):
    """What ShapeProp stores in ``node.meta['tensor_meta']`` for a tensor value."""
    shape: Any
    dtype: Any
    requires_grad: bool
    stride: tuple
    memory_format: Any
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result, include_contiguity=True):
    import numtorch
    memory_format = None
    if include_contiguity:
        for name in ("contiguous_format", "channels_last", "channels_last_3d"):
            fmt = numtorch.__dict__.get(name)
            if fmt is None:
                continue
            try:
                if result.is_contiguous(memory_format=fmt):
                    memory_format = fmt
                    break
            except (RuntimeError, TypeError, ValueError):
                continue
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(), memory_format,
                          False, {})


class ShapeProp(_Interpreter):
    """``ShapeProp(gm).propagate(*args)`` runs ``gm`` and sets ``node.meta['tensor_meta']`` (a TensorMetadata,
    or the same structure of them for tuple/list results) and ``node.meta['type']``."""

    def __init__(self, gm, fake_mode=None):
        super().__init__(gm)
        if fake_mode is not None:
            raise NotImplementedError("numtorch.fx ShapeProp has no fake tensor mode (fake_mode must be None)")
        self.fake_mode = None
        self.fake_module = None
        self.real_module = self.module

    def run_node(self, n):
        from ..._tensor import Tensor
        result = super().run_node(n)
        found_tensor = False

        def extract(obj):
            nonlocal found_tensor
            if isinstance(obj, Tensor):
                found_tensor = True
                return _extract_tensor_metadata(obj)
            return obj
        meta = map_aggregate(result, extract)
        if found_tensor:
            n.meta["tensor_meta"] = meta
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args):
        """Runs the module on ``args`` and returns its result."""
        return super().run(*args)
