# A 2-2-2 network with sigmoid units: the forward pass written out with torch.e, the
# gradients by the chain rule, the same network from nn.Linear layers with MSELoss and
# backward(), then as an nn.Module and as nn.Sequential taking one SGD step.
import torch
from torch import nn

i = torch.tensor([[0.05, 0.10]])
target = torch.tensor([[0.01, 0.99]])
W1 = torch.tensor([[0.15, 0.20], [0.25, 0.30]])
b1 = torch.tensor([0.35, 0.35])
W2 = torch.tensor([[0.40, 0.45], [0.50, 0.55]])
b2 = torch.tensor([0.60, 0.60])

# forward by hand
net_h = i @ W1.T + b1
out_h = 1 / (1 + torch.e ** (-net_h))
net_o = out_h @ W2.T + b2
out_o = 1 / (1 + torch.e ** (-net_o))
loss = ((out_o - target) ** 2).sum() / 2
print(net_h, out_h)
print(net_o, out_o)
print(loss)

# backward by hand: dL/dW2 = delta_o^T out_h with delta_o = (out - target) * out * (1 - out)
delta_o = (out_o - target) * out_o * (1 - out_o)
dW2 = delta_o.T @ out_h
delta_h = (delta_o @ W2) * out_h * (1 - out_h)
dW1 = delta_h.T @ i
print(dW2)
print(dW1)

# the same with autograd
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 2)
        self.out = nn.Linear(2, 2)
        with torch.no_grad():
            self.hidden.weight.copy_(W1)
            self.hidden.bias.copy_(b1)
            self.out.weight.copy_(W2)
            self.out.bias.copy_(b2)

    def forward(self, x):
        return torch.sigmoid(self.out(torch.sigmoid(self.hidden(x))))


net = Net()
loss = nn.MSELoss(reduction="sum")(net(i), target) / 2
loss.backward()
print(loss)
print(net.out.weight.grad)
print(net.hidden.weight.grad)
print(net.hidden.bias.grad, net.out.bias.grad)

opt = torch.optim.SGD(net.parameters(), lr=0.5)
opt.step()
print(net.out.weight)
print(nn.MSELoss(reduction="sum")(net(i), target).item() / 2 < loss.item())

seq = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 2), nn.Sigmoid())
seq.load_state_dict({"0.weight": W1, "0.bias": b1, "2.weight": W2, "2.bias": b2})
print(seq)
print(seq(i))
print([k for k in seq.state_dict()])
