"""``torch.multiprocessing``: Python's ``multiprocessing`` plus PyTorch's ``spawn``/``start_processes``.

Tensors moved to shared memory with ``share_memory_()`` (``Module.share_memory()``) stay shared when
handed to child processes, forked or spawned, so Hogwild training updates one set of parameters.
"""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403

from .spawn import ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException, \
    SpawnContext, spawn, start_processes

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies"]
__all__ += multiprocessing.__all__  # type: ignore[attr-defined]

_sharing_strategy = "file_descriptor"
_all_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """Accepted for PyTorch's two strategies; numtorch shares through named POSIX shared memory either way."""
    global _sharing_strategy
    assert new_strategy in _all_strategies
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    return _sharing_strategy


def get_all_sharing_strategies():
    return set(_all_strategies)
