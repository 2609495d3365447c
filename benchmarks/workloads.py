"""The benchmark workloads, written once against the PyTorch API.

Each builder receives ``T`` (the ``numtorch`` or ``torch`` module) and returns a
``Bench``: a zero-argument ``step`` to time and optionally a ``refresh`` that
rebuilds state (Adam workloads: fresh model every ~200 steps so that optimizer
state decaying into denormal floats does not skew either framework).

A builder raises ``Lacks("nn.Conv2d")`` when the framework does not provide
something it needs; the harness prints ``SKIPPED (numtorch lacks nn.Conv2d)``.
"""
import numpy as np


class Lacks(Exception):
    """The framework under test does not (yet) provide a feature the workload needs."""


class Bench:
    __slots__ = ("step", "refresh", "refresh_every", "note")

    def __init__(self, step, refresh=None, refresh_every=None, note=""):
        self.step, self.refresh, self.refresh_every, self.note = step, refresh, refresh_every, note


def need(T, *paths):
    """Raise ``Lacks(path)`` for the first dotted attribute path missing from ``T``."""
    for path in paths:
        obj = T
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                raise Lacks(path)


def has(T, path):
    try:
        need(T, path)
        return True
    except Lacks:
        return False


def _rng(seed=0):
    return np.random.default_rng(seed)


def tensor(T, arr, requires_grad=False):
    t = T.from_numpy(np.ascontiguousarray(arr))
    if requires_grad:
        t.requires_grad_(True)
    return t


# ---------------------------------------------------------------------------- W1
def w1_sigmoid_222(T, manual_sgd=False):
    """The seed's 2-2-2 sigmoid network, batch of one, MSELoss, SGD(lr=0.1): a full step."""
    need(T, "nn.Linear", "nn.Sigmoid", "nn.Sequential", "nn.MSELoss")
    if not manual_sgd:
        need(T, "optim.SGD")
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(2, 2), T.nn.Sigmoid(), T.nn.Linear(2, 2), T.nn.Sigmoid())
    crit = T.nn.MSELoss()
    x = T.tensor([[0.05, 0.10]])
    y = T.tensor([[0.01, 0.99]])
    params = list(model.parameters())
    if manual_sgd:
        no_grad = T.no_grad

        def step():
            for p in params:
                p.grad = None
            loss = crit(model(x), y)
            loss.backward()
            with no_grad():
                for p in params:
                    p.sub_(p.grad * 0.1)
        return Bench(step, note="manual SGD update")

    opt = T.optim.SGD(params, lr=0.1)

    def step():
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
    return Bench(step)


# ---------------------------------------------------------------------------- W2
def w2_mlp_adam(T):
    """MLP 784-256-128-10, ReLU, CrossEntropyLoss, Adam(lr=1e-3), batch 128: a full step."""
    need(T, "nn.Linear", "nn.ReLU", "nn.Sequential", "nn.CrossEntropyLoss", "optim.Adam")
    r = _rng(1)
    x = tensor(T, r.standard_normal((128, 784), dtype=np.float32))
    y = tensor(T, r.integers(0, 10, 128).astype(np.int64))
    crit = T.nn.CrossEntropyLoss()
    st = {}

    def refresh():
        T.manual_seed(0)
        m = T.nn.Sequential(T.nn.Linear(784, 256), T.nn.ReLU(), T.nn.Linear(256, 128), T.nn.ReLU(),
                            T.nn.Linear(128, 10))
        st["m"], st["opt"] = m, T.optim.Adam(m.parameters(), lr=1e-3)

    refresh()

    def step():
        opt = st["opt"]
        opt.zero_grad()
        loss = crit(st["m"](x), y)
        loss.backward()
        opt.step()
    return Bench(step, refresh, 200)


# ---------------------------------------------------------------------------- W3
def mynet(T):
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))


_CONVS = [(3, 32, 32), (32, 32, 16), (32, 64, 8)]  # (Cin, Cout, H=W) of the seed CNN's three convolutions


