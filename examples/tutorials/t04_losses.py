# The loss functions of torch.nn on fixed tensors: regression losses, classification losses
# (class indices and probabilities, weights, label smoothing, log_softmax + NLLLoss, BCE),
# margin and embedding losses; reduction='none' and the gradients they send back.
import torch
from torch import nn
import torch.nn.functional as F

pred = torch.tensor([[1.0, 2.5, -0.5], [0.0, 3.0, 1.5]], requires_grad=True)
truth = torch.tensor([[1.5, 2.0, 0.0], [0.2, 1.0, 1.0]])
for loss in [nn.L1Loss(), nn.MSELoss(), nn.SmoothL1Loss(), nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=0.7),
             nn.L1Loss(reduction="sum"), nn.SmoothL1Loss(reduction="none")]:
    pred.grad = None
    value = loss(pred, truth)
    value.sum().backward()
    print(loss, value)
    print(pred.grad)

logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0], [-2.0, 0.0, 2.0]], requires_grad=True)
labels = torch.tensor([0, 2, 1, 0])
probs = torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.1, 0.9], [0.3, 0.4, 0.3], [0.5, 0.0, 0.5]])
for name, value in [
    ("ce", nn.CrossEntropyLoss()(logits, labels)),
    ("ce weight", nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]))(logits, labels)),
    ("ce smoothing", nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels)),
    ("ce probs", nn.CrossEntropyLoss()(logits, probs)),
    ("ce none", F.cross_entropy(logits, labels, reduction="none")),
    ("nll", nn.NLLLoss()(F.log_softmax(logits, dim=1), labels)),
    ("ce ignore", nn.CrossEntropyLoss(ignore_index=1)(logits, labels)),
]:
    logits.grad = None
    value.sum().backward()
    print(name, value)
    print(logits.grad)

scores = torch.tensor([0.8, -1.2, 0.3, 2.0], requires_grad=True)
y = torch.tensor([1.0, 0.0, 1.0, 0.0])
bce = nn.BCELoss()(torch.sigmoid(scores), y)
bce_logits = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(scores, y)
(bce + bce_logits).backward()
print(bce, bce_logits, scores.grad)

x1 = torch.tensor([[0.1, 0.2, 0.4, 0.8], [0.4, 0.3, 0.2, 0.1]])
print(nn.MultiLabelMarginLoss()(x1, torch.tensor([[3, 0, -1, 1], [1, 2, -1, 0]])))
print(nn.SoftMarginLoss()(x1, torch.tensor([[1.0, -1.0, 1.0, -1.0], [-1.0, 1.0, 1.0, -1.0]])))
print(nn.MultiMarginLoss()(x1, torch.tensor([3, 0])), nn.MultiMarginLoss(p=2, margin=0.5)(x1, torch.tensor([3, 0])))
print(nn.HingeEmbeddingLoss(margin=0.5)(x1, torch.tensor([[1.0, -1.0, 1.0, -1.0], [-1.0, -1.0, 1.0, 1.0]])))
print(nn.KLDivLoss(reduction="batchmean")(F.log_softmax(x1, dim=1), F.softmax(x1.flip(1), dim=1)))
print(nn.CosineEmbeddingLoss(margin=0.1)(x1, x1.flip(0), torch.tensor([1.0, -1.0])))
print(nn.MarginRankingLoss(margin=0.2)(x1[0], x1[1], torch.tensor([1.0, -1.0, 1.0, -1.0])))
print(nn.TripletMarginLoss(margin=1.0)(x1, x1.flip(1), x1 * 2))
print(nn.PoissonNLLLoss()(x1, x1.flip(1)), nn.GaussianNLLLoss()(x1, x1.flip(1), torch.full((2, 4), 0.5)))
