"""``SummaryWriter``: scalars, histograms, images, figures and text as TensorBoard event files.

Summaries are built as PyTorch builds them (the same protos, tags, histogram buckets and image scaling),
so TensorBoard shows numtorch's runs as it shows PyTorch's.
"""
import os
import socket
import struct
import time
import zlib
from datetime import datetime

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from ..._backend import xp
from ..._tensor import Tensor

__all__ = ["FileWriter", "SummaryWriter"]


def _np(x):
    if isinstance(x, Tensor):
        return x.detach()._data
    return xp.asarray(x)


class FileWriter:
    """Writes ``Event`` protos to one event file in ``log_dir``."""

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        return self.event_writer.get_logdir()

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None):
        self.add_event(event_pb2.Event(summary=summary), global_step, walltime)

    def flush(self):
        self.event_writer.flush()

    def close(self):
        self.event_writer.close()

    def reopen(self):
        self.event_writer.reopen()


def _default_bins():
    # TensorFlow's exponential buckets: +-1e-12 * 1.1**k up to 1e20, and 0
    v, pos = 1e-12, []
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-b for b in reversed(pos)] + [0] + pos


def _histogram_proto(values, bins, max_bins=None):
    values = values.reshape(-1).astype(xp.float64)
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = xp.histogram(values, bins=bins)
    num_bins = len(counts)
    if max_bins is not None and num_bins > max_bins:
        subsampling = num_bins // max_bins
        rem = num_bins % subsampling
        if rem:
            counts = xp.pad(counts, pad_width=[[0, subsampling - rem]], mode="constant", constant_values=0)
        counts = counts.reshape(-1, subsampling).sum(axis=-1)
        new_limits = xp.empty((counts.size + 1,), limits.dtype)
        new_limits[:-1] = limits[:-1:subsampling]
        new_limits[-1] = limits[-1]
        limits = new_limits
    # keep the support: from the bin before the first non-empty one to the last non-empty one
    cum = xp.cumsum(xp.greater(counts, 0))
    start, end = xp.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else xp.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                          sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())


def _png(hwc):
    """PNG bytes of an H x W x C uint8 image (C = 1, 3 or 4), no filtering."""
    h, w, c = hwc.shape
    ctype = {1: 0, 3: 2, 4: 6}[c]
    raw = xp.concatenate([xp.zeros((h, 1), xp.uint8), hwc.reshape(h, w * c)], axis=1).tobytes()

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _make_grid(imgs, ncols=8):
    if imgs.shape[1] == 1:
        imgs = xp.concatenate([imgs, imgs, imgs], 1)
    n, c, h, w = imgs.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = xp.zeros((c, h * nrows, w * ncols), dtype=imgs.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = imgs[i]
    return canvas


def _to_hwc(a, dataformats):
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or a.ndim != len(fmt):
        raise AssertionError(f"size of input tensor and input format are different. tensor shape: {a.shape}, "
                             f"input_format: {dataformats}")
    if len(fmt) == 4:
        nchw = a.transpose([fmt.find(ch) for ch in "NCHW"])
        return _make_grid(nchw).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = a.transpose([fmt.find(ch) for ch in "HWC"])
        return xp.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    hw = a.transpose([fmt.find(ch) for ch in "HW"])
    return xp.stack([hw, hw, hw], 2)


def _image_summary(tag, a, dataformats):
    hwc = _to_hwc(a, dataformats)
    scale = 1 if hwc.dtype == xp.uint8 else 255
    hwc = (hwc.astype(xp.float32) * scale).clip(0, 255).astype(xp.uint8)
    h, w, c = hwc.shape
    img = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=_png(xp.ascontiguousarray(hwc)))
    return Summary(value=[Summary.Value(tag=tag, image=img)])


def _unsupported(what):
    def method(self, *args, **kwargs):
        raise RuntimeError(f"numtorch has no 'SummaryWriter.{what}': log scalars, histograms, images, figures "
                           f"and text instead")
    method.__name__ = what
    return method


