"""nn.DataParallel on numtorch's one device: runs the module, ``.module``, ``module.``-prefixed keys, as
PyTorch's DataParallel on a CPU-only machine."""
import numpy as np

import numtorch
from conftest import torch, to_nt, assert_close


def _pair():
    # (no ReLU after BatchNorm: an output at the kink would make the two frameworks' gradients differ)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Tanh())
    nm = numtorch.nn.Sequential(numtorch.nn.Linear(4, 3), numtorch.nn.BatchNorm1d(3), numtorch.nn.Tanh())
    nm.load_state_dict({k: to_nt(v) for k, v in tm.state_dict().items()})
    return tm, nm


def test_dist_data_parallel_matches_torch():
    tm, nm = _pair()
    tdp, ndp = torch.nn.DataParallel(tm), numtorch.nn.DataParallel(nm)
    assert ndp.module is nm and tdp.module is tm
    assert list(ndp.state_dict()) == list(tdp.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    to, no = tdp(torch.from_numpy(x)), ndp(numtorch.from_numpy(x))
    assert_close(no, to)
    w = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    # (a plain sum would make BatchNorm's gradients cancel to rounding noise)
    (to * torch.from_numpy(w)).sum().backward()
    (no * numtorch.from_numpy(w)).sum().backward()
    for (k, p), q in zip(tdp.named_parameters(), ndp.parameters()):
        assert_close(q.grad, p.grad)
    assert [k for k, _ in ndp.named_parameters()] == [k for k, _ in tdp.named_parameters()]
    # a DataParallel checkpoint loads back into a DataParallel, its .module into the plain model
    ndp.load_state_dict(ndp.state_dict())
    nm.load_state_dict(ndp.module.state_dict())


def test_dist_data_parallel_functional_and_namespace():
    from numtorch.nn.parallel import data_parallel, DataParallel, DistributedDataParallel  # noqa: F401
    assert numtorch.nn.DataParallel is DataParallel
    lin = numtorch.nn.Linear(2, 2)
    x = numtorch.ones(3, 2)
    assert_close(data_parallel(lin, x).detach(), lin(x).detach())
    import torch.nn.parallel as tp
    import numtorch.nn.parallel as npar
    assert set(npar.__all__) <= set(tp.__all__)
    import torch.distributed as td
    import numtorch.distributed as nd
    missing = [n for n in nd.__all__ if not hasattr(td, n)]
    assert not missing, missing
