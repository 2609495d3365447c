"""Shared by the optimizer tests: the toy problem both libraries optimize and the tolerances."""
import numpy as np

RTOL, ATOL = 1e-5, 1e-6


class Problem:
    """Three parameters; the gradient of each is ``c * (p - target) + noise_t`` (computed in NumPy
    from that side's own current values, so both runs follow their own trajectories), and the
    third parameter gets no gradient on every third step (optimizers must skip it)."""

    SHAPES = [(4, 3), (4,), (2, 5)]

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.init = [rng.standard_normal(s).astype(np.float32) for s in self.SHAPES]
        self.target = [rng.standard_normal(s).astype(np.float32) for s in self.SHAPES]
        self.noise = [[(0.3 * rng.standard_normal(s)).astype(np.float32) for s in self.SHAPES] for _ in range(40)]

    def params(self, lib):
        return [lib.tensor(a.copy(), requires_grad=True) for a in self.init]

    def grads(self, arrays, t):
        out = []
        for i, (a, tg, nz) in enumerate(zip(arrays, self.target, self.noise[t])):
            if i == 2 and t % 3 == 2:
                out.append(None)
            else:
                out.append((np.float32(0.7) * (a - tg) + nz).astype(np.float32))
        return out

    def set_grads(self, lib, params, t):
        arrays = [p.detach().numpy() for p in params]
        for p, g in zip(params, self.grads(arrays, t)):
            p.grad = None if g is None else lib.tensor(g.copy())


def _arr(p):
    return p.detach().numpy()
