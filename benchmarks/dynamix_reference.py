"""DynaMix-3d's published weights run by dsrlab's code, beside the shipped model and context parroting (issue 19).

DynaMix's authors publish DynaMix-3d v1.0 as models/dynamix-3d-alrnn-v1.0.bson in DurstewitzLab/DynaMix-julia (GPL-3;
dsrlab does not ship it) and the test series of their example notebook as notebooks/test_data/*.npy in the same
repository (and in DynaMix-python). `dsrlab.zeroshot.read_dynamix_bson` reads the weights into our DynaMix. This
script scores, with our code:

- on DynaMix's own test files (lorenz63, chua, sprottM: context 2000, 1028 and 512 steps, then 10,000 steps scored):
  D_stsp (ours, and DynaMix's estimator), D_H and MASE, median over 5 draws of the gate's noise (parroting: 1;
  each draw's scores are stored too);
  DynaMix's example notebook reports, for the published model, 0.804/0.064/0.285, 2.206/0.088/0.366, 3.325/0.097/0.180
  (the chapter's DYNAMIX_REPORTED).
- on our simulated trajectories, as `scripts/train_zeroshot.py --evaluate_only` does (the same function): DynaMix's
  three examples and the held-out systems, median over 3 initial conditions, so the published model gets a row in the
  chapter's table of training variants.

Run: .venv/bin/python benchmarks/dynamix_reference.py --julia PATH_TO/DynaMix-julia [--ours WEIGHTS] [--label NAME]
Writes benchmarks/results/dynamix_reference.json (a model's entry is replaced, the others kept).
"""
import argparse
import importlib.util
import json
import time
from pathlib import Path

import jax
import numpy as np

from dsrlab.metrics import power_spectrum_distance, state_space_divergence
from dsrlab.zeroshot import (DYNAMIX_EXAMPLES, HELD_OUT_DRAWN, ContextParroting, dynamix_mase,
                             dynamix_state_space_divergence, pretrained)

OUT = Path(__file__).parent / "results" / "dynamix_reference.json"
FILES = {"lorenz63": ("lorenz63.npy", 2000), "chua": ("chua.npy", 1028), "sprott_m": ("sprottM.npy", 512)}


def _train_script():
    "scripts/train_zeroshot.py as a module: its `_evaluate` is the evaluation of the training variants."
    spec = importlib.util.spec_from_file_location("train_zeroshot", Path(__file__).parents[1] / "scripts" / "train_zeroshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(model, folder: Path, draws: int) -> dict:
    "Scores on DynaMix's test files: context from the file's start, the next 10,000 steps scored."
    out = {}
    for name, (file, T_c) in FILES.items():
        data = np.load(folder / file).astype(np.float64)
        context, truth = data[:T_c].astype(np.float32), data[T_c:T_c + 10_000]
        fitted, rows = model if model.is_fitted else model.fit(context, 0.01), []
        for k in range(draws):
            gen = np.asarray(fitted.generate(context, 10_000, key=jax.random.key(k)), np.float64)
            rows.append({"state_space_divergence": float(state_space_divergence(truth, gen, 30, outside="drop")),
                         "state_space_divergence_dynamix": dynamix_state_space_divergence(truth, gen, 30),
                         "power_spectrum_distance": float(power_spectrum_distance(truth, gen, 20.0)),
                         "mase": dynamix_mase(truth, gen, 10)})
        out[name] = {k: float(np.median([r[k] for r in rows])) for k in rows[0]}
        out[name]["draws"] = rows
        print(f"  {name:9s} " + "  ".join(f"{k} {v:.3f}" for k, v in out[name].items() if k != "draws"), flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--julia", required=True, help="a clone of DurstewitzLab/DynaMix-julia (weights and test data)")
    ap.add_argument("--ours", default=None, help="our weights file to score beside it (default: the shipped one)")
    ap.add_argument("--label", default="dsrlab shipped", help="the name of --ours in the results")
    ap.add_argument("--draws", type=int, default=5, help="draws of the gate's noise per test file")
    args = ap.parse_args()
    julia = Path(args.julia)
    folder = julia / "notebooks" / "test_data"
    models = {"DynaMix-3d v1.0 (published weights)": pretrained(julia / "models" / "dynamix-3d-alrnn-v1.0.bson"),
              args.label: pretrained(args.ours), "context parroting": ContextParroting()}
    evaluate = _train_script()._evaluate
    results = json.loads(OUT.read_text())["models"] if OUT.exists() else {}
    for label, model in models.items():
        print(label, flush=True)
        t0 = time.perf_counter()
        files = on_files(model, folder, 1 if isinstance(model, ContextParroting) else args.draws)
        simulated = evaluate(model, DYNAMIX_EXAMPLES + HELD_OUT_DRAWN)
        results[label] = {"weights": str(args.ours or "shipped") if label == args.label else None, "files": files,
                          "evaluation": simulated, "seconds": time.perf_counter() - t0}
    OUT.write_text(json.dumps({"models": results,
                               "command": "python benchmarks/dynamix_reference.py --julia DynaMix-julia"}, indent=1))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
