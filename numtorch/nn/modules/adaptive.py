"""AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for GPUs"), PyTorch's layout.

Classes [0, cutoffs[0]) are scored by the head directly; cluster i (classes [cutoffs[i], cutoffs[i+1]))
gets one head logit, and within it the tail projection in -> in/div^(i+1) -> cluster size:
    log p(y) = log_softmax(head)[y]                                  (shortlist)
    log p(y) = log_softmax(head)[s + i] + log_softmax(tail_i)[y - cutoffs[i]]   (cluster i)
Parameter names and initialisation are PyTorch's (head: Linear(in, s + n_clusters, bias=head_bias);
tail.i: Sequential(Linear(in, hsz, bias=False), Linear(hsz, osz, bias=False))).
"""
from collections import namedtuple

from ..._backend import xp
from ... import _creation as C
from ... import _ops as ops
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs)) or (min(cutoffs) <= 0) or (max(cutoffs) > (n_classes - 1)) or \
                (len(set(cutoffs)) != len(cutoffs)) or any(int(c) != c for c in cutoffs):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing order, "
                             "where each value is between 1 and n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hsz, bias=False, dtype=dtype),
                                        Linear(hsz, osz, bias=False, dtype=dtype)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_, target_):
        """(output = log p(target) per row, loss = -mean(output))"""
        targ_dim = target_.dim()
        if targ_dim == 1:
            if input_.size(0) != target_.size(0):
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input_.dim() != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{input_.size()}")
        elif targ_dim == 0:
            if input_.dim() != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size "
                                   f"{input_.size()}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        is_batched = targ_dim > 0
        input = input_ if is_batched else input_.unsqueeze(0)
        target = target_ if is_batched else target_.unsqueeze(0)
        t = target._data.astype(xp.int64)
        B = t.shape[0]
        gather_inds = t.copy()
        bounds = [0] + self.cutoffs
        pieces, order = [], []
        for i in range(len(bounds) - 1):
            lo, hi = bounds[i], bounds[i + 1]
            rows = xp.nonzero((t >= lo) & (t < hi))[0]
            if rows.size == 0:
                continue
            order.append(rows)
            if i == 0:
                pieces.append(C.zeros(rows.size, dtype=input.dtype))
                continue
            gather_inds[rows] = self.shortlist_size + i - 1
            rows_t = C.from_numpy(rows)
            cluster_logprob = F.log_softmax(self.tail[i - 1](input.index_select(0, rows_t)), dim=1)
            rel = C.from_numpy((t[rows] - lo)[:, None])
            pieces.append(cluster_logprob.gather(1, rel).squeeze(1))
        used = sum(r.size for r in order)
        if used != B:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{int(t.min())}, {int(t.max())}] were found. ")
        perm = xp.concatenate(order)
        inv = xp.empty_like(perm)
        inv[perm] = xp.arange(B)
        output = ops.cat(pieces, 0)[C.from_numpy(inv)]
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, C.from_numpy(gather_inds[:, None])).squeeze(1)
        loss = (-output).mean()
        if not is_batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _get_full_log_prob(self, input, head_output):
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            s = self.shortlist_size + i
            parts.append(cluster_logprob + head_logprob[:, s:s + 1])
        return ops.cat(parts, 1)

    def log_prob(self, input):
        """log p(c | input) for every class: (N, n_classes)"""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input):
        """argmax_c log p(c | input), computing the tails only for rows whose head argmax is a cluster"""
        head_output = self.head(input)
        output = head_output.argmax(dim=1)
        not_in = output._data >= self.shortlist_size
        if not not_in.any():
            return output
        if not_in.all():
            return self._get_full_log_prob(input, head_output).argmax(dim=1)
        rows = C.from_numpy(xp.nonzero(not_in)[0])
        lp = self._get_full_log_prob(input.index_select(0, rows), head_output.index_select(0, rows))
        out = output._data.copy()
        out[not_in] = lp.argmax(dim=1)._data
        return C.from_numpy(out)
