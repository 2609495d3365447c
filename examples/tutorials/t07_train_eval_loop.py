# The training and evaluation loop: a TensorDataset and DataLoader, model.train(),
# zero_grad / forward / loss / backward / step per batch, then model.eval() and accuracy
# under torch.no_grad(). Data and initial weights are fixed, so every run prints the same.
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

n = 96
t = torch.arange(n, dtype=torch.float32)
features = torch.stack([torch.sin(t * 0.37), torch.cos(t * 0.91), torch.sin(t * 0.13 + 1.0)], dim=1)
labels = ((features[:, 0] + features[:, 1] * features[:, 2]) > 0).long()
train = TensorDataset(features[:64], labels[:64])
test = TensorDataset(features[64:], labels[64:])
loader = DataLoader(train, batch_size=16, shuffle=False)
print(len(train), len(test), len(loader))

model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
with torch.no_grad():
    for k, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) + k).reshape(p.shape) * 0.5)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.5)


def evaluate(ds):
    model.eval()
    with torch.no_grad():
        x, y = ds.tensors
        out = model(x)
        return loss_fn(out, y).item(), (out.argmax(dim=1) == y).float().mean().item()


for epoch in range(6):
    model.train()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
    test_loss, test_acc = evaluate(test)
    print(f"epoch {epoch}: train loss {total / len(train):.4f}  test loss {test_loss:.4f}  test acc {test_acc:.4f}")
print(model[0].weight.grad.shape, math.isfinite(total))
print(model(features[:3]).detach())