def mynet_forward_flops(batch):
    """Multiply-adds x2 of one forward pass of MyNet (convolutions and linears)."""
    f = sum(2 * ci * co * 25 * h * h for ci, co, h in _CONVS) + 2 * (1024 * 64 + 64 * 10)
    return f * batch


def mynet_train_flops(batch):
    """Forward + weight gradients + input gradients (none for the first convolution)."""
    first = 2 * 3 * 32 * 25 * 32 * 32 * batch
    return 3 * mynet_forward_flops(batch) - first


def w3_cnn_train(T):
    """The seed CIFAR-10 CNN (MyNet), CrossEntropyLoss, SGD(lr=0.01), batch 64 of 3x32x32: a full step."""
    need(T, "nn.Conv2d", "nn.MaxPool2d", "nn.Flatten", "nn.Linear", "nn.CrossEntropyLoss", "optim.SGD")
    T.manual_seed(0)
    r = _rng(2)
    x = tensor(T, r.standard_normal((64, 3, 32, 32), dtype=np.float32))
    y = tensor(T, r.integers(0, 10, 64).astype(np.int64))
    m = mynet(T)
    crit = T.nn.CrossEntropyLoss()
    opt = T.optim.SGD(m.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = crit(m(x), y)
        loss.backward()
        opt.step()
    return Bench(step)


def w3_cnn_infer(T):
    """MyNet forward at batch 256 under no_grad."""
    need(T, "nn.Conv2d", "nn.MaxPool2d", "nn.Flatten", "nn.Linear")
    T.manual_seed(0)
    x = tensor(T, _rng(3).standard_normal((256, 3, 32, 32), dtype=np.float32))
    m = mynet(T)
    m.eval()
    no_grad = T.no_grad

    def step():
        with no_grad():
            m(x)
    return Bench(step)


# ---------------------------------------------------------------------------- W4
def w4_cross_entropy(T):
    """CrossEntropyLoss on (4096, 1000) logits, forward + backward."""
    need(T, "nn.functional.cross_entropy")
    r = _rng(4)
    x = tensor(T, r.standard_normal((4096, 1000), dtype=np.float32), True)
    y = tensor(T, r.integers(0, 1000, 4096).astype(np.int64))
    ce = T.nn.functional.cross_entropy

    def step():
        x.grad = None
        ce(x, y).backward()
    return Bench(step)


def w4_mse(T):
    """MSELoss on 4M elements, forward + backward."""
    need(T, "nn.functional.mse_loss")
    r = _rng(5)
    x = tensor(T, r.standard_normal(4 * 1024 * 1024, dtype=np.float32), True)
    y = tensor(T, r.standard_normal(4 * 1024 * 1024, dtype=np.float32))
    mse = T.nn.functional.mse_loss

    def step():
        x.grad = None
        mse(x, y).backward()
    return Bench(step)


def w4_ctc(T):
    """CTCLoss T=50 N=16 C=20 S=30 on log-probabilities, forward + backward."""
    need(T, "nn.functional.ctc_loss")
    Tn, N, C, S = 50, 16, 20, 30
    r = _rng(6)
    lp = r.standard_normal((Tn, N, C)).astype(np.float32)
    lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
    x = tensor(T, lp, True)
    tg = r.integers(1, C, (N, S)).astype(np.int64)
    y = tensor(T, tg)
    il = tensor(T, np.full(N, Tn, np.int64))
    tl = tensor(T, r.integers(10, S + 1, N).astype(np.int64))
    ctc = T.nn.functional.ctc_loss

    def step():
        x.grad = None
        ctc(x, y, il, tl).backward()
    return Bench(step)


# ---------------------------------------------------------------------------- W5
W5_OPS = 200  # 100 iterations of ``a = a*b + c``: a mul and an add each


def _w5_tensors(T, grad):
    a = T.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=grad)
    b = T.tensor([0.5, 0.25, 0.75, 1.0], requires_grad=grad)
    c = T.tensor([0.1, 0.2, 0.3, 0.4], requires_grad=grad)
    return a, b, c


