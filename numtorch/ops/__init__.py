"""``torch.ops``: operators by namespace. ``torch.ops.aten.add`` is an ``OpOverloadPacket``, ``.Tensor`` /
``.default`` its ``OpOverload``s, each bound to ATen's schema and run on numtorch's functions
(``numtorch/ops/_aten.py`` lists the operators served); ``torch.ops.profiler`` opens and closes
``record_function`` ranges; ``torch.ops.<ns>`` for any other name is an empty namespace that
``torch.library`` fills. ``torch.ops.load_library`` cannot load compiled PyTorch operators and says so.
"""
import sys as _sys

from ._overload import _Ops, _OpNamespace
from . import _aten, _profiler  # noqa: F401  (registers the operators)

loaded_libraries = set()
aten = _OpNamespace("aten")
profiler = _OpNamespace("profiler")

__all__ = ["aten", "profiler", "loaded_libraries"]

# the module itself is the namespace of namespaces (``torch.ops.mylib`` made on first use), as PyTorch's
_sys.modules[__name__].__class__ = _Ops
