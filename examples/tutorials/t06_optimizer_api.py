# The optimizer API: step, zero_grad, param_groups, add_param_group, momentum state,
# state_dict saved with torch.save and loaded with torch.load, and a learning-rate schedule.
import torch
from torch import nn

w = nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
b = nn.Parameter(torch.tensor([0.5]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
opt.add_param_group({"params": [b], "lr": 0.01})
print(len(opt.param_groups), [g["lr"] for g in opt.param_groups], opt.param_groups[1]["momentum"])
for step in range(3):
    opt.zero_grad()
    loss = ((w * torch.tensor([1.0, 2.0, 3.0])).sum() + b).pow(2).sum()
    loss.backward()
    opt.step()
    print(step, loss.item(), w.data, b.data)
print(opt.state[w]["momentum_buffer"])
sd = opt.state_dict()
print(sorted(sd), sd["param_groups"][0]["params"], sd["param_groups"][1]["params"])
torch.save(sd, "opt.pt")
opt2 = torch.optim.SGD([w], lr=0.5, momentum=0.9)
opt2.add_param_group({"params": [b]})
opt2.load_state_dict(torch.load("opt.pt"))
print([g["lr"] for g in opt2.param_groups], opt2.state[w]["momentum_buffer"])

adam = torch.optim.Adam([w, b], lr=0.05, betas=(0.9, 0.99), weight_decay=0.01)
sched = torch.optim.lr_scheduler.StepLR(adam, step_size=2, gamma=0.5)
for step in range(5):
    adam.zero_grad()
    loss = (w ** 2).sum() + (b - 1) ** 2
    loss.sum().backward()
    adam.step()
    sched.step()
    print(step, round(loss.item(), 5), sched.get_last_lr(), w.data)
print(adam.state[w]["step"], adam.state[w]["exp_avg"])
for name in ["Adagrad", "RMSprop", "AdamW", "Adadelta"]:
    p = nn.Parameter(torch.tensor([1.0, -1.0]))
    o = getattr(torch.optim, name)([p], lr=0.02)
    for _ in range(3):
        o.zero_grad()
        (p ** 2 * torch.tensor([1.0, 3.0])).sum().backward()
        o.step()
    print(name, p.data)
