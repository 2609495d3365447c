# Activation functions and their derivatives from autograd: sigmoid' = s(1 - s),
# tanh' = 1 - t^2, relu and leaky_relu at and around the kink, softmax over classes.
import torch
import torch.nn.functional as F

x = torch.linspace(-3, 3, 7, requires_grad=True)
for name, fn in [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu),
                 ("leaky_relu", lambda t: F.leaky_relu(t, 0.1)), ("gelu", F.gelu), ("elu", F.elu),
                 ("softplus", F.softplus)]:
    x.grad = None
    y = fn(x)
    y.sum().backward()
    print(name, y.detach())
    print(name + "'", x.grad)

s = torch.sigmoid(x.detach())
print("s(1-s)", s * (1 - s))
t = torch.tanh(x.detach())
print("1-t^2", 1 - t * t)

scores = torch.tensor([[0.2, 0.02, 0.15, 0.15], [1.3, 0.5, 0.06, 1.1]], requires_grad=True)
p = torch.softmax(scores, dim=1)
print(p)
print(p.sum(dim=1))
(p[:, 0] * torch.tensor([1.0, 2.0])).sum().backward()
print(scores.grad)
print(torch.nn.Softmax(dim=0)(torch.tensor([1.0, 2.0, 3.0])))
print(torch.log_softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0))
