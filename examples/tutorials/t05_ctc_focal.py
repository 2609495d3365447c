# CTCLoss with padded targets and with concatenated targets (the same two sequences), and a
# focal loss written as a module on top of F.cross_entropy(reduction='none').
import torch
from torch import nn
import torch.nn.functional as F

T, N, C = 6, 2, 4   # input length, batch, classes (0 = blank)
raw = torch.sin(torch.arange(T * N * C, dtype=torch.float32) * 0.7).reshape(T, N, C)
raw.requires_grad_()
log_probs = raw.log_softmax(2)
input_lengths = torch.tensor([6, 5])
padded = torch.tensor([[1, 2, 2], [3, 1, 0]])
target_lengths = torch.tensor([3, 2])
ctc = nn.CTCLoss()
loss_padded = ctc(log_probs, padded, input_lengths, target_lengths)
concatenated = torch.tensor([1, 2, 2, 3, 1])
loss_concat = ctc(log_probs, concatenated, input_lengths, target_lengths)
print(loss_padded, loss_concat)
loss_padded.backward()
print(raw.grad[:, 0])
print(nn.CTCLoss(reduction="none")(log_probs, padded, input_lengths, target_lengths))
print(nn.CTCLoss(reduction="sum", blank=0)(log_probs, padded, input_lengths, target_lengths))


class FocalLoss(nn.Module):
    """-(1 - p_t)^gamma * log p_t, averaged: easy examples count less."""

    def __init__(self, gamma=2.0, alpha=None):
        super().__init__()
        self.gamma, self.alpha = gamma, alpha

    def forward(self, logits, target):
        ce = F.cross_entropy(logits, target, reduction="none", weight=self.alpha)
        pt = torch.exp(-F.cross_entropy(logits, target, reduction="none"))
        return ((1 - pt) ** self.gamma * ce).mean()


logits = torch.tensor([[3.0, 0.1, -1.0], [0.2, 0.3, 0.1], [-0.5, 2.5, 0.0]], requires_grad=True)
target = torch.tensor([0, 2, 1])
for gamma in (0.0, 1.0, 2.0):
    logits.grad = None
    fl = FocalLoss(gamma)(logits, target)
    fl.backward()
    print(gamma, fl, logits.grad)
print(FocalLoss(2.0, alpha=torch.tensor([0.25, 0.5, 0.25]))(logits, target))
print(F.cross_entropy(logits, target))
