"""Recurrent layers: RNN, LSTM, GRU and their cells, with PyTorch's parameter names and gate order.

For every layer and direction the input projection of all time steps is one
matrix product, x W_ih^T + b_ih of shape (T, N, gates); only the recurrent
product h W_hh^T runs per step.  Gate order in the stacked weights:
LSTM (i, f, g, o), GRU (r, z, n), exactly as PyTorch, so state_dicts
interchange.  Equations (PyTorch's):

    RNN:  h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)            (or relu)
    LSTM: i, f, o = sigmoid(.), g = tanh(.);  c' = f*c + i*g;  h' = o * tanh(c')   (then h' W_hr^T if proj_size)
    GRU:  r, z = sigmoid(.);  n = tanh(x_n + r * (h W_hn^T + b_hn));  h' = (1 - z) * n + z * h

Every parameter starts U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
RNN/LSTM/GRU layers run one fused autograd node per layer and direction
(``_rnn_fused``: NumPy loops over time forward and backward, double backward
supported), and so do the cells (one step); LSTM with proj_size is built from
differentiable tensor operations.
"""
import math
import numbers
import warnings

from .module import Module
from ..parameter import Parameter
from ... import _creation as C
from ... import _ops as ops
from ..._backend import xp
from .. import functional as F
from .. import init
from ._rnn_fused import rnn_layer

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _lstm_step(gi, h, c, w_hh, b_hh, w_hr):
    gates = gi + ops.matmul(h, w_hh.t())
    if b_hh is not None:
        gates = gates + b_hh
    i, f, g, o = gates.chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = ops.matmul(h, w_hr.t())
    return h, c


def _gru_step(gi, h, w_hh, b_hh):
    gh = ops.matmul(h, w_hh.t())
    if b_hh is not None:
        gh = gh + b_hh
    ir, iz, inn = gi.chunk(3, -1)
    hr, hz, hn = gh.chunk(3, -1)
    r = (ir + hr).sigmoid()
    z = (iz + hz).sigmoid()
    n = (inn + r * hn).tanh()
    return n + z * (h - n)


def _masked_state(hn, cn, h, c, bs, t):
    """(h, c, y) after step t: in a packed batch only the first bs[t] rows step, the others keep their state
    and output zero."""
    if bs is None:
        return hn, cn, hn
    from ... import _creation as C_
    n = int(bs[t])
    if n == hn.shape[0]:
        return hn, cn, hn
    m = C_.from_numpy((xp.arange(hn.shape[0]) < n)[:, None])
    return ops.where(m, hn, h), (None if cn is None else ops.where(m, cn, c)), hn * m.to(hn.dtype)


def _rnn_step(gi, h, w_hh, b_hh, relu):
    a = gi + ops.matmul(h, w_hh.t())
    if b_hh is not None:
        a = a + b_hh
    return a.relu() if relu else a.tanh()


