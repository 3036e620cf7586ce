#!/usr/bin/env bash
# Times W1, W3–W6 against PyTorch in interleaved rounds (this machine's timings drift between
# sittings, so each round runs both stacks back to back), one thread, float32, and prints one
# line per round with each workload's median and its speed-up over PyTorch (>1 = we are faster).
# Optional, never in the tests; needs a release build and a Python with torch.
# Usage: bash scripts/bench/torch_rounds.sh [ROUNDS=3] [PYTHON=/tmp/ref/bin/python]
set -euo pipefail
rounds=${1:-3}
python=${2:-/tmp/ref/bin/python}
here=$(cd "$(dirname "$0")/../.." && pwd)
weasel="$here/.build/release/weasel"
reference="$here/../shared/bench/torch_reference.py"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
    "$weasel" bench nn --workloads weasel_epoch,lstm_epoch --reps 3 >"$out/nn.json" 2>/dev/null
    "$weasel" bench influence --reps 15 >"$out/influence.json"
    "$python" "$reference" --threads 1 --dtypes float32 --reps 5 \
        --workloads weasel_epoch hvp per_sample_grads lstm_epoch cg_inverse_hvp >"$out/torch.json" 2>/dev/null
    python3 - "$out" "$r" <<'PY'
import json, sys
d, r = sys.argv[1], sys.argv[2]
ours = {**json.load(open(f"{d}/nn.json"))["results"], **json.load(open(f"{d}/influence.json"))["results"]}
core = json.load(open(f"{d}/nn.json"))["blas_core"]
torch = json.load(open(f"{d}/torch.json"))["results"]["float32"]
theirs = {"weasel_epoch": torch["weasel_epoch"]["median_s"], "hvp": torch["hvp"]["double_backward"]["median_s"],
          "per_sample_grads": torch["per_sample_grads"]["vmap_grad"]["median_s"],
          "lstm_epoch": torch["lstm_epoch"]["median_s"], "cg_inverse_hvp": torch["cg_inverse_hvp"]["median_s"]}
names = {"weasel_epoch": "W1", "hvp": "W3", "per_sample_grads": "W4", "lstm_epoch": "W5", "cg_inverse_hvp": "W6"}
cells = [f"{names[k]} {ours[k]['median_s']:.4g}/{theirs[k]:.4g} s {theirs[k] / ours[k]['median_s']:.2f}x" for k in names]
print(f"round {r} ({core}): " + " | ".join(cells), flush=True)
PY
done
