# The tutorial notes' 2-2-2 network (two Linear(2, 2) layers with sigmoid, MSELoss), section 2.3.
# Run it with explanations:  numtorch explain docs/net_2_2_2.py
import torch

i = torch.tensor([[0.05, 0.1]])
model1 = torch.nn.Linear(2, 2)
model1.weight.data = torch.tensor([[0.15, 0.20],
                                   [0.25, 0.30]])
model1.bias.data = torch.tensor([0.35, 0.35])
l1_l2 = model1(i)
h1_h2 = torch.sigmoid(l1_l2)
model2 = torch.nn.Linear(2, 2)
model2.weight.data = torch.tensor([[0.40, 0.45],
                                   [0.50, 0.55]])
model2.bias.data = torch.tensor([0.60, 0.60])
l3_l4 = model2(h1_h2)
o1_o2 = torch.sigmoid(l3_l4)

o1_o2_true = torch.tensor([[0.01, 0.99]])
loss = torch.nn.MSELoss()(o1_o2, o1_o2_true)
loss.backward()
print(model1.weight.grad)
print(model2.weight.grad)
