"""The training-loop boilerplate of minGPT-style scripts (not their code): an endless sampler feeding a
DataLoader re-iterated on StopIteration, AdamW with decay/no-decay parameter groups built from named_modules,
clip_grad_norm_, zero_grad(set_to_none=True), top-k sampling with logits[logits < v[:, [-1]]] = -inf."""
import numpy as np

import numtorch as nt
from conftest import torch, to_nt, assert_close


def _model(lib):
    class Tiny(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = lib.nn.Embedding(11, 8)
            self.ln = lib.nn.LayerNorm(8)
            self.head = lib.nn.Linear(8, 11, bias=False)

        def forward(self, idx, targets=None):
            logits = self.head(self.ln(self.wte(idx)))
            loss = None
            if targets is not None:
                loss = lib.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                                       ignore_index=-1)
            return logits, loss

        def configure_optimizers(self):
            decay, no_decay = set(), set()
            for mn, m in self.named_modules():
                for pn, p in m.named_parameters():
                    fpn = "%s.%s" % (mn, pn) if mn else pn
                    if pn.endswith("bias"):
                        no_decay.add(fpn)
                    elif pn.endswith("weight") and isinstance(m, lib.nn.Linear):
                        decay.add(fpn)
                    elif pn.endswith("weight") and isinstance(m, (lib.nn.LayerNorm, lib.nn.Embedding)):
                        no_decay.add(fpn)
            params = {pn: p for pn, p in self.named_parameters()}
            groups = [{"params": [params[pn] for pn in sorted(decay)], "weight_decay": 0.1},
                      {"params": [params[pn] for pn in sorted(no_decay)], "weight_decay": 0.0}]
            return lib.optim.AdamW(groups, lr=1e-2, betas=(0.9, 0.95))
    return Tiny()


def test_training_loop_matches_torch():
    torch.manual_seed(0)
    tm, nm = _model(torch), _model(nt)
    nm.load_state_dict({k: to_nt(v) for k, v in tm.state_dict().items()})
    topt, nopt = tm.configure_optimizers(), nm.configure_optimizers()
    rng = np.random.default_rng(0)
    xs = rng.integers(0, 11, (6, 4, 5))
    ys = np.where(rng.random((6, 4, 5)) < 0.2, -1, rng.integers(0, 11, (6, 4, 5)))
    for x, y in zip(xs, ys):
        losses = []
        for lib, m, opt in ((torch, tm, topt), (nt, nm, nopt)):
            _, loss = m(lib.tensor(x), lib.tensor(y))
            m.zero_grad(set_to_none=True)
            loss.backward()
            lib.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
            opt.step()
            losses.append(loss)
        assert_close(losses[1], losses[0], rtol=1e-5)
    for (k, tp), np_ in zip(tm.named_parameters(), nm.parameters()):
        assert_close(np_, tp, rtol=1e-4, atol=1e-6)


def test_endless_loader_and_topk_sampling():
    ds = nt.utils.data.TensorDataset(nt.arange(40).view(20, 2), nt.arange(20))
    loader = nt.utils.data.DataLoader(ds, sampler=nt.utils.data.RandomSampler(ds, replacement=True,
                                                                              num_samples=int(1e10)),
                                      shuffle=False, pin_memory=False, batch_size=4, num_workers=0)
    it = iter(loader)
    for _ in range(7):
        try:
            batch = next(it)
        except StopIteration:
            it = iter(loader)
            batch = next(it)
        assert [tuple(b.shape) for b in batch] == [(4, 2), (4,)]
    logits = np.random.default_rng(1).standard_normal((3, 11)).astype(np.float32)
    outs = []
    for lib in (torch, nt):
        lg = lib.tensor(logits)
        v, _ = lib.topk(lg, 3)
        lg[lg < v[:, [-1]]] = -float("Inf")
        probs = lib.nn.functional.softmax(lg, dim=-1)
        idx = lib.multinomial(probs, num_samples=1)
        _, greedy = lib.topk(probs, k=1, dim=-1)
        outs.append((probs, idx, greedy))
    assert_close(outs[1][0], outs[0][0])
    assert_close(outs[1][2], outs[0][2])
    # sampled indices fall in each row's top 3
    top3 = np.argsort(-logits, axis=1)[:, :3]
    assert all(i in row for i, row in zip(outs[1][1].flatten().tolist(), top3))