def w5_forward(T):
    """``a = a*b + c`` 100 times on 4-element tensors that require grad (graph recorded)."""
    a0, b, c = _w5_tensors(T, True)

    def step():
        a = a0
        for _ in range(100):
            a = a * b + c
    return Bench(step)


def w5_forward_backward(T):
    """The same chain, then ``a.sum().backward()`` (one extra op, counted in the 200)."""
    a0, b, c = _w5_tensors(T, True)

    def step():
        a0.grad = b.grad = c.grad = None
        a = a0
        for _ in range(100):
            a = a * b + c
        a.sum().backward()
    return Bench(step)


def w5_no_grad(T):
    """The same chain under no_grad."""
    a0, b, c = _w5_tensors(T, True)
    no_grad = T.no_grad

    def step():
        with no_grad():
            a = a0
            for _ in range(100):
                a = a * b + c
    return Bench(step)


# ------------------------------------------------------------ conv / pool layers
def conv_layer(k):
    ci, co, h = _CONVS[k]

    def build(T):
        """Conv2d(ci, co, 5, padding=2) forward + backward at batch 64."""
        need(T, "nn.Conv2d")
        T.manual_seed(0)
        conv = T.nn.Conv2d(ci, co, 5, padding=2)
        r = _rng(10 + k)
        # the first layer's input is data (no gradient), as in training
        x = tensor(T, r.standard_normal((64, ci, h, h), dtype=np.float32), requires_grad=k > 0)
        g = tensor(T, r.standard_normal((64, co, h, h), dtype=np.float32))

        def step():
            conv.weight.grad = conv.bias.grad = x.grad = None
            conv(x).backward(g)
        return Bench(step)
    return build


