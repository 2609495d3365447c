"""``torch.optim``: optimizers and learning-rate schedulers, step-for-step equal to PyTorch's."""
from .optimizer import Optimizer, set_exact_rounding
from .sgd import SGD
from .asgd import ASGD
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .adamax import Adamax
from .radam import RAdam
from .nadam import NAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .lbfgs import LBFGS
from .sparse_adam import SparseAdam
from ._adafactor import Adafactor
from ._muon import Muon
from . import lr_scheduler  # noqa: E402

__all__ = ["Optimizer", "SGD", "ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "RAdam", "NAdam", "RMSprop",
           "Rprop", "LBFGS", "SparseAdam", "Adafactor", "Muon", "lr_scheduler", "set_exact_rounding"]

# torch.optim shows the classes, not the files they live in (torch.optim.adam, ... stay importable by path)
del optimizer, sgd, asgd, adadelta, adagrad, adam, adamw, adamax, radam, nadam, rmsprop, rprop, lbfgs, sparse_adam  # noqa: F821
