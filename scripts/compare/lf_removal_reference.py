#!/usr/bin/env python3
"""An independent refit of a logistic-regression end model without each LF — the check of
`weasel influence lfs --estimator exact`. Optional, never part of the test suite; numpy and scipy.

For every LF j: the training labels are made again with LF j abstaining (majority vote in numpy;
for `--label-model snorkel`, `weasel label` run on a copy of the data with column j abstaining —
the label model is checked against Snorkel elsewhere, this checks the end model's refit), rows left
without a vote are dropped, and the multinomial logistic regression is refitted by scipy's L-BFGS
on the same objective as weasel's (mean soft-target cross-entropy + (λ/2)‖W, b‖², λ the model
file's weight decay), from the trained weights. It prints one JSON object: each LF's change of the
validation loss, and with `--ours` (the JSON of `weasel influence lfs --damping 0 --estimator exact
--json`) the largest difference from weasel's.

    python3 scripts/compare/lf_removal_reference.py DIR MODEL.json --ours ours.json \\
        [--label-model snorkel --weasel .build/release/weasel]

Train MODEL.json with `--hidden '' --no-tune` (so the label model has its default settings, as
`weasel label` fits it), and compare with `--damping 0` (no proximal term: plain refitting).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import minimize


def read_split(path):
    with open(path, encoding="utf-8-sig") as f:
        records = json.load(f)
    ids = sorted(records, key=lambda k: int(k) if k.isdigit() else k)
    X = np.array([records[i]["data"]["feature"] for i in ids], dtype=np.float64)
    L = np.array([records[i]["weak_labels"] for i in ids], dtype=int)
    y = np.array([records[i].get("label", -1) for i in ids], dtype=int)
    return ids, X, L, y, records


def majority(L, classes):
    counts = np.zeros((len(L), classes))
    for c in range(classes):
        counts[:, c] = (L == c).sum(1)
    covered = counts.sum(1) > 0
    return covered, counts / np.maximum(counts.sum(1, keepdims=True), 1)


def snorkel_labels(data, j, weasel):
    """`weasel label --label-model snorkel` on a copy of the data with LF j abstaining."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "data")
        shutil.copytree(data, copy)
        path = os.path.join(copy, "train.json")
        with open(path, encoding="utf-8-sig") as f:
            records = json.load(f)
        if j is not None:
            for record in records.values():
                record["weak_labels"][j] = -1
        with open(path, "w") as f:
            json.dump(records, f)
        out = os.path.join(tmp, "labels.json")
        subprocess.run([weasel, "label", "--data", copy, "--label-model", "snorkel", "--out", out],
                       check=True, capture_output=True)
        with open(out) as f:
            rows = json.load(f)["rows"]
        covered = np.array([r["covered"] for r in rows])
        return covered, np.array([r["probabilities"] for r in rows])


def fit(X, Y, l2, start):
    n, d = X.shape
    c = Y.shape[1]
    A = np.hstack([X, np.ones((n, 1))])

    def objective(w):
        W = w.reshape(c, d + 1)
        Z = A @ W.T
        Z -= Z.max(1, keepdims=True)
        logp = Z - np.log(np.exp(Z).sum(1, keepdims=True))
        P = np.exp(logp)
        value = -(Y * logp).sum() / n + 0.5 * l2 * (w @ w)
        grad = ((P * Y.sum(1, keepdims=True) - Y).T @ A) / n + l2 * W
        return value, grad.ravel()

    result = minimize(objective, start, jac=True, method="L-BFGS-B",
                      options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 20000})
    return result.x.reshape(c, d + 1)


def loss(W, X, y):
    A = np.hstack([X, np.ones((len(X), 1))])
    Z = A @ W.T
    Z -= Z.max(1, keepdims=True)
    logp = Z - np.log(np.exp(Z).sum(1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("--label-model", choices=["majority", "snorkel"], default="majority")
    parser.add_argument("--weasel", help="the weasel binary (for --label-model snorkel)")
    parser.add_argument("--ours", help="JSON of `weasel influence lfs --damping 0 --estimator exact --json`")
    args = parser.parse_args()

    with open(args.model) as f:
        model = json.load(f)
    parameters = {p["name"]: np.array(p["values"]) for p in model["endModel"]["parameters"]}
    W0 = np.hstack([parameters["output.weight"].reshape(-1, model["endModel"]["architecture"]["inputCount"]),
                    parameters["output.bias"].reshape(-1, 1)])
    classes = W0.shape[0]
    l2 = model["weightDecay"]
    _, X, L, _, _ = read_split(os.path.join(args.data, "train.json"))
    _, Xv, _, yv, _ = read_split(os.path.join(args.data, "valid.json"))

    def labels(j):
        if args.label_model == "snorkel":
            return snorkel_labels(args.data, j, args.weasel)
        M = L.copy()
        if j is not None:
            M[:, j] = -1
        return majority(M, classes)

    covered, Y = labels(None)
    base = fit(X[covered], Y[covered], l2, W0.ravel())
    base_loss = loss(base, Xv, yv)
    effects = []
    for j in range(L.shape[1]):
        covered, Y = labels(j)
        W = fit(X[covered], Y[covered], l2, base.ravel())
        effects.append(loss(W, Xv, yv) - base_loss)
    result = {"label_model": args.label_model, "validation_loss": base_loss,
              "refit_vs_model_weights": float(np.abs(base - W0).max()), "effects": effects}
    if args.ours:
        with open(args.ours) as f:
            ours = json.load(f)
        theirs = [row["estimate"]["loss_changes"][0] for row in ours["lfs"]]
        difference = np.abs(np.array(theirs) - np.array(effects))
        result["max_abs_difference"] = float(difference.max())
        result["max_relative_difference"] = float((difference / np.maximum(np.abs(effects), 1e-6)).max())
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
