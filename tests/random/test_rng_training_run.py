"""A seeded training run (CNN with dropout, shuffled DataLoader, random init) prints PyTorch's losses."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch


def run(T, seed, x, y, steps=20):
    """The same program for ``T`` = torch or numtorch: seed, build, shuffle, train; return the losses."""
    T.manual_seed(seed)
    nn = T.nn
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(16 * 4 * 4, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 10))
    data = T.utils.data.TensorDataset(T.from_numpy(x.copy()), T.from_numpy(y.copy()))
    loader = T.utils.data.DataLoader(data, batch_size=8, shuffle=True)
    opt = T.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    while len(losses) < steps:
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses, T.rand(3).numpy() if T is torch else T.rand(3)._data


@pytest.mark.parametrize("seed", [0, 1, 42, 2 ** 40 + 7])
def test_seeded_cnn_training_losses(seed):
    rs = np.random.RandomState(seed % 2 ** 32)
    x = rs.randn(60, 3, 16, 16).astype(np.float32)
    y = rs.randint(0, 10, 60).astype(np.int64)
    want, want_after = run(torch, seed, x, y)
    got, got_after = run(nt, seed, x, y)
    np.testing.assert_allclose(got, want, rtol=1e-4)
    # the generator is in the same place afterwards (same number of draws)
    np.testing.assert_array_equal(got_after, want_after)
