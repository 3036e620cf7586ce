#!/usr/bin/env python3
"""Side-by-side reference for `weasel bench scale`: pandas + Snorkel on the same CSV file.

Optional, never part of the test suite. Run it in a throwaway virtual environment outside the
repository, on the folder `weasel bench scale --dir DIR` wrote (and kept):

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install pandas snorkel
    .build/release/weasel bench scale --rows 1000000 --dir /tmp/scale > weasel.json
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /tmp/ref/bin/python scripts/bench/scale_reference.py /tmp/scale

Each step runs in its own child process (as `bench scale` runs each of its steps), so every
step's peak RSS is its own; every step includes `read_csv` of train.csv, as every weasel command
includes loading. Prints one JSON object: seconds and peak RSS (MB, from the OS) per step.

Steps: load (`pandas.read_csv`), lfs (`LFAnalysis(L).lf_summary(Y)`, with gold as `weasel lfs`),
label_majority (`MajorityLabelVoter.predict_proba`), label_snorkel (`LabelModel.fit` with
Snorkel's defaults + `predict_proba`).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

STEPS = ["load", "lfs", "label_majority", "label_snorkel"]


def run_step(step, directory):
    import numpy as np
    import pandas as pd

    clock = {}
    start = time.perf_counter()
    frame = pd.read_csv(os.path.join(directory, "train.csv"))
    clock["read_csv_seconds"] = time.perf_counter() - start
    lf_columns = [c for c in frame.columns if c.startswith("lf_")]
    L = frame[lf_columns].to_numpy(dtype=np.int64)
    Y = frame["label"].to_numpy(dtype=np.int64)
    work = time.perf_counter()
    if step == "lfs":
        from snorkel.labeling import LFAnalysis

        LFAnalysis(L).lf_summary(Y=Y)
    elif step == "label_majority":
        from snorkel.labeling.model import MajorityLabelVoter

        MajorityLabelVoter(cardinality=2).predict_proba(L)
    elif step == "label_snorkel":
        from snorkel.labeling.model import LabelModel

        model = LabelModel(cardinality=2, verbose=False)
        model.fit(L, seed=0)
        model.predict_proba(L)
    clock["step_seconds"] = time.perf_counter() - work
    return clock


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", help="the folder `weasel bench scale --dir` wrote")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)  # one step, in a child process
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=STEPS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.directory)))
        return
    results = {}
    for step in args.steps:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, __file__, args.directory, "--step", step], stdout=subprocess.PIPE, text=True
        )
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        if child.returncode != 0:
            sys.exit(f"step {step} failed with exit code {child.returncode}")
        inner = json.loads(output.strip().splitlines()[-1])
        results[step] = {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss * 1024 / 1e6, **inner}
        print(f"scale_reference: {step} {seconds:.2f} s", file=sys.stderr)
    import pandas
    import snorkel

    print(json.dumps({"suite": "scale_reference", "pandas": pandas.__version__, "snorkel": snorkel.__version__,
                      "threads": os.environ.get("OPENBLAS_NUM_THREADS"), "results": results}, indent=1))


if __name__ == "__main__":
    main()
