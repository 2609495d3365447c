# A CIFAR-10-style convolutional network (Conv2d, MaxPool2d, Flatten, Linear inside
# nn.Sequential) on a fixed batch of 32x32 RGB images: output shapes, the loss and a few
# gradients; then BatchNorm2d and Dropout in train and eval modes.
import torch
from torch import nn
from torch.nn import Sequential, Conv2d, MaxPool2d, Flatten, Linear


class MyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.model1 = Sequential(
            Conv2d(3, 32, 5, padding=2), MaxPool2d(2),
            Conv2d(32, 32, 5, padding=2), MaxPool2d(2),
            Conv2d(32, 64, 5, padding=2), MaxPool2d(2),
            Flatten(), Linear(1024, 64), Linear(64, 10))

    def forward(self, x):
        return self.model1(x)


net = MyNet()
with torch.no_grad():   # fixed weights instead of random ones, so that the numbers can be compared
    for k, p in enumerate(net.parameters()):
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.1 + k).reshape(p.shape) / p[0].numel() ** 0.5)
imgs = (torch.arange(4 * 3 * 32 * 32, dtype=torch.float32).reshape(4, 3, 32, 32) % 17) / 16
targets = torch.tensor([3, 0, 9, 1])
out = net(imgs)
print(out.shape, [tuple(m(imgs).shape) for m in [net.model1[:2], net.model1[:4], net.model1[:7]]])
print(out)
loss = nn.CrossEntropyLoss()(out, targets)
loss.backward()
print(loss)
print(net.model1[0].weight.grad.shape, net.model1[0].weight.grad[0, 0, 0], net.model1[8].bias.grad)
print(sum(p.numel() for p in net.parameters()))

bn = nn.BatchNorm2d(3)
y = bn(imgs)
print(y.mean(dim=(0, 2, 3)).abs().max() < 1e-6, y.var(dim=(0, 2, 3)), bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(imgs)[0, :, 0, :3])
drop = nn.Dropout(0.5)
drop.eval()
print(torch.equal(drop(imgs), imgs), drop.training)
