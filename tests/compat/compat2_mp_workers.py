"""Child-process targets for test_compat2_multiprocessing (a module without torch, so spawned children
import only numtorch)."""
import sys

import numtorch as nt


def add_rank(i, t):
    t[i] += i + 1


def raise_in_one(i, msg):
    if i == 1:
        raise ValueError(msg)


def exit_in_one(i):
    if i == 0:
        sys.exit(3)


def sgd_steps(model, steps):
    opt = nt.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    x = nt.arange(12, dtype=nt.float32).reshape(3, 4) / 10
    for _ in range(steps):
        opt.zero_grad()
        (model(x) - 1).pow(2).mean().backward()
        opt.step()
