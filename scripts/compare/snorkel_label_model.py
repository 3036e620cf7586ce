#!/usr/bin/env python3
"""Snorkel's LabelModel beside ours on one WRENCH folder: optional, never part of the test suite.

Run it in a throwaway virtual environment outside the repository:

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install snorkel
    weasel label --data DIR --label-model snorkel --out /tmp/ours.csv
    /tmp/ref/bin/python scripts/compare/snorkel_label_model.py DIR --ours /tmp/ours.csv

Fits `snorkel.labeling.model.LabelModel` on the training votes with the defaults our `snorkel`
model copies (100 epochs, lr 0.01, SGD momentum 0.9, prec_init 0.7, a uniform class balance) and
prints one JSON object: Snorkel's version, how many covered training rows Snorkel leaves at exactly
the prior, and — with `--ours` (the CSV `weasel label` wrote) — the argmax agreement and mean |Δp|
on covered rows, and each side's accuracy there when the split has gold labels.

`--record FILE` also writes Snorkel's soft label for every distinct vote pattern of the covered
training rows (with its row count): the numbers the test suite compares ours with.
"""
import argparse
import csv
import json
import sys

import numpy as np


def read_split(path):
    with open(path, encoding="utf-8-sig") as f:
        records = json.load(f)
    ids = list(records)
    L = np.array([records[i]["weak_labels"] for i in ids], dtype=int)
    gold = [records[i].get("label") for i in ids]
    return ids, L, None if any(g is None for g in gold) else np.array(gold)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data", help="WRENCH folder (train.json, label.json)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ours", help="CSV written by `weasel label --label-model snorkel` (id,p0,p1,…)")
    parser.add_argument("--record", help="write Snorkel's soft label per distinct vote pattern here (JSON)")
    args = parser.parse_args()

    import snorkel
    from snorkel.labeling.model import LabelModel

    with open(f"{args.data}/label.json", encoding="utf-8-sig") as f:
        classes = len(json.load(f))
    ids, L, gold = read_split(f"{args.data}/train.json")
    model = LabelModel(cardinality=classes, verbose=False)
    model.fit(L, seed=args.seed, progress_bar=False)
    p = model.predict_proba(L)
    covered = (L != -1).any(axis=1)
    prior = np.full(classes, 1 / classes)
    result = {
        "snorkel": snorkel.__version__,
        "rows": int(len(ids)),
        "covered_rows": int(covered.sum()),
        "covered_rows_at_prior": int((np.abs(p[covered] - prior).max(axis=1) < 1e-9).sum()),
    }
    if gold is not None:
        result["snorkel_accuracy_covered"] = float((p[covered].argmax(1) == gold[covered]).mean())
    if args.ours:
        with open(args.ours, newline="", encoding="utf-8-sig") as f:
            rows = {r[0]: [float(x) for x in r[1:]] for r in list(csv.reader(f))[1:]}
        ours = np.array([rows[i] for i in ids])
        result["argmax_agreement_covered"] = float((ours[covered].argmax(1) == p[covered].argmax(1)).mean())
        result["mean_abs_dp_covered"] = float(np.abs(ours[covered] - p[covered]).mean())
        result["ours_covered_rows_at_prior"] = int((np.abs(ours[covered] - prior).max(axis=1) < 1e-9).sum())
        if gold is not None:
            result["ours_accuracy_covered"] = float((ours[covered].argmax(1) == gold[covered]).mean())
    if args.record:
        patterns = {}
        for votes, probabilities in zip(L[covered], p[covered]):
            key = tuple(int(v) for v in votes)
            entry = patterns.setdefault(key, {"votes": list(key), "count": 0, "p": [float(x) for x in probabilities]})
            entry["count"] += 1
        with open(args.record, "w") as f:
            json.dump({"snorkel": snorkel.__version__, "seed": args.seed, "patterns": list(patterns.values())}, f)
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
