"""Golden optimizer trajectories from PyTorch (Debian python3-torch), float32.

Run from packages/optimizers:  /usr/bin/python3 scripts/golden.py
Writes test/golden/rosenbrock.json and test/golden/mlp.json. Every case runs 50 steps of
one optimizer (with options, clipping, groups or a schedule) on a fixed problem and records
the parameters after steps 0..50 (Rosenbrock: every step; MLP: steps 0-3 and every 10th).
Tests replay the same problems with Backprop and compare to 1e-5 relative.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float32)
STEPS = 50
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'golden')


def rosenbrock_problem():
    params = {'x': torch.tensor(-1.5), 'y': torch.tensor(2.0)}

    def loss(p):
        return (1 - p['x']) ** 2 + 100 * (p['y'] - p['x'] ** 2) ** 2

    return params, loss, {}


def mlp_problem():
    # A fixed 4-5-3 tanh MLP with fixed data: values from sin/cos so the script is self-contained.
    def fixed(shape, a, b):
        n = math.prod(shape)
        return torch.tensor([round(0.5 * math.sin(a * i + b), 4) for i in range(n)]).reshape(shape)

    params = {'w1': fixed([4, 5], 0.7, 0.1), 'b1': fixed([5], 1.3, 0.2) * 0.2,
              'w2': fixed([5, 3], 0.9, 0.3), 'b2': fixed([3], 1.7, 0.4) * 0.2}
    x = fixed([8, 4], 0.37, 0.5) * 2
    y = fixed([8, 3], 0.53, 0.9)

    def loss(p):
        h = torch.tanh(x @ p['w1'] + p['b1'])
        out = h @ p['w2'] + p['b2']
        return ((out - y) ** 2).mean()

    return params, loss, {'x': x.flatten().tolist(), 'xShape': list(x.shape), 'y': y.flatten().tolist(), 'yShape': list(y.shape)}


OPTIMIZERS = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW, 'Adagrad': torch.optim.Adagrad,
    'RMSprop': torch.optim.RMSprop, 'Adamax': torch.optim.Adamax, 'NAdam': torch.optim.NAdam, 'Adadelta': torch.optim.Adadelta,
}


def cases(problem):
    r = problem == 'rosenbrock'
    sgd = 2e-4 if r else 0.1
    c = [
        ('SGD', {'lr': sgd}), ('SGD', {'lr': sgd, 'weight_decay': 0.1}), ('SGD', {'lr': sgd, 'momentum': 0.9}),
        ('SGD', {'lr': sgd, 'momentum': 0.9, 'dampening': 0.5}), ('SGD', {'lr': sgd, 'momentum': 0.9, 'nesterov': True}),
        ('SGD', {'lr': sgd, 'momentum': 0.8, 'nesterov': True, 'weight_decay': 0.01}),
        ('Adam', {'lr': 1e-2}), ('Adam', {'lr': 1e-2, 'amsgrad': True}), ('Adam', {'lr': 1e-2, 'weight_decay': 0.1, 'betas': [0.8, 0.99], 'eps': 1e-6}),
        ('AdamW', {'lr': 1e-2}), ('AdamW', {'lr': 1e-2, 'weight_decay': 0.1, 'amsgrad': True}),
        ('Adagrad', {'lr': 0.1}), ('Adagrad', {'lr': 0.1, 'lr_decay': 0.01, 'initial_accumulator_value': 0.1, 'weight_decay': 0.01}),
        ('RMSprop', {'lr': 1e-2}), ('RMSprop', {'lr': 1e-2, 'centered': True}), ('RMSprop', {'lr': 1e-3, 'momentum': 0.9}),
        ('RMSprop', {'lr': 1e-3, 'alpha': 0.9, 'centered': True, 'momentum': 0.5, 'weight_decay': 0.01}),
        ('Adamax', {'lr': 2e-2}), ('Adamax', {'lr': 2e-2, 'weight_decay': 0.1, 'betas': [0.8, 0.99]}),
        ('NAdam', {'lr': 1e-2}), ('NAdam', {'lr': 1e-2, 'weight_decay': 0.1, 'momentum_decay': 8e-3}),
        ('Adadelta', {'lr': 1.0}), ('Adadelta', {'lr': 1.0, 'rho': 0.8, 'eps': 1e-5, 'weight_decay': 0.1}),
    ]
    out = [{'optimizer': o, 'options': kw} for o, kw in c]
    out += [
        {'optimizer': 'SGD', 'options': {'lr': sgd, 'momentum': 0.9}, 'clipGradNorm': 1.0},
        {'optimizer': 'Adam', 'options': {'lr': 1e-2}, 'clipGradValue': 0.05},
    ]
    base = {'lr': sgd * 2, 'momentum': 0.9}
    for s in [{'type': 'StepLR', 'step_size': 10, 'gamma': 0.5}, {'type': 'ExponentialLR', 'gamma': 0.95},
              {'type': 'CosineAnnealingLR', 'T_max': 20}, {'type': 'CosineAnnealingLR', 'T_max': 15, 'eta_min': sgd / 10},
              {'type': 'LinearLR', 'start_factor': 0.25, 'total_iters': 10}, {'type': 'InverseTime', 'tau': 10},
              {'type': 'ReduceLROnPlateau', 'factor': 0.5, 'patience': 2, 'threshold': 0.01, 'cooldown': 1}]:
        out.append({'optimizer': 'SGD', 'options': base, 'schedule': s})
    if r:
        out.append({'optimizer': 'SGD', 'options': {'lr': 1e-4, 'momentum': 0.9}, 'groups': [{'params': ['y'], 'lr': 4e-4}]})
        out.append({'optimizer': 'Adam', 'options': {'lr': 1e-2}, 'groups': [{'params': ['x'], 'lr': 3e-2, 'weight_decay': 0.1}]})
    else:
        out.append({'optimizer': 'AdamW', 'options': {'lr': 1e-2, 'weight_decay': 0.1}, 'groups': [{'params': ['b1', 'b2'], 'weight_decay': 0.0}]})
    return out


def make_schedule(opt, s):
    t = s['type']
    if t == 'StepLR':
        return torch.optim.lr_scheduler.StepLR(opt, step_size=s['step_size'], gamma=s['gamma'])
    if t == 'ExponentialLR':
        return torch.optim.lr_scheduler.ExponentialLR(opt, gamma=s['gamma'])
    if t == 'CosineAnnealingLR':
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s['T_max'], eta_min=s.get('eta_min', 0))
    if t == 'LinearLR':
        return torch.optim.lr_scheduler.LinearLR(opt, start_factor=s['start_factor'], total_iters=s['total_iters'])
    if t == 'InverseTime':
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1 / (1 + k / s['tau']))
    if t == 'ReduceLROnPlateau':
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=s['factor'], patience=s['patience'], threshold=s['threshold'], cooldown=s['cooldown'])
    raise ValueError(t)


def run(problem_name, make_problem, case, record):
    init, loss_fn, _ = make_problem()
    params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    names = list(params)
    kw = dict(case['options'])
    if 'betas' in kw:
        kw['betas'] = tuple(kw['betas'])
    groups = []
    grouped = set()
    for g in case.get('groups', []):
        extra = {k: v for k, v in g.items() if k != 'params'}
        groups.append({'params': [params[n] for n in g['params']], **extra})
        grouped.update(g['params'])
    groups.append({'params': [params[n] for n in names if n not in grouped]})
    opt = OPTIMIZERS[case['optimizer']](groups, **kw)
    sched = make_schedule(opt, case['schedule']) if 'schedule' in case else None
    traj = {0: {n: params[n].detach().flatten().tolist() for n in names}}
    losses, lrs = [], []
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        if 'clipGradNorm' in case:
            torch.nn.utils.clip_grad_norm_(list(params.values()), case['clipGradNorm'])
        if 'clipGradValue' in case:
            torch.nn.utils.clip_grad_value_(list(params.values()), case['clipGradValue'])
        lrs.append(opt.param_groups[-1]['lr'])
        opt.step()
        losses.append(loss.item())
        if sched is not None:
            if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
                sched.step(loss.item())
            else:
                sched.step()
        if record(step):
            traj[step] = {n: params[n].detach().flatten().tolist() for n in names}
    return {'trajectory': traj, 'losses': losses, 'lrs': lrs}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make, record in [('rosenbrock', rosenbrock_problem, lambda s: True),
                               ('mlp', mlp_problem, lambda s: s <= 3 or s % 10 == 0)]:
        init, _, data = make()
        result = {'torch': torch.__version__, 'dtype': 'float32', 'steps': STEPS,
                  'init': {k: {'shape': list(v.shape), 'values': v.flatten().tolist()} for k, v in init.items()},
                  'data': data, 'cases': []}
        for i, case in enumerate(cases(name)):
            r = run(name, make, case, record)
            result['cases'].append({'id': f'{name}/{i}', **case, **r})
        with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
            json.dump(result, f, separators=(',', ':'))
        print(name, len(result['cases']), 'cases')


if __name__ == '__main__':
    main()
