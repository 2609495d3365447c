"""All nn modules; each submodule lists its public classes in ``__all__``."""
from .module import Module
from .container import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from ._attention import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .adaptive import *  # noqa: F401,F403
from ._fractional import *  # noqa: F401,F403
from . import container, linear, activation, conv, pooling, normalization, dropout, sparse, rnn, flatten, \
    upsampling, padding, distance, loss, adaptive, transformer  # noqa: E402  (torch.nn.modules has these submodules too)

__all__ = ["Module"] + [_n for _m in (container, linear, activation, conv, pooling, normalization, dropout, sparse, rnn,
                                      flatten, upsampling, padding, distance, loss, adaptive, transformer) for _n in _m.__all__]
__all__ += ["FractionalMaxPool2d", "FractionalMaxPool3d"]
