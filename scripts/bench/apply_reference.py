#!/usr/bin/env python3
"""Side-by-side reference for `weasel apply`: the same rules file applied with Snorkel's
`PandasLFApplier` (and, for scale, with vectorised pandas string operations).

Optional, never part of the test suite. Run it in a throwaway virtual environment outside the
repository:

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install pandas snorkel
    bash scripts/bench/apply_compare.sh 200      # the shipped CSV repeated 200 times (120,000 rows)

Each rule of `rules.json` becomes one Snorkel `labeling_function` with the same meaning as in
weasel: keywords match whole lowercase words (runs of letters and digits), regular expressions
use `re.search`, thresholds read the cell as a number (else abstain), `equals` compares the
trimmed cell, `all` is a conjunction. Prints one JSON object: seconds for `read_csv`, for
`PandasLFApplier.apply`, and for the vectorised pandas version, plus the number of votes of each
(they must equal weasel's).
"""
import json
import warnings
import re
import sys
import time

import numpy as np
import pandas as pd
from snorkel.labeling import PandasLFApplier, labeling_function

warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
WORD = re.compile(r"[^\W_]+")


def words(text):
    return WORD.findall(text.lower()) if isinstance(text, str) else []


def condition(spec):
    """A predicate on one row (a pandas Series) for a rule's condition."""
    if "all" in spec:
        parts = [condition(part) for part in spec["all"]]
        return lambda row: all(p(row) for p in parts)
    if "keywords" in spec:
        field = spec.get("field", "text")
        phrases = [words(k) for k in spec["keywords"]]

        def keywords(row):
            tokens = words(row[field])
            for phrase in phrases:
                n = len(phrase)
                if any(tokens[i:i + n] == phrase for i in range(len(tokens) - n + 1)):
                    return True
            return False
        return keywords
    if "regex" in spec:
        field = spec.get("field", "text")
        pattern = re.compile(spec["regex"])
        return lambda row: isinstance(row[field], str) and pattern.search(row[field]) is not None
    if "equals" in spec:
        column, value = spec["column"], spec["equals"]
        if isinstance(value, str):
            return lambda row: isinstance(row[column], str) and row[column].strip() == value
        return lambda row: _number(row[column]) == value
    column = spec["column"]
    bounds = [(op, spec[op]) for op in (">", ">=", "<", "<=") if op in spec]
    ops = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}

    def threshold(row):
        value = _number(row[column])
        return value is not None and all(ops[op](value, bound) for op, bound in bounds)
    return threshold


def _number(cell):
    try:
        value = float(cell)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def make_lf(rule, class_index):
    spec = {k: v for k, v in rule.items() if k not in ("name", "class")}
    holds = condition(spec)

    @labeling_function(name=rule["name"])
    def lf(row):
        return class_index if holds(row) else -1
    return lf


def vectorised(frame, rule, class_index):
    """The same rule with pandas string operations over whole columns (what Snorkel users write
    when the applier is too slow)."""
    def mask(spec):
        if "all" in spec:
            result = np.ones(len(frame), dtype=bool)
            for part in spec["all"]:
                result = result & mask(part)
            return result
        if "keywords" in spec:
            text = frame[spec.get("field", "text")].fillna("").str.lower()
            alternatives = "|".join(
                r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words(k))) + r"(?![^\W_])" for k in spec["keywords"])
            return text.str.contains(alternatives, regex=True).to_numpy()
        if "regex" in spec:
            return frame[spec.get("field", "text")].fillna("").str.contains(spec["regex"], regex=True).to_numpy()
        if "equals" in spec:
            value = spec["equals"]
            column = frame[spec["column"]]
            if isinstance(value, str):
                return (column.astype(str).str.strip() == value).to_numpy()
            return (pd.to_numeric(column, errors="coerce") == value).to_numpy()
        numbers = pd.to_numeric(frame[spec["column"]], errors="coerce")
        result = numbers.notna().to_numpy()
        for op, fn in ((">", np.greater), (">=", np.greater_equal), ("<", np.less), ("<=", np.less_equal)):
            if op in spec:
                result = result & fn(numbers, spec[op]).fillna(False).to_numpy()
        return result
    spec = {k: v for k, v in rule.items() if k not in ("name", "class")}
    return np.where(mask(spec), class_index, -1)


def main():
    rules_path, data_path = sys.argv[1], sys.argv[2]
    with open(rules_path) as handle:
        rules = json.load(handle)
    classes = rules["classes"]
    start = time.perf_counter()
    frame = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    read_seconds = time.perf_counter() - start
    lfs = [make_lf(rule, classes.index(rule["class"])) for rule in rules["rules"]]
    start = time.perf_counter()
    L = PandasLFApplier(lfs).apply(frame, progress_bar=False)
    applier_seconds = time.perf_counter() - start
    start = time.perf_counter()
    V = np.stack([vectorised(frame, rule, classes.index(rule["class"])) for rule in rules["rules"]], axis=1)
    vectorised_seconds = time.perf_counter() - start
    print(json.dumps({
        "rows": len(frame), "rules": len(lfs), "read_csv_seconds": round(read_seconds, 3),
        "pandas_lf_applier_seconds": round(applier_seconds, 3), "applier_votes": int((L != -1).sum()),
        "vectorised_pandas_seconds": round(vectorised_seconds, 3), "vectorised_votes": int((V != -1).sum()),
    }))


if __name__ == "__main__":
    main()
