"""``numtorch demo`` end to end: short runs that train, print the accuracy, and write a checkpoint and a PNG."""
import json
import os
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest

import numtorch as nt
from numtorch import demo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg")
ACC_LINE = re.compile(r"^test accuracy: (\d+\.\d\d)% \((\d+)/(\d+)\) after (\d+) epochs", re.M)


def _run(args, cwd, **kw):
    return subprocess.run([sys.executable, "-m", "numtorch", "demo", *args], cwd=str(cwd), capture_output=True,
                          text=True, timeout=300, env=ENV, **kw)


def test_demo_short_run_writes_checkpoint_and_plot(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "o"
    r = _run(["--epochs", "2", "--limit", "200", "--out", str(out), "--seed", "3"], tmp_path)
    assert r.returncode == 0, r.stderr
    m = ACC_LINE.search(r.stdout)
    assert m, r.stdout
    pct, correct, total, epochs = float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
    assert total == 200 and epochs == 2 and abs(pct - 100 * correct / total) < 0.01
    assert len(re.findall(r"^epoch [12]/2 ", r.stdout, re.M)) == 2     # one plain line per epoch (no terminal)
    png = (out / "curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    hist = json.loads((out / "history.json").read_text())
    assert len(hist["loss"]) == len(hist["test_accuracy"]) == 2
    # the checkpoint loads with numtorch.load and reproduces the printed accuracy
    ckpt = nt.load(str(out / "checkpoint.pt"))
    assert ckpt["epoch"] == 2 and abs(ckpt["test_accuracy"] - correct / total) < 1e-12
    model = demo.digits_net(nt.nn)
    model.load_state_dict(ckpt["model"])
    from numtorch.vision import datasets, transforms
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(demo.DIGITS_MEAN, demo.DIGITS_STD)])
    test = datasets.Digits(train=False, transform=tf)
    x = nt.stack([test[i][0] for i in range(200)])
    y = nt.tensor(test.targets[:200])
    model.eval()
    with nt.no_grad():
        assert (model(x).argmax(dim=1) == y).sum().item() == correct
    # the optimizer state came along too
    opt = nt.optim.Adam(model.parameters(), lr=1.0)
    opt.load_state_dict(ckpt["optimizer"])
    assert opt.param_groups[0]["lr"] == ckpt["args"]["lr"]


def test_demo_learns(tmp_path):
    """A few epochs on the full digits already beat chance by far (the full default run reaches ~97-98%)."""
    r = _run(["--epochs", "3", "--out", str(tmp_path / "o"), "--optimizer", "adam"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert float(ACC_LINE.search(r.stdout).group(1)) > 85.0


def _fake_cifar(root, n=4):
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump({b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                         b"labels": [int(v) for v in rng.integers(0, 10, n)]}, f, protocol=2)
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({b"label_names": [b"c%d" % i for i in range(10)]}, f, protocol=2)


def test_demo_cifar10_trains_seed_mynet(tmp_path):
    _fake_cifar(str(tmp_path / "data"))
    r = _run(["--data", "cifar10", "--root", str(tmp_path / "data"), "--epochs", "1", "--limit", "8",
              "--batch-size", "4", "--optimizer", "sgd", "--lr", "0.01", "--out", str(tmp_path / "o"),
              "--num-workers", "1"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "MyNet with 145,578 parameters" in r.stdout       # the seed's network (torch counts the same)
    ckpt = nt.load(str(tmp_path / "o" / "checkpoint.pt"))
    net = demo.make_mynet(nt.nn)
    net.load_state_dict(ckpt["model"])
    assert sorted(ckpt["model"]) == sorted(net.state_dict())
    assert ACC_LINE.search(r.stdout).group(3) == "4"      # the fake test batch holds 4 images


@pytest.mark.parametrize("args,needle", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--optimizer", "nope"], "invalid choice: 'nope'"),
    (["--epochs", "zero"], "invalid int value"),
    (["--epochs", "0"], "--epochs must be at least 1"),
    (["--data", "cifar10"], "needs --root"),
    (["--data", "cifar10", "--root", "/definitely/not/here"], "does not exist"),
])
def test_demo_bad_input_is_one_line_exit_2(tmp_path, args, needle):
    r = _run(args, tmp_path)
    assert r.returncode == 2
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_demo_missing_cifar_files_says_which(tmp_path):
    (tmp_path / "empty").mkdir()
    r = _run(["--data", "cifar10", "--root", str(tmp_path / "empty")], tmp_path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "data_batch_1" in r.stderr and os.path.join(str(tmp_path / "empty"), "cifar-10-batches-py") in r.stderr


def test_demo_help_explains_every_option(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        demo.main(["--help"])
    assert e.value.code == 0
    text = capsys.readouterr().out
    for opt in ("--data", "--root", "--epochs", "--batch-size", "--lr", "--optimizer", "--out", "--seed",
                "--num-workers", "--limit", "--momentum", "--no-progress"):
        assert re.search(rf"^\s+{re.escape(opt)}\b.*\S", text, re.M), opt
    r = subprocess.run([sys.executable, "-m", "numtorch", "demo", "--help"], capture_output=True, text=True,
                       timeout=120, env=ENV)
    assert r.returncode == 0 and "--optimizer" in r.stdout


def test_demo_progress_bar_on_a_terminal(tmp_path):
    pytest.importorskip("tqdm")
    import fcntl
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    # a real terminal has a size; a fresh pty reports 0 x 0 (tqdm would hide the bar)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    p = subprocess.Popen([sys.executable, "-m", "numtorch", "demo", "--epochs", "1", "--limit", "64",
                          "--out", str(tmp_path / "o")], stdout=slave, stderr=slave, env=ENV, cwd=str(tmp_path))
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=120)
    os.close(master)
    text = b"".join(chunks).decode(errors="replace")
    assert p.returncode == 0, text
    assert "batch/s" in text or "s/batch" in text, text        # tqdm's rate display
    assert re.search(r"epoch 1/1: 100%", text) and "acc" in text, text
    assert ACC_LINE.search(text.replace("\r", "\n")), text
