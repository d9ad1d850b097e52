"""Golden values for the RBM tests from scikit-learn's BernoulliRBM (Debian python3-sklearn).

Run with /usr/bin/python3 from packages/pretraining:  /usr/bin/python3 scripts/golden_rbm.py
Writes test/golden/rbm.json. sklearn's Gibbs draws come from a RandomState that JavaScript
cannot reproduce, so a recording stand-in for the RandomState is passed to `_fit`: it returns
the same numbers a RandomState would and records every `uniform` array, in call order.
The tests replay those uniforms through `replaySampler` and must land on the same weights.
"""
import json

import numpy as np
import sklearn
from scipy.special import expit
from sklearn.neural_network import BernoulliRBM


class RecordingRandomState:
    def __init__(self, seed):
        self.rs = np.random.RandomState(seed)
        self.draws = []

    def uniform(self, size=None):
        u = self.rs.uniform(size=size)
        self.draws.append(u.ravel().tolist())
        return u


def main():
    data_rng = np.random.RandomState(0)
    n, d, h, batch = 20, 12, 6, 5
    X = (data_rng.uniform(size=(n, d)) < 0.4).astype(np.float64)
    rbm = BernoulliRBM(n_components=h, learning_rate=0.5, batch_size=batch, n_iter=1, random_state=7)
    rbm.components_ = data_rng.normal(0, 0.3, (h, d))
    rbm.intercept_hidden_ = data_rng.normal(0, 0.1, h)
    rbm.intercept_visible_ = data_rng.normal(0, 0.1, d)
    rbm.h_samples_ = (data_rng.uniform(size=(batch, h)) < 0.5).astype(np.float64)
    rbm._n_features_out = h
    initial = {
        "weight": rbm.components_.T.tolist(),
        "hiddenBias": rbm.intercept_hidden_.tolist(),
        "visibleBias": rbm.intercept_visible_.tolist(),
        "chain": rbm.h_samples_.tolist(),
    }
    rng = RecordingRandomState(11)
    steps = []
    margin = np.inf
    for epoch in range(2):
        for b in range(n // batch):
            v = X[b * batch:(b + 1) * batch]
            W, c, bv, hs = rbm.components_.copy(), rbm.intercept_hidden_.copy(), rbm.intercept_visible_.copy(), rbm.h_samples_.copy()
            first = len(rng.draws)
            rbm._fit(v, rng)
            u1, u2 = (np.array(x) for x in rng.draws[first:first + 2])
            pv = expit(hs @ W + bv).ravel()
            v_neg = (u1 < pv).reshape(batch, d)
            ph = expit(v_neg @ W.T + c).ravel()
            margin = min(margin, np.abs(u1 - pv).min(), np.abs(u2 - ph).min())
            steps.append({
                "rows": [b * batch, (b + 1) * batch],
                "weight": rbm.components_.T.tolist(),
                "hiddenBias": rbm.intercept_hidden_.tolist(),
                "visibleBias": rbm.intercept_visible_.tolist(),
                "chain": rbm.h_samples_.tolist(),
            })
    assert margin > 1e-4, f"a uniform draw lies within {margin} of its probability; float32 could flip it"
    flip = np.random.RandomState(rbm.random_state).randint(0, d, n)
    out = {
        "sklearn": sklearn.__version__,
        "config": {"n": n, "features": d, "hidden": h, "batchSize": batch, "learningRate": 0.5},
        "x": X.tolist(),
        "initial": initial,
        "uniforms": rng.draws,
        "steps": steps,
        "minMargin": float(margin),
        "freeEnergy": rbm._free_energy(X).tolist(),
        "flip": flip.tolist(),
        "scoreSamples": rbm.score_samples(X).tolist(),
        "transform": rbm.transform(X).tolist(),
    }
    with open("test/golden/rbm.json", "w") as f:
        json.dump(out, f)
    print(f"wrote test/golden/rbm.json: {len(steps)} updates, {len(rng.draws)} uniform arrays, min margin {margin:.2e}")


if __name__ == "__main__":
    main()