class SummaryWriter:
    """``SummaryWriter(log_dir=None)``: event files in ``log_dir`` (default ``runs/<date>_<host><comment>``)."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120,
                 filename_suffix=""):
        if not log_dir:
            current_time = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", current_time + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()
        self.default_bins = _default_bins()

    def _get_file_writer(self):
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                most_recent_step = self.purge_step
                self.file_writer.add_event(event_pb2.Event(step=most_recent_step, file_version="brain.Event:2"))
                self.file_writer.add_event(event_pb2.Event(step=most_recent_step,
                                                           session_log=event_pb2.SessionLog(
                                                               status=event_pb2.SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """A point of the curve ``tag``: ``float(scalar_value)`` at ``global_step``."""
        v = float(_np(scalar_value).reshape(()) if not isinstance(scalar_value, (int, float)) else scalar_value)
        if new_style:
            meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
            tensor = (TensorProto(double_val=[v], dtype="DT_DOUBLE") if double_precision
                      else TensorProto(float_val=[v], dtype="DT_FLOAT"))
            summary = Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=meta)])
        else:
            summary = Summary(value=[Summary.Value(tag=tag, simple_value=v)])
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Several curves in one chart: each in its own run folder ``<log_dir>/<main_tag>_<tag>``."""
        walltime = time.time() if walltime is None else walltime
        fw_logdir = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            fw_tag = fw_logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(fw_tag)
            if fw is None:
                fw = self.all_writers[fw_tag] = FileWriter(fw_tag, self.max_queue, self.flush_secs,
                                                           self.filename_suffix)
            v = float(_np(value).reshape(())) if not isinstance(value, (int, float)) else float(value)
            fw.add_summary(Summary(value=[Summary.Value(tag=main_tag, simple_value=v)]), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        """The distribution of ``values`` (``bins``: "tensorflow" exponential buckets, or NumPy's)."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        hist = _histogram_proto(_np(values), bins, max_bins)
        self._get_file_writer().add_summary(Summary(value=[Summary.Value(tag=tag, histo=hist)]), global_step,
                                            walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """An image (``CHW``/``HWC``/``HW``; floats in [0, 1] are scaled by 255, uint8 kept)."""
        self._get_file_writer().add_summary(_image_summary(tag, _np(img_tensor), dataformats), global_step,
                                            walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """A batch of images laid out in a grid of 8 columns."""
        self._get_file_writer().add_summary(_image_summary(tag, _np(img_tensor), dataformats), global_step,
                                            walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure (or a list of them), rendered to an image."""
        figs = figure if isinstance(figure, list) else [figure]
        imgs = []
        for fig in figs:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            w, h = fig.canvas.get_width_height()
            data = xp.frombuffer(canvas.buffer_rgba(), dtype=xp.uint8).reshape(h, w, 4)[:, :, :3]
            imgs.append(xp.moveaxis(data, 2, 0))
            if close:
                import matplotlib.pyplot as plt
                plt.close(fig)
        if isinstance(figure, list):
            self.add_images(tag, xp.stack(imgs), global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, imgs[0], global_step, walltime, dataformats="CHW")

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Markdown text shown under ``<tag>/text_summary``."""
        from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
            plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
        tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf_8")],
                             tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
        self._get_file_writer().add_summary(
            Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor)]), global_step,
            walltime)

    add_graph = _unsupported("add_graph")
    add_onnx_graph = _unsupported("add_onnx_graph")
    add_hparams = _unsupported("add_hparams")
    add_embedding = _unsupported("add_embedding")
    add_audio = _unsupported("add_audio")
    add_video = _unsupported("add_video")
    add_mesh = _unsupported("add_mesh")
    add_pr_curve = _unsupported("add_pr_curve")
    add_pr_curve_raw = _unsupported("add_pr_curve_raw")
    add_histogram_raw = _unsupported("add_histogram_raw")
    add_tensor = _unsupported("add_tensor")
    add_image_with_boxes = _unsupported("add_image_with_boxes")
    add_custom_scalars = _unsupported("add_custom_scalars")
    add_custom_scalars_multilinechart = _unsupported("add_custom_scalars_multilinechart")
    add_custom_scalars_marginchart = _unsupported("add_custom_scalars_marginchart")

    def flush(self):
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()

    def close(self):
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()
