# Generates optim_golden.json: parameters after 5 steps of PyTorch's
# optimizers on a fixed quadratic, for nn's optimizer tests.
# Run: /usr/bin/python3 optim_golden.py > optim_golden.json
import json
import torch

c = torch.tensor([1.0, 2.0, 0.5])
d = torch.tensor([0.1, -0.3, 0.2])
cases = {
    "sgd": lambda p: torch.optim.SGD([p], lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda p: torch.optim.Adam([p], lr=0.05),
    "adam_l2": lambda p: torch.optim.Adam([p], lr=0.05, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.05, weight_decay=0.1),
}
out = {}
for name, make in cases.items():
    p = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    opt = make(p)
    for _ in range(5):
        opt.zero_grad()
        loss = (c * p * p).sum() + (d * p).sum()
        loss.backward()
        opt.step()
    out[name] = [float(v) for v in p.detach()]
print(json.dumps(out, indent=1))
