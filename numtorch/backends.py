"""``torch.backends``: flags scripts read or set; none changes what numtorch computes."""
import types

cudnn = types.SimpleNamespace(deterministic=False, benchmark=False, enabled=False, is_available=lambda: False)
mps = types.SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
mkldnn = types.SimpleNamespace(is_available=lambda: False, enabled=False)
openmp = types.SimpleNamespace(is_available=lambda: False)
