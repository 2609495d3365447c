"""torch.lobpcg's ``tracker`` (the worker handed over after every update, ``force_stop``) and sparse COO A / B,
against torch.lobpcg in the same process and numpy's eigh."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch


def _sym(m, seed, sparsify=0.0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((m, m)))
    a = (Q * np.arange(1.0, m + 1)) @ Q.T
    a[np.abs(a) < sparsify] = 0          # a sparse pattern, still symmetric
    return a


def _start(m, n, seed):
    return np.random.default_rng(seed).standard_normal((m, n))


def _history(lib, a, x, **kw):
    hist = []

    def tracker(w):
        hist.append({"istep": w.ivars["istep"], "count": w.ivars["converged_count"],
                     "left": w.ivars["iterations_left"], "rerr": w.tvars["rerr"].numpy().copy(),
                     "X": w.X.numpy().copy(), "R": tuple(w.R.shape), "norms": (w.fvars["A_norm"], w.fvars["B_norm"]),
                     "params": (w.iparams["m"], w.iparams["n"], w.iparams["k"], w.fparams["tol"],
                                w.bparams["largest"]), "A": w.A is not None, "types": type(w.X).__name__})
    E, X = lib.lobpcg(lib.tensor(a), X=lib.tensor(x), tracker=tracker, **kw)
    return E.numpy(), X.numpy(), hist


@pytest.mark.parametrize("largest", [True, False])
def test_tracker_called_each_update_with_the_worker_state(largest):
    a, x = _sym(15, 1), _start(15, 3, 2)
    Et, _, ht = _history(torch, a, x, k=2, largest=largest)
    En, Xn, hn = _history(nt, a, x, k=2, largest=largest)
    np.testing.assert_allclose(En, Et, rtol=1e-9, atol=1e-9)
    # the same bookkeeping as torch's worker: istep 1, 2, ... and iterations_left niter - istep
    assert [h["istep"] for h in hn] == list(range(1, len(hn) + 1))
    assert [h["left"] for h in hn] == [1000 - h["istep"] for h in hn]
    assert hn[0]["params"] == ht[0]["params"]
    assert hn[0]["types"] == ht[0]["types"] == "Tensor" and hn[0]["R"] == ht[0]["R"] == (15, 3)
    np.testing.assert_allclose(hn[0]["norms"], ht[0]["norms"], rtol=1e-12)    # ||A X|| / ||X||, ||X|| / ||X||
    # converged counts never decrease, end at >= k with the rerr criterion, as torch's last call
    counts = [h["count"] for h in hn]
    assert counts == sorted(counts) and counts[-1] >= 2 and ht[-1]["count"] >= 2
    assert (hn[-1]["rerr"][:2] < hn[-1]["params"][3]).all()
    # the iteration converges in a number of updates of torch's order
    assert abs(len(hn) - len(ht)) <= max(3, len(ht) // 2)
    # each call sees its own copy of X: the tracker's history is not overwritten by later steps
    assert not np.allclose(hn[0]["X"], hn[-1]["X"])


def test_tracker_force_stop_and_niter():
    a, x = _sym(15, 3), _start(15, 2, 4)
    for lib in (torch, nt):
        calls = []

        def stop_at_3(w):
            calls.append(w.ivars["istep"])
            if w.ivars["istep"] == 3:
                w.bvars["force_stop"] = True
        lib.lobpcg(lib.tensor(a), X=lib.tensor(x), tol=1e-30, tracker=stop_at_3)
        assert calls == [1, 2, 3]
        calls.clear()
        lib.lobpcg(lib.tensor(a), X=lib.tensor(x), tol=1e-30, niter=5, tracker=lambda w: calls.append(w.ivars["istep"]))
        assert calls == [1, 2, 3, 4, 5]


def test_tracker_batched_sees_batch_index():
    a = np.stack([_sym(12, 5), _sym(12, 6)])
    x = np.stack([_start(12, 2, 7), _start(12, 2, 8)])
    seen = {}
    for lib in (torch, nt):
        idx = []
        E, _ = lib.lobpcg(lib.tensor(a), X=lib.tensor(x), tracker=lambda w: idx.append(w.iparams["batch_index"]))
        seen[lib] = (E.numpy(), sorted(set(idx)))
    np.testing.assert_allclose(seen[nt][0], seen[torch][0], rtol=1e-9)
    assert seen[nt][1] == seen[torch][1] == [0, 1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("largest", [True, False])
def test_sparse_A(dtype, largest):
    a, x = _sym(20, 9, sparsify=0.05), _start(20, 3, 10)
    tol = (2e-4, 1e-4) if dtype == "float32" else (1e-9, 1e-9)
    out = {}
    for lib in (torch, nt):
        dt = getattr(lib, dtype)
        S = lib.tensor(a, dtype=dt).to_sparse()
        E, X = lib.lobpcg(S, k=2, X=lib.tensor(x, dtype=dt), largest=largest)
        assert E.dtype == dt and tuple(X.shape) == (20, 2)
        out[lib] = E.numpy(), X.numpy()
    np.testing.assert_allclose(out[nt][0], out[torch][0], rtol=tol[0], atol=tol[1])
    ref = np.linalg.eigvalsh(a)
    np.testing.assert_allclose(out[nt][0], (ref[::-1] if largest else ref)[:2], rtol=tol[0], atol=tol[1])
    E, X = out[nt]
    assert np.abs(a @ X - X * E).max() / np.abs(a).max() < (3e-3 if dtype == "float32" else 1e-6)


def test_sparse_B_and_uncoalesced_A():
    a, x = _sym(18, 11, sparsify=0.05), _start(18, 2, 12)
    b = np.eye(18) + 0.1 * _sym(18, 13, sparsify=0.05) / 18
    res = {}
    for lib in (torch, nt):
        B = lib.tensor(b).to_sparse()
        res[lib] = lib.lobpcg(lib.tensor(a), k=2, B=B, X=lib.tensor(x), largest=False)[0].numpy()
        # duplicate coordinates (not coalesced) are summed, as the dense matrix they stand for
        S = lib.tensor(a).to_sparse()
        idx, val = S._indices(), S._values()
        dup = lib.sparse_coo_tensor(lib.cat([idx, idx], 1), lib.cat([val * 0.25, val * 0.75]), (18, 18))
        res[(lib, "dup")] = lib.lobpcg(dup, k=2, X=lib.tensor(x))[0].numpy()
    np.testing.assert_allclose(res[nt], res[torch], rtol=1e-9)
    np.testing.assert_allclose(res[(nt, "dup")], res[(torch, "dup")], rtol=1e-9)


def test_sparse_backward_refused_and_batched_sparse_error_as_torch():
    a, x = _sym(12, 14, sparsify=0.05), _start(12, 2, 15)
    for lib in (torch, nt):
        S = lib.tensor(a).to_sparse().requires_grad_()
        E, X = lib.lobpcg(S, k=2, X=lib.tensor(x))
        assert E.requires_grad and E.grad_fn.name() == "LOBPCGAutogradFunctionBackward"
        with pytest.raises(ValueError, match="lobpcg.backward does not support sparse input yet"):
            E.sum().backward()
        with pytest.raises(RuntimeError, match="reshape is not implemented for sparse tensors"):
            lib.lobpcg(lib.tensor(a).reshape(1, 12, 12).to_sparse(), k=2)
