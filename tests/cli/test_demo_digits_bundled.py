"""The demo's digits ship inside the package: no scikit-learn or SciPy needed, same images as scikit-learn's."""
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_digits_load_without_scikit_learn(tmp_path):
    code = ("import sys; sys.modules['sklearn'] = None; sys.modules['scipy'] = None\n"
            "from numtorch.vision.datasets import Digits\n"
            "tr, te = Digits(train=True), Digits(train=False)\n"
            "print(len(tr), len(te), tr.data.dtype, int(tr.data.max()), 'scipy' in sys.modules and sys.modules['scipy'])")
    r = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1438", "359", "uint8", "255", "None"]


def test_bundled_digits_are_uci_digits_from_scikit_learn():
    from sklearn.datasets import load_digits
    d = load_digits()
    with np.load(os.path.join(ROOT, "numtorch", "vision", "datasets", "digits_8x8.npz")) as f:
        np.testing.assert_array_equal(f["images"], d.images)
        np.testing.assert_array_equal(f["targets"], d.target)
    assert os.path.getsize(os.path.join(ROOT, "numtorch", "vision", "datasets", "digits_8x8.npz")) < 60_000


def test_demo_extra_has_no_scikit_learn():
    import re
    with open(os.path.join(ROOT, "pyproject.toml")) as f:   # (tomllib is 3.11+; numtorch supports 3.10)
        demo = re.search(r"^demo = \[(.*?)\]", f.read(), re.M).group(1)
    assert "matplotlib" in demo and "scikit-learn" not in demo and "scipy" not in demo
