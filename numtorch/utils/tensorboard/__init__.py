"""``torch.utils.tensorboard``: ``SummaryWriter`` writing TensorBoard event files through the ``tensorboard``
package (an optional extra: ``pip install numtorch[tensorboard]``)."""
try:
    import tensorboard  # noqa: F401
except ImportError:
    raise ImportError("torch.utils.tensorboard needs the 'tensorboard' package, which is not installed: "
                      "pip install numtorch[tensorboard]  (or: pip install tensorboard)") from None

from .writer import FileWriter, SummaryWriter  # noqa: E402
from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]
