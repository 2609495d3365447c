"""A torchrun-style training script using DDP exactly as nanoGPT's train.py does (init_process_group with
a backend, RANK / LOCAL_RANK / WORLD_SIZE from the environment, DDP(model) (device_ids only for GPU modules, as in PyTorch),
gradient accumulation with ``model.require_backward_grad_sync`` toggled, ``model.module`` as the raw
model, master-process logging, destroy_process_group). Runs under real torch (python / torchrun) and under
numtorch (numtorch run [--nproc-per-node N]).

Weights come from NumPy and every micro-batch is chosen by its global index, so one process with
G accumulation steps and N ranks with G/N each see the same data: their losses agree.
Prints ``LOSS <iter> <loss>`` lines on the master process.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.distributed import destroy_process_group, init_process_group
from torch.nn import functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

backend = sys.argv[1] if len(sys.argv) > 1 else "gloo"
gradient_accumulation_steps = 4
batch_size, block_size, vocab, n_embd = 4, 8, 17, 16
max_iters = 8

ddp = int(os.environ.get('RANK', -1)) != -1  # is this a ddp run?
if ddp:
    init_process_group(backend=backend)
    ddp_rank = int(os.environ['RANK'])
    ddp_local_rank = int(os.environ['LOCAL_RANK'])
    ddp_world_size = int(os.environ['WORLD_SIZE'])
    device = 'cpu'
    master_process = ddp_rank == 0
    assert gradient_accumulation_steps % ddp_world_size == 0
    gradient_accumulation_steps //= ddp_world_size
else:
    master_process = True
    ddp_rank, ddp_world_size, ddp_local_rank = 0, 1, 0
    device = 'cpu'

# a learnable stream: mostly +5 (mod vocab) with some noise
data = (np.arange(4000) * 5 + np.random.default_rng(0).integers(0, 2, 4000)) % vocab


def get_batch(index):
    rng = np.random.default_rng(1000 + index)
    ix = rng.integers(0, len(data) - block_size - 1, batch_size)
    x = torch.from_numpy(np.stack([data[i:i + block_size] for i in ix]).astype(np.int64))
    y = torch.from_numpy(np.stack([data[i + 1:i + 1 + block_size] for i in ix]).astype(np.int64))
    return x.to(device), y.to(device)


class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.ln = nn.LayerNorm(n_embd)
        self.fc = nn.Linear(n_embd, 4 * n_embd)
        self.proj = nn.Linear(4 * n_embd, n_embd)
        self.lm_head = nn.Linear(n_embd, vocab, bias=False)

    def forward(self, idx, targets):
        pos = torch.arange(0, idx.size(1), dtype=torch.long, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        x = x + self.proj(F.gelu(self.fc(self.ln(x))))
        logits = self.lm_head(x)
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    def configure_optimizers(self, weight_decay, learning_rate, betas):
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [{'params': [p for p in params if p.dim() >= 2], 'weight_decay': weight_decay},
                  {'params': [p for p in params if p.dim() < 2], 'weight_decay': 0.0}]
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas)


model = TinyLM()
init = np.random.default_rng(42)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy((0.2 * init.standard_normal(tuple(p.shape))).astype(np.float32)))
model.to(device)
optimizer = model.configure_optimizers(0.1, 1e-2, (0.9, 0.95))
if ddp:
    # nanoGPT passes device_ids because it runs on CUDA; numtorch accepts them on its one device, real
    # torch on CPU refuses them (its oracle run here is torchrun with gloo on CPU)
    model = DDP(model)   # (a CPU module: PyTorch refuses device_ids, as numtorch does)
raw_model = model.module if ddp else model

for it in range(max_iters):
    total = 0.0
    for micro_step in range(gradient_accumulation_steps):
        if ddp:
            # in DDP training we only need to sync gradients at the last micro step.
            model.require_backward_grad_sync = (micro_step == gradient_accumulation_steps - 1)
        global_micro = (it * gradient_accumulation_steps + micro_step) * ddp_world_size + ddp_rank
        X, Y = get_batch(global_micro)
        logits, loss = model(X, Y)
        loss = loss / gradient_accumulation_steps
        loss.backward()
        total += loss.item()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    if ddp:
        t = torch.tensor([total])
        torch.distributed.all_reduce(t)
        total = t.item() / ddp_world_size
    if master_process:
        print(f"LOSS {it} {total:.7f}", flush=True)

if ddp:
    destroy_process_group()