class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout = float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        gate_size = _GATES[mode] * hidden_size
        nd = 2 if bidirectional else 1
        real_h = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(nd):
                in_sz = input_size if layer == 0 else real_h * nd
                sfx = "_reverse" if d == 1 else ""
                names = [f"weight_ih_l{layer}{sfx}", f"weight_hh_l{layer}{sfx}"]
                shapes = [(gate_size, in_sz), (gate_size, real_h)]
                if bias:
                    names += [f"bias_ih_l{layer}{sfx}", f"bias_hh_l{layer}{sfx}"]
                    shapes += [(gate_size,), (gate_size,)]
                if proj_size > 0:
                    names.append(f"weight_hr_l{layer}{sfx}")
                    shapes.append((proj_size, hidden_size))
                for n, s in zip(names, shapes):
                    setattr(self, n, Parameter(C.empty(*s, dtype=dtype)))
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def flatten_parameters(self):
        pass

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        nd = 2 if self.bidirectional else 1
        per = len(self._flat_weights_names) // (self.num_layers * nd)
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def _params(self, layer, d):
        sfx = "_reverse" if d == 1 else ""
        g = lambda n: getattr(self, f"{n}_l{layer}{sfx}")  # noqa: E731
        return (g("weight_ih"), g("weight_hh"), g("bias_ih") if self.bias else None,
                g("bias_hh") if self.bias else None, g("weight_hr") if self.proj_size > 0 else None)

    def forward(self, input, hx=None):
        is_lstm = self.mode == "LSTM"
        from ..utils.rnn import PackedSequence, _packed_rows, pad_packed_sequence
        packed = isinstance(input, PackedSequence)
        bs = sorted_idx = unsorted_idx = None
        if packed:
            # run on the padded (T, N, *) batch in sorted order; each step touches only its active rows
            bs = input.batch_sizes._data.astype(xp.int64)
            sorted_idx, unsorted_idx = input.sorted_indices, input.unsorted_indices
            input = pad_packed_sequence(PackedSequence(input.data, input.batch_sizes))[0]
            if hx is not None and sorted_idx is not None:
                hx = tuple(v.index_select(1, sorted_idx) for v in hx) if is_lstm else hx.index_select(1, sorted_idx)
        batched = input.dim() == 3
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead")
        wdt = self.weight_ih_l0.dtype
        if input.dtype != wdt:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({wdt}). Convert input: "
                             f"input.to({wdt}), or convert model: model.to({input.dtype})")
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first and not packed:
            input = input.transpose(0, 1)
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.shape[-1]}")
        T, N = input.shape[0], input.shape[1]
        nd = 2 if self.bidirectional else 1
        real_h = self.proj_size if self.proj_size > 0 else self.hidden_size
        if hx is None:
            h0 = C.zeros(self.num_layers * nd, N, real_h, dtype=input.dtype)
            c0 = C.zeros(self.num_layers * nd, N, self.hidden_size, dtype=input.dtype) if is_lstm else None
        else:
            # PyTorch's order of checks and messages: the pair is indexed (a 1-tuple is an IndexError), then the
            # dimensions (not for packed input), then the shapes, then the pair's length (batched input only); packed input
            # gets the shape messages where PyTorch fails inside its kernel
            if is_lstm and packed and sorted_idx is None and len(hx) != 2:
                raise RuntimeError("lstm expects two hidden states")
            h0, c0 = (hx[0], hx[1]) if is_lstm else (hx, None)
            want = 3 if batched else 2
            kind = "batched 3-D" if batched else "unbatched 2-D"
            if is_lstm and not packed and (h0.dim() != want or c0.dim() != want):
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got ({h0.dim()}-D, "
                                   f"{c0.dim()}-D) tensors")
            if not is_lstm and not packed and h0.dim() != want:
                raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {h0.dim()}-D tensor")
            if not batched:
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if c0 is not None else None
            # PyTorch's messages: LSTM names the state, hidden[0] = h0, hidden[1] = c0
            names = ("hidden[0]", "hidden[1]") if is_lstm else ("hidden",)
            exps = ((self.num_layers * nd, N, real_h), (self.num_layers * nd, N, self.hidden_size))
            for nm_, exp, st in zip(names, exps, (h0, c0)):
                if tuple(st.shape) != exp:
                    raise RuntimeError(f"Expected {nm_} size {exp}, got {list(st.shape)}")
            if is_lstm and batched and len(hx) != 2:
                raise RuntimeError("lstm expects two hidden states")
        h0s = h0.unbind(0)
        c0s = c0.unbind(0) if c0 is not None else None
        x = input
        hn, cn = [], []
        relu = self.mode == "RNN_RELU"
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._params(layer, d)
                k = layer * nd + d
                if w_hr is None:
                    # one fused node per layer and direction (NumPy loops over time, see _rnn_fused)
                    y, h, c = rnn_layer(self.mode, x, h0s[k], c0s[k] if c0s is not None else None,
                                        w_ih, w_hh, b_ih, b_hh, d == 1, bs)
                    outs.append(y)
                    hn.append(h)
                    if is_lstm:
                        cn.append(c)
                    continue
                gi_all = ops.matmul(x, w_ih.t())
                if b_ih is not None:
                    gi_all = gi_all + b_ih
                gis = gi_all.unbind(0)
                h = h0s[k]
                c = c0s[k] if c0s is not None else None
                steps = range(T - 1, -1, -1) if d == 1 else range(T)
                ys = [None] * T
                for t in steps:
                    if is_lstm:
                        hs, cs = _lstm_step(gis[t], h, c, w_hh, b_hh, w_hr)
                    elif self.mode == "GRU":
                        hs, cs = _gru_step(gis[t], h, w_hh, b_hh), None
                    else:
                        hs, cs = _rnn_step(gis[t], h, w_hh, b_hh, relu), None
                    h, c, ys[t] = _masked_state(hs, cs, h, c, bs, t)
                outs.append(ops.stack(ys, 0))
                hn.append(h)
                if is_lstm:
                    cn.append(c)
            x = outs[0] if nd == 1 else ops.cat(outs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        out = x
        h_n = ops.stack(hn, 0)
        c_n = ops.stack(cn, 0) if is_lstm else None
        if packed:
            rows = _packed_rows(bs, N, T, False)
            out = PackedSequence(out.reshape(T * N, -1)[C.from_numpy(rows)], C.from_numpy(bs.copy()),
                                 sorted_idx, unsorted_idx)
            if unsorted_idx is not None:
                h_n = h_n.index_select(1, unsorted_idx)
                c_n = c_n.index_select(1, unsorted_idx) if c_n is not None else None
        elif not batched:
            out = out.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        elif self.batch_first:
            out = out.transpose(0, 1)
        return (out, (h_n, c_n)) if is_lstm else (out, h_n)


def _split_args(args, kwargs, names, defaults):
    vals = dict(zip(names, args))
    for n, dflt in zip(names, defaults):
        if n not in vals:
            vals[n] = kwargs.pop(n, dflt)
    return vals


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)"""

    def __init__(self, *args, **kwargs):
        names = ["input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout",
                 "bidirectional"]
        v = _split_args(args, kwargs, names, [None, None, 1, "tanh", True, False, 0.0, False])
        nl = v.pop("nonlinearity")
        if nl == "tanh":
            mode = "RNN_TANH"
        elif nl == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nl}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, **v, **kwargs)
        self.nonlinearity = nl


class LSTM(RNNBase):
    """Long short-term memory; returns output, (h_n, c_n)"""

    def __init__(self, *args, **kwargs):
        names = ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional",
                 "proj_size"]
        v = _split_args(args, kwargs, names, [None, None, 1, True, False, 0.0, False, 0])
        super().__init__("LSTM", **v, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit"""

    def __init__(self, *args, **kwargs):
        names = ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional"]
        v = _split_args(args, kwargs, names, [None, None, 1, True, False, 0.0, False])
        super().__init__("GRU", **v, **kwargs)


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(C.empty(num_chunks * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(C.empty(num_chunks * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(C.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(C.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.bias is not True:
            s += ", bias={bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def _prep(self, input, hx, name):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            hs = hx if isinstance(hx, (tuple, list)) else (hx,)
            for h in hs:
                if h.dim() not in (1, 2):
                    raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {h.dim()}D instead")
            for i, h in enumerate(hs):
                if input.dim() == 2 and h.dim() == 2 and h.shape[0] != input.shape[0]:
                    raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                                       f"{h.shape[0]}")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        return input, batched

    def _check_hidden(self, x, hs):
        # PyTorch's checks (fused kernels would otherwise fail inside a matmul with a NumPy message)
        for k, h in enumerate(hs):
            if h.shape[0] != x.shape[0]:
                raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden{k} batch size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.shape[1]}, expected "
                                   f"{self.hidden_size}")

    def _gi(self, x):
        gi = ops.matmul(x, self.weight_ih.t())
        return gi + self.bias_ih if self.bias_ih is not None else gi


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, batched = self._prep(input, hx, "RNNCell")
        if hx is None:
            hx = C.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        elif not batched:
            hx = hx.unsqueeze(0)
        self._check_hidden(x, (hx,))
        mode = "RNN_RELU" if self.nonlinearity == "relu" else "RNN_TANH"
        _, h, _ = rnn_layer(mode, x.unsqueeze(0), hx, None, self.weight_ih, self.weight_hh, self.bias_ih,
                            self.bias_hh, False)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        x, batched = self._prep(input, hx, "LSTMCell")
        if hx is None:
            z = C.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
            hx = (z, z)
        elif not batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        self._check_hidden(x, hx)
        _, h, c = rnn_layer("LSTM", x.unsqueeze(0), hx[0], hx[1], self.weight_ih, self.weight_hh, self.bias_ih,
                            self.bias_hh, False)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, batched = self._prep(input, hx, "GRUCell")
        if hx is None:
            hx = C.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        elif not batched:
            hx = hx.unsqueeze(0)
        self._check_hidden(x, (hx,))
        _, h, _ = rnn_layer("GRU", x.unsqueeze(0), hx, None, self.weight_ih, self.weight_hh, self.bias_ih,
                            self.bias_hh, False)
        return h if batched else h.squeeze(0)