def pool_layer(k):
    c, h = [(32, 32), (32, 16), (64, 8)][k]

    def build(T):
        """MaxPool2d(2) forward + backward at batch 64."""
        need(T, "nn.MaxPool2d")
        pool = T.nn.MaxPool2d(2)
        r = _rng(20 + k)
        x = tensor(T, r.standard_normal((64, c, h, h), dtype=np.float32), True)
        g = tensor(T, r.standard_normal((64, c, h // 2, h // 2), dtype=np.float32))

        def step():
            x.grad = None
            pool(x).backward(g)
        return Bench(step)
    return build


# ------------------------------------------------------------------- optimizers
OPT_LAYERS, OPT_WIDTH = 50, 128  # 50 Linear layers = 100 parameter tensors (weights and biases)


def _opt_model(T):
    T.manual_seed(0)
    layers = []
    for _ in range(OPT_LAYERS):
        layers += [T.nn.Linear(OPT_WIDTH, OPT_WIDTH), T.nn.ReLU()]
    m = T.nn.Sequential(*layers)
    r = _rng(30)
    for p in m.parameters():
        p.grad = tensor(T, r.standard_normal(tuple(p.shape), dtype=np.float32) * 1e-2)
    return m


def opt_step(name):
    def build(T):
        """optimizer.step() alone over 100 parameter tensors (gradients preset)."""
        need(T, "nn.Linear", "nn.Sequential", "nn.ReLU", "optim." + name)
        st = {}

        def refresh():
            m = _opt_model(T)
            if name == "Adam":
                st["opt"] = T.optim.Adam(m.parameters(), lr=1e-3)
            else:
                st["opt"] = T.optim.SGD(m.parameters(), lr=1e-3, momentum=0.9)
            st["m"] = m

        refresh()

        def step():
            st["opt"].step()
        return Bench(step, refresh, 200)
    return build


# ------------------------------------------------------------------- recurrent layers
def rnn_train(name):
    def build(T):
        """2-layer nn.LSTM / nn.GRU(64, 128), T=50 steps, batch 32: forward, mean-square loss, backward, SGD."""
        need(T, "nn." + name, "optim.SGD")
        T.manual_seed(0)
        m = getattr(T.nn, name)(64, 128, num_layers=2)
        opt = T.optim.SGD(m.parameters(), lr=1e-2)
        x = tensor(T, _rng(40).standard_normal((50, 32, 64), dtype=np.float32))

        def step():
            opt.zero_grad()
            y, _ = m(x)
            y.pow(2).mean().backward()
            opt.step()
        return Bench(step)
    return build


def w7_lstm_lm(T):
    """pytorch/examples word_language_model step: Embedding(10000, 200), 2-layer LSTM(200, 200, dropout 0.2),
    Linear(200, 10000), log_softmax + NLLLoss, bptt 35, batch 20, clip_grad_norm_(0.25), manual SGD (lr 20)."""
    need(T, "nn.LSTM", "nn.Embedding", "nn.utils.clip_grad_norm_")
    T.manual_seed(0)
    ntoken, nhid, bptt, bsz = 10000, 200, 35, 20
    enc, drop = T.nn.Embedding(ntoken, nhid), T.nn.Dropout(0.2)
    rnn = T.nn.LSTM(nhid, nhid, 2, dropout=0.2)
    dec = T.nn.Linear(nhid, ntoken)
    params = list(enc.parameters()) + list(rnn.parameters()) + list(dec.parameters())
    r = _rng(70)
    data = tensor(T, r.integers(0, ntoken, (bptt, bsz)).astype(np.int64))
    targets = tensor(T, r.integers(0, ntoken, bptt * bsz).astype(np.int64))
    st = {"h": None}

    def step():
        h = st["h"]
        if h is not None:
            h = tuple(v.detach() for v in h)      # repackage_hidden
        for p in params:
            p.grad = None
        out, h = rnn(drop(enc(data)), h)
        logits = dec(drop(out)).view(-1, ntoken)
        loss = T.nn.functional.nll_loss(T.nn.functional.log_softmax(logits, dim=1), targets)
        loss.backward()
        T.nn.utils.clip_grad_norm_(params, 0.25)
        with T.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-20.0)
        st["h"] = h
    return Bench(step)


# ------------------------------------------------------------------- data loading
DL_N = 2048


def _images():
    r = _rng(40)
    return r.integers(0, 256, (DL_N, 32, 32, 3), dtype=np.uint8), r.integers(0, 10, DL_N).astype(np.int64)


MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def dataloader_numtorch(T):
    """numtorch's DataLoader over HWC uint8 images with its ToTensor + Normalize, batch 64, shuffled."""
    need(T, "utils.data.DataLoader", "utils.data.Dataset")
    tf = None
    try:
        from numtorch.vision import transforms as tf  # noqa: F811
    except ImportError:
        try:
            from numtorch.vision.torchvision import transforms as tf  # noqa: F811
        except ImportError:
            raise Lacks("vision.transforms")
    need(tf, "Compose", "ToTensor", "Normalize")
    transform = tf.Compose([tf.ToTensor(), tf.Normalize(MEAN, STD)])
    imgs, labels = _images()

    class DS(T.utils.data.Dataset):
        def __len__(self):
            return DL_N

        def __getitem__(self, i):
            return transform(imgs[i]), int(labels[i])

    return _loader_bench(T, DS())


def dataloader_torch(T):
    """torch's DataLoader with a hand-built ToTensor + Normalize (torchvision is not installed)."""
    imgs, labels = _images()
    mean = T.tensor(MEAN).view(3, 1, 1)
    std = T.tensor(STD).view(3, 1, 1)

    def transform(img):
        # torchvision's ToTensor: HWC uint8 -> CHW float32 in [0, 1]; Normalize: (x - mean) / std
        x = T.from_numpy(img).permute(2, 0, 1).contiguous().to(T.float32).div(255)
        return x.sub_(mean).div_(std)

    class DS(T.utils.data.Dataset):
        def __len__(self):
            return DL_N

        def __getitem__(self, i):
            return transform(imgs[i]), int(labels[i])

    return _loader_bench(T, DS())


def _loader_bench(T, ds):
    loader = T.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

    def step():
        for xb, yb in loader:
            pass
    return Bench(step)


# ---------------------------------------------------------------------------- W6
GPT_CFG = dict(vocab=65, block=64, n_layer=4, n_head=4, n_embd=128, batch=12)


def _gpt_model(T, vocab, block, n_layer, n_head, n_embd, **_):
    """nanoGPT's GPT from PyTorch's building blocks: token + position Embedding, pre-norm blocks of LayerNorm,
    causal scaled_dot_product_attention and a Linear-GELU-Linear MLP, final LayerNorm, lm_head tied to wte."""
    nn, F = T.nn, T.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)
            self.ln_2 = nn.LayerNorm(n_embd)
            self.c_fc = nn.Linear(n_embd, 4 * n_embd)
            self.mlp_proj = nn.Linear(4 * n_embd, n_embd)

        def forward(self, x):
            B, L, C = x.size()
            q, k, v = self.c_attn(self.ln_1(x)).split(n_embd, dim=2)
            q = q.view(B, L, n_head, C // n_head).transpose(1, 2)
            k = k.view(B, L, n_head, C // n_head).transpose(1, 2)
            v = v.view(B, L, n_head, C // n_head).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(B, L, C)
            x = x + self.c_proj(y)
            return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(vocab, n_embd)
            self.wpe = nn.Embedding(block, n_embd)
            self.h = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab, bias=False)
            self.wte.weight = self.lm_head.weight   # weight tying, as nanoGPT

        def forward(self, idx, targets=None):
            L = idx.size(1)
            x = self.wte(idx) + self.wpe(T.arange(0, L, dtype=T.long))
            for blk in self.h:
                x = blk(x)
            x = self.ln_f(x)
            if targets is None:
                return self.lm_head(x[:, [-1], :])
            logits = self.lm_head(x)
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    return GPT()


def _gpt_optimizer(T, model):
    """nanoGPT's configure_optimizers: weight decay 0.1 on matrices, none on biases and norms."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    return T.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                         lr=1e-3, betas=(0.9, 0.99))


def w6_gpt_train(T):
    """nanoGPT (4 layers, 4 heads, 128 wide, block 64, vocab 65), batch 12: forward, backward, clip_grad_norm_(1.0),
    AdamW step."""
    need(T, "nn.functional.scaled_dot_product_attention", "nn.LayerNorm", "nn.Embedding", "optim.AdamW",
         "nn.utils.clip_grad_norm_")
    c = GPT_CFG
    r = _rng(6)
    data = r.integers(0, c["vocab"], (c["batch"], c["block"] + 1)).astype(np.int64)
    x, y = tensor(T, data[:, :-1]), tensor(T, data[:, 1:])
    st = {}

    def refresh():
        T.manual_seed(0)
        m = _gpt_model(T, **c)
        st["m"], st["opt"] = m, _gpt_optimizer(T, m)

    refresh()

    def step():
        m, opt = st["m"], st["opt"]
        loss = m(x, y)
        loss.backward()
        T.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    return Bench(step, refresh, 200)


GEN_TOKENS = 100


def w6_gpt_generate(T):
    """The same GPT generating 100 tokens under no_grad from one token (nanoGPT's generate: crop to block,
    last position's logits, top-k 200, softmax, multinomial)."""
    need(T, "nn.functional.scaled_dot_product_attention", "topk", "multinomial")
    c = GPT_CFG
    T.manual_seed(0)
    m = _gpt_model(T, **c)
    m.eval()
    F = T.nn.functional

    def step():
        with T.no_grad():
            idx = T.zeros((1, 1), dtype=T.long)
            for _ in range(GEN_TOKENS):
                idx_cond = idx if idx.size(1) <= c["block"] else idx[:, -c["block"]:]
                logits = m(idx_cond)[:, -1, :]
                v, _ = T.topk(logits, min(200, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
                probs = F.softmax(logits, dim=-1)
                idx = T.cat((idx, T.multinomial(probs, num_samples=1)), dim=1)
    return Bench(step)


# ---------------------------------------------------------------------------- W7 (transformer)
def w7_transformer_classifier(T):
    """2-layer TransformerEncoder classifier (vocab 10,000, d_model 128, 4 heads, ff 512, dropout 0.1,
    batch_first), batch 32 of length 64 with padding masks (lengths 16..64), mean over the valid tokens,
    Linear to 4 classes, CrossEntropyLoss, Adam: a full step."""
    need(T, "nn.TransformerEncoder", "nn.TransformerEncoderLayer", "nn.Embedding", "optim.Adam")
    nn = T.nn
    V, D, N, L = 10000, 128, 32, 64
    r = _rng(7)
    lengths = r.integers(16, L + 1, N)
    pad = np.arange(L)[None, :] >= lengths[:, None]
    tokens = np.where(pad, 0, r.integers(1, V, (N, L))).astype(np.int64)
    x, y = tensor(T, tokens), tensor(T, r.integers(0, 4, N).astype(np.int64))
    kpm = tensor(T, pad)
    valid = tensor(T, (~pad).astype(np.float32)[:, :, None])
    count = tensor(T, lengths.astype(np.float32)[:, None])
    crit = nn.CrossEntropyLoss()

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(V, D, padding_idx=0)
            layer = nn.TransformerEncoderLayer(D, 4, 512, 0.1, batch_first=True)
            self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.head = nn.Linear(D, 4)

        def forward(self, tok, mask):
            h = self.enc(self.emb(tok), src_key_padding_mask=mask)
            return self.head((h * valid).sum(1) / count)

    st = {}

    def refresh():
        T.manual_seed(0)
        m = Classifier()
        st["m"], st["opt"] = m, T.optim.Adam(m.parameters(), lr=1e-3)

    refresh()

    def step():
        opt = st["opt"]
        opt.zero_grad()
        loss = crit(st["m"](x, kpm), y)
        loss.backward()
        opt.step()
    return Bench(step, refresh, 200)


# ---------------------------------------------------------------------------- W8 (torchvision models)
def _vision_models(T):
    """``numtorch.vision.models`` for numtorch, real ``torchvision.models`` for torch (its Python parts: the
    compiled operators' fake-kernel registrations are stubbed as in tests/conftest.py)."""
    if T.__name__ == "numtorch":
        try:
            import numtorch.vision.models as models
        except ImportError:
            raise Lacks("vision.models") from None
        return models
    import sys
    import types
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    try:
        import torchvision.models as models
    except ImportError:
        raise Lacks("torchvision (pip install torchvision==0.28.0)") from None
    return models


def _resnet18(T):
    models = _vision_models(T)
    T.manual_seed(0)
    return models.resnet18()


def _w8_size(batch):
    """(batch, side): the benchmark's, or a smoke size under ``run.py --quick``."""
    import os
    return (2, 64) if os.environ.get("NUMTORCH_BENCH_SMOKE") else (batch, 224)


def w8_resnet18_infer(T):
    """torchvision's resnet18, eval mode, forward of a 32x3x224x224 batch under no_grad."""
    m = _resnet18(T).eval()
    b, s = _w8_size(32)
    x = tensor(T, _rng(8).standard_normal((b, 3, s, s)).astype(np.float32))

    def step():
        with T.no_grad():
            m(x)
    return Bench(step)


def w8_resnet18_train(T):
    """torchvision's resnet18, train mode, CrossEntropyLoss, SGD(momentum 0.9): a full step at batch 16."""
    need(T, "optim.SGD")
    m = _resnet18(T).train()
    r = _rng(9)
    b, s = _w8_size(16)
    x = tensor(T, r.standard_normal((b, 3, s, s)).astype(np.float32))
    y = tensor(T, r.integers(0, 1000, b).astype(np.int64))
    crit = T.nn.CrossEntropyLoss()
    opt = T.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        crit(m(x), y).backward()
        opt.step()
    return Bench(step)
