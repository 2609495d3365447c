"""torch.utils.tensorboard.SummaryWriter: event files written by numtorch read back with tensorboard's own
reader, compared with the files PyTorch's writer makes from the same calls."""
import io
import os
import subprocess
import sys

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

pytest.importorskip("tensorboard", reason="the tensorboard extra: pip install numtorch[tensorboard]")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402
from numtorch.utils.tensorboard import SummaryWriter as NtWriter  # noqa: E402


def _log(lib, W, d):
    rng = np.random.default_rng(0)
    vals = rng.standard_normal(1000).astype(np.float32)
    img = rng.random((3, 5, 7)).astype(np.float32)
    imgs = rng.random((10, 1, 4, 6)).astype(np.float32)
    with W(log_dir=str(d)) as w:
        for step in range(3):
            w.add_scalar("loss/train", lib.tensor(1.0 / (step + 1)), step)
            w.add_scalar("lr", 0.1 * step, global_step=step)
            w.add_scalars("run", {"a": step, "b": lib.tensor(2.0 * step)}, step)
        w.add_histogram("weights", lib.from_numpy(vals), 0)
        w.add_histogram("w_auto", lib.from_numpy(vals), 1, bins="auto")
        w.add_image("img", lib.from_numpy(img), 0)
        w.add_image("img_hwc_u8", lib.from_numpy((img.transpose(1, 2, 0) * 255).astype(np.uint8)), 0,
                    dataformats="HWC")
        w.add_image("img_hw", lib.from_numpy(img[0]), 0, dataformats="HW")
        w.add_images("grid", lib.from_numpy(imgs), 0)
        w.add_text("note", "hello **numtorch**", 2)
        w.flush()


def _read(d):
    ea = EventAccumulator(str(d), size_guidance={"images": 0, "histograms": 0, "scalars": 0, "tensors": 0})
    ea.Reload()
    return ea


def _pixels(encoded):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(encoded)))


def test_event_files_match_torch(tmp_path):
    _log(torch, TorchWriter, tmp_path / "t")
    _log(nt, NtWriter, tmp_path / "n")
    te, ne = _read(tmp_path / "t"), _read(tmp_path / "n")
    assert sorted(ne.Tags()["scalars"]) == sorted(te.Tags()["scalars"])
    for tag in te.Tags()["scalars"]:
        assert [(s.step, s.value) for s in ne.Scalars(tag)] == [(s.step, s.value) for s in te.Scalars(tag)]
    # add_scalars: one run folder per curve, named as torch names them
    def entries(d):
        return sorted("events" if f.startswith("events.out.tfevents.") else f for f in os.listdir(d))
    assert entries(tmp_path / "n") == entries(tmp_path / "t")
    for sub in ("run_a", "run_b"):
        t2, n2 = _read(tmp_path / "t" / sub), _read(tmp_path / "n" / sub)
        assert [(s.step, s.value) for s in n2.Scalars("run")] == [(s.step, s.value) for s in t2.Scalars("run")]
    for tag in ("weights", "w_auto"):
        th, nh = te.Histograms(tag)[0].histogram_value, ne.Histograms(tag)[0].histogram_value
        assert (nh.min, nh.max, nh.num) == (th.min, th.max, th.num)
        np.testing.assert_allclose([nh.sum, nh.sum_squares], [th.sum, th.sum_squares], rtol=1e-6)
        np.testing.assert_allclose(nh.bucket_limit, th.bucket_limit, rtol=1e-12)
        assert list(nh.bucket) == list(th.bucket)
    assert sorted(ne.Tags()["images"]) == sorted(te.Tags()["images"])
    for tag in te.Tags()["images"]:
        ti, ni = te.Images(tag)[0], ne.Images(tag)[0]
        assert (ni.width, ni.height, ni.step) == (ti.width, ti.height, ti.step)
        np.testing.assert_array_equal(_pixels(ni.encoded_image_string), _pixels(ti.encoded_image_string))
    tt, nt_ = te.Tensors("note/text_summary")[0], ne.Tensors("note/text_summary")[0]
    assert nt_.step == tt.step == 2 and nt_.tensor_proto.string_val == tt.tensor_proto.string_val
    assert ne.SummaryMetadata("note/text_summary").plugin_data.plugin_name == "text"


def test_default_logdir_purge_and_unsupported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = NtWriter(comment="_x")
    assert w.get_logdir().startswith("runs" + os.sep) and w.get_logdir().endswith("_x")
    w.close()
    w = NtWriter(str(tmp_path / "p"), purge_step=5)
    w.add_scalar("a", 1.0, 6)
    with pytest.raises(RuntimeError, match="numtorch has no 'SummaryWriter.add_graph'"):
        w.add_graph(nt.nn.Linear(2, 2), nt.ones(1, 2))
    w.close()
    assert [s.step for s in _read(tmp_path / "p").Scalars("a")] == [6]
    with pytest.raises(ValueError, match="The input has no element."):
        NtWriter(str(tmp_path / "q")).add_histogram("h", nt.zeros(0))


def test_missing_tensorboard_names_the_extra(tmp_path):
    code = ("import sys\nsys.modules['tensorboard'] = None\n"
            "try:\n    import numtorch.utils.tensorboard\nexcept ImportError as e:\n    print(e)\n")
    root = os.path.dirname(os.path.dirname(nt.__file__))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert "pip install numtorch[tensorboard]" in out.stdout, out.stderr
