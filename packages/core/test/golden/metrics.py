"""Golden metric values from scikit-learn (test/metrics-golden.test.ts reads them).

Run with Debian's Python and scikit-learn (`apt-get install python3-sklearn`, 1.2), from packages/core:
    /usr/bin/python3 test/golden/metrics.py
Writes test/golden/metrics.json: seeded float32 predictions and targets (written exactly as
doubles) and what scikit-learn computes on them over the whole set — mean_absolute_error,
r2_score, top_k_accuracy_score, accuracy_score at a threshold, precision_score, recall_score and
f1_score (binary at several thresholds, and macro / micro / weighted over classes). The test
feeds the same values through fit and evaluate in batches that do not divide N, so a metric
averaged per batch instead of summed over the epoch would not match. The tests never need Python.
"""
import json
import os

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    r2_score,
    recall_score,
    top_k_accuracy_score,
)

N = 23
rng = np.random.default_rng(20240607)


def f32(a):
    return np.asarray(a, dtype=np.float32)


def values(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


cases = []

# Regression: one output, and three outputs with different scales (R² averages per output).
for outputs in (1, 3):
    scale = f32([1.0, 3.0, 0.5][:outputs])
    y = f32(rng.normal(size=(N, outputs)) * scale + f32([2.0, -1.0, 0.0][:outputs]))
    pred = f32(y + rng.normal(size=(N, outputs)) * 0.6 * scale)
    cases.append({
        'name': f'regression, {outputs} output{"s" if outputs > 1 else ""}',
        'kind': 'regression',
        'prediction': values(pred),
        'predictionShape': [N, outputs],
        'target': values(y),
        'targetShape': [N, outputs],
        'expected': {
            'mae': float(mean_absolute_error(y, pred)),
            'mse': float(np.mean((y.astype(np.float64) - pred) ** 2)),
            'r2': float(r2_score(y, pred)),
        },
    })

# Binary: probabilities against 0/1 targets, at the default threshold 0.5 and at 0.3.
p = f32(rng.uniform(size=N))
t = (rng.uniform(size=N) < p).astype(np.int32)
binary = {}
for threshold in (0.5, 0.3):
    hat = (p > threshold).astype(np.int32)
    key = str(threshold)
    binary[key] = {
        'binaryAccuracy': float(accuracy_score(t, hat)),
        'precision': float(precision_score(t, hat, zero_division=0)),
        'recall': float(recall_score(t, hat, zero_division=0)),
        'f1': float(f1_score(t, hat, zero_division=0)),
        'macroPrecision': float(precision_score(t, hat, average='macro', zero_division=0)),
        'macroRecall': float(recall_score(t, hat, average='macro', zero_division=0)),
        'macroF1': float(f1_score(t, hat, average='macro', zero_division=0)),
    }
cases.append({
    'name': 'binary probabilities',
    'kind': 'binary',
    'prediction': values(p),
    'predictionShape': [N, 1],
    'target': values(t),
    'targetShape': [N, 1],
    'expected': binary,
})

# Classes: 6 score columns, labels 0..4 only, and class 5 never the argmax (sklearn's macro
# average then leaves it out: its labels are those in the targets or the predictions).
K = 6
labels = rng.integers(0, K - 1, size=N).astype(np.int32)
scores = f32(rng.normal(size=(N, K)))
scores[np.arange(N), labels] += f32(0.8)
scores[:, K - 1] -= f32(10.0)
hat = scores.argmax(axis=1)
classes = {}
for k in (1, 2, 3):
    classes[f'top{k}Accuracy'] = float(top_k_accuracy_score(labels, scores, k=k, labels=list(range(K))))
for average in ('macro', 'micro', 'weighted'):
    classes[f'{average}Precision'] = float(precision_score(labels, hat, average=average, zero_division=0))
    classes[f'{average}Recall'] = float(recall_score(labels, hat, average=average, zero_division=0))
    classes[f'{average}F1'] = float(f1_score(labels, hat, average=average, zero_division=0))
classes['accuracy'] = float(accuracy_score(labels, hat))
cases.append({
    'name': 'classes',
    'kind': 'classes',
    'prediction': values(scores),
    'predictionShape': [N, K],
    'target': [int(v) for v in labels],
    'targetShape': [N],
    'expected': classes,
})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'metrics.json'), 'w') as f:
    json.dump({'n': N, 'cases': cases}, f, indent=1)
    f.write('\n')
