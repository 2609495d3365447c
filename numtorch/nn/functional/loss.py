"""Loss functions: the math. The modules in ``nn.modules.loss`` hold options and forward here.

The losses live by family in the private package ``_loss``:
  pointwise.py       l1, mse, smooth_l1, huber (one fused Function), soft_margin
  classification.py  cross_entropy, nll (fused, with plain references), multi_margin, multilabel_margin,
                     multilabel_soft_margin, focal_loss (a numtorch extra)
  distribution.py    binary_cross_entropy(_with_logits), poisson_nll, gaussian_nll, kl_div
  embedding.py       margin_ranking, hinge_embedding, cosine_embedding, triplet_margin(_with_distance)
  ctc.py             ctc_loss (scaled recursion, log-space fallback, plain reference)
  _common.py         shape checks, messages and the small Functions the composites share
Every loss takes PyTorch's arguments and applies ``reduction`` through the one helper
``_reduction.apply_reduction``. The hot losses are single fused Functions (NumPy forward, a
compact backward); each fast path has a plain reference beside it and a test pinning the two.
The other losses are compositions of differentiable Tensor operations.
"""
from ._loss.pointwise import l1_loss, mse_loss, smooth_l1_loss, huber_loss, soft_margin_loss
from ._loss.classification import (cross_entropy, nll_loss, multi_margin_loss, multilabel_margin_loss,
                                   multilabel_soft_margin_loss)
from ._loss.distribution import (binary_cross_entropy, binary_cross_entropy_with_logits, poisson_nll_loss,
                                 gaussian_nll_loss, kl_div)
from ._loss.embedding import (margin_ranking_loss, hinge_embedding_loss, cosine_embedding_loss,
                              triplet_margin_loss, triplet_margin_with_distance_loss)
from ._loss.ctc import ctc_loss

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "poisson_nll_loss", "gaussian_nll_loss",
           "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "ctc_loss"]
