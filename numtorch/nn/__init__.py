"""``torch.nn``: modules, parameters, functional, init and utils."""
from .parameter import Parameter, Buffer
from .modules import *  # noqa: F401,F403
from .modules import Module
from . import functional, init  # noqa: F401


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.nn.{name}'")
from . import utils  # noqa: E402,F401
from . import modules, parameter, parallel  # noqa: E402,F401  (torch.nn shows these submodules too)
from .parallel import DataParallel  # noqa: E402,F401

__all__ = ["Parameter", "Buffer", *modules.__all__, "DataParallel", "functional", "init", "utils", "modules",
           "parameter", "parallel"]
