#!/usr/bin/env python3
"""Write numtorch/vision/datasets/digits_8x8.npz: the 1,797 8x8 handwritten digits of the demo.

Run once (needs scikit-learn); the file ships inside the package so that ``numtorch demo`` and
``numtorch.vision.datasets.Digits`` need neither scikit-learn nor SciPy.

Source: the test set of the UCI "Optical Recognition of Handwritten Digits" data set
(E. Alpaydin, C. Kaynak, 1998, https://archive.ics.uci.edu/dataset/80, CC BY 4.0), as bundled by
scikit-learn (``sklearn.datasets.load_digits``). Pixels are the source's counts 0..16.
"""
import os

import numpy as np
from sklearn.datasets import load_digits

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   "numtorch", "vision", "datasets", "digits_8x8.npz")

d = load_digits()
np.savez_compressed(OUT, images=d.images.astype(np.uint8), targets=d.target.astype(np.uint8))
print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
