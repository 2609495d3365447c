# Tensors, broadcasting and reverse-mode autograd: backward(), retain_grad() on an
# intermediate, the chain rule checked by hand, torch.autograd.grad with create_graph.
import torch

a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
b = torch.tensor([10.0, 20.0, 30.0])
print(a + b)
print(a * b - 1)
print(a @ b)
print(a.sum(dim=0), a.mean(dim=1), a.max())
print(a.t().shape, a.view(3, 2), a.reshape(-1)[2:])

x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
h = x * x + 3 * x       # h = x^2 + 3x
h.retain_grad()         # keep the gradient of a non-leaf tensor
y = torch.sin(h).sum()  # y = sum(sin(h))
y.backward()
print(y)
print(h.grad)           # dy/dh = cos(h)
print(x.grad)           # dy/dx = cos(h) * (2x + 3)
print(torch.cos(h.detach()) * (2 * x.detach() + 3))

w = torch.tensor(2.0, requires_grad=True)
z = w ** 3
(g,) = torch.autograd.grad(z, w, create_graph=True)   # dz/dw = 3w^2
(g2,) = torch.autograd.grad(g, w)                      # d2z/dw2 = 6w
print(g, g2)

with torch.no_grad():
    print((x * 2).requires_grad)
print(x.detach().requires_grad, x.grad_fn, h.grad_fn is not None)
