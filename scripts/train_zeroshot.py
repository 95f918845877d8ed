"""Train the pretrained DynaMix that dsrlab ships (`dsrlab.zeroshot.pretrained()`; see nbs/08a_zeroshot.ipynb).

  python scripts/train_zeroshot.py                         # the full run: 100,000 steps, weights to dsrlab/data/zeroshot.eqx
  python scripts/train_zeroshot.py --stop_at 20000         # a piece of it; run the same command again to go on
  python scripts/train_zeroshot.py --quick --out /tmp/z.eqx   # a tiny smoke run (about a minute on CPU)
  python scripts/train_zeroshot.py --evaluate_only         # score the shipped weights on DynaMix's cases and the held-out
                                                           # systems (to WORKDIR/evaluation.json)

Reproducible from --seed: the training data (the zoo at randomised parameters and initial conditions, the held-out
systems `dsrlab.zeroshot.HELD_OUT` left out), the initialisation and the batches all come from it. Resumable: the data
are cached in WORKDIR/data.npz and the training state in WORKDIR/train.ckpt (every --checkpoint_every steps, on
Ctrl-C and at --stop_at), and a second run with the same settings goes on from there; other settings are refused
with the names of those that differ. Runs on the GPU when JAX sees one (pip install "jax[cuda12]"), else on the CPU.
When the last step is done it writes the weights (dsrlab.save format, read by dsrlab.load) to --out and a summary
to WORKDIR/summary.json.
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from fastcore.script import Param, call_parse


def _data(workdir: Path, settings: dict, progress: bool):
    "The training data: from WORKDIR/data.npz when it was made with these settings, else made now and cached there."
    from dsrlab.zeroshot import TrainingData, training_data
    cache = workdir / "data.npz"
    if cache.exists():
        with np.load(cache, allow_pickle=False) as f:
            if json.loads(str(f["settings"])) == settings:
                print(f"training data from {cache}", flush=True)
                return TrainingData(f["context"], f["series"], tuple(f["systems"].tolist()),
                                    tuple(json.loads(str(f["params"]))), f["dt"])
        print(f"{cache} was made with other settings: making the data again", flush=True)
    t0 = time.perf_counter()
    td = training_data(**settings, progress=progress)
    tmp = workdir / "data.tmp.npz"
    np.savez(tmp, context=td.context, series=td.series, systems=np.array(td.systems), params=json.dumps(td.params),
             dt=td.dt, settings=json.dumps(settings))
    os.replace(tmp, cache)
    print(f"training data: {td.series.shape[0]} series of {len(set(td.systems))} systems, "
          f"{time.perf_counter() - t0:.0f} s, cached in {cache}", flush=True)
    return td


def _evaluate(model, systems, runs: int = 3) -> dict:
    "DynaMix's protocol (dynamix_protocol) on `systems`, median over `runs` initial conditions 0.1 apart."
    from dsrlab.systems import get_system
    from dsrlab.zeroshot import DYNAMIX_CASES, dynamix_protocol
    out = {}
    for name in systems:
        T_c, dt = DYNAMIX_CASES.get(name, (2000, None))
        s = get_system(name)
        dt = dt or (s.period / 50 if s.period and s.period > 0 else s.dt)   # held-out systems: 50 points per period
        rows = []
        for k in range(runs):
            try:
                rows.append(dynamix_protocol(model, name, T_c, dt, x0=np.asarray(s.x0) + 0.1 * k))
            except Exception as e:   # a forecast that diverges is a result too: say so and go on
                rows.append({"error": f"{type(e).__name__}: {e}"[:200]})
        ok = [r for r in rows if "error" not in r]
        out[name] = {k: float(np.median([r[k] for r in ok])) for k in ok[0]} if ok else {}
        out[name]["failed"] = len(rows) - len(ok)
        print(f"{name:24s} " + "  ".join(f"{k} {v:.3f}" for k, v in out[name].items() if k != "failed")
              + (f"  ({out[name]['failed']} of {runs} failed)" if out[name]["failed"] else ""), flush=True)
    return out


@call_parse
def main(
    seed: Param("random seed: data, initialisation and batches", int) = 0,
    steps: Param("optimiser steps (DynaMix: 2000 epochs x 50 batches)", int) = 100_000,
    batch_size: Param("windows per step", int) = 16,
    seq_len: Param("window length", int) = 99,
    lr0: Param("first learning rate (RAdam, exponential decay)", float) = 5e-3,
    lr1: Param("last learning rate", float) = 1e-5,
    clip_norm: Param("gradient clipping by global norm (DynaMix: 10; the shipped weights: 1)", float) = 1.0,
    latent: Param("M, latent dimension of each expert", int) = 30,
    experts: Param("J, number of AL-RNN experts", int) = 10,
    pwl: Param("P, piecewise-linear units per expert", int) = 2,
    delay: Param("lag of the delay embedding of series with fewer than 3 coordinates", int) = 10,
    draws: Param("parameter draws per training system", int) = 10,
    initial: Param("initial conditions per draw", int) = 2,
    context_length: Param("context steps stored per series", int) = 2000,
    length: Param("steps after the context per series", int) = 1000,
    min_context: Param("shortest context a training window is given", int) = 500,
    learn_readout: Param("learn the gate's read-out D, as the reference does (default: it stays [I 0])", bool) = False,
    workdir: Param("folder for the data cache, checkpoint and summary", str) = "zeroshot_run",
    out: Param("the weights file to write (default: the one the package ships)", str) = None,
    checkpoint_every: Param("steps between checkpoints (a multiple of --steps_per_call)", int) = 1000,
    steps_per_call: Param("optimiser steps per compiled call (between progress updates)", int) = 50,
    stop_at: Param("stop after this many steps (run again to go on)", int) = None,
    quick: Param("a tiny configuration, to check that everything runs", bool) = False,
    evaluate: Param("after training, score the model on DynaMix's cases and the held-out systems", bool) = False,
    evaluate_only: Param("score the weights in --out (or the shipped ones), write WORKDIR/evaluation.json and stop", bool) = False,
    progress: Param("progress bars (--no-progress hides them)", bool) = True,
):
    import jax
    from dsrlab.core import compilation_cache
    from dsrlab.zeroshot import (DYNAMIX_EXAMPLES, HELD_OUT, HELD_OUT_DRAWN, DynaMix, ZeroShotDynaMix, pretrained,
                                 train_dynamix, training_systems, weights_path)
    compilation_cache()
    out = Path(out) if out else weights_path()
    if evaluate_only:
        scores = _evaluate(pretrained(out), DYNAMIX_EXAMPLES + HELD_OUT_DRAWN)
        Path(workdir).mkdir(parents=True, exist_ok=True)
        (Path(workdir) / "evaluation.json").write_text(json.dumps({"weights": str(out), "scores": scores}, indent=1))
        return
    if quick:
        steps, batch_size, seq_len, latent, experts, lr0, lr1 = min(steps, 250), 8, 30, 8, 3, 1e-2, 1e-3
        draws, initial, context_length, length, min_context = 1, 1, 300, 200, 100
        checkpoint_every, steps_per_call = min(checkpoint_every, 25), 25
    print(f"JAX {jax.__version__} on {jax.default_backend()}: {jax.devices()}", flush=True)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    systems = ["rossler", "lorenz84", "thomas", "aizawa", "sprott_b", "vanderpol"] if quick else training_systems(3)
    settings = dict(systems=systems, seed=seed, n_draws=draws, n_initial=initial, context_length=context_length,
                    length=length, rel_perturbation=0.1, obs_dim=3, delay=delay)
    td = _data(workdir, settings, progress)
    k_init, k_train = jax.random.split(jax.random.key(seed))
    model = DynaMix(M=latent, N=3, n_experts=experts, P=pwl, delay=delay, key=k_init)
    n_params = sum(x.size for x in jax.tree_util.tree_leaves(model) if hasattr(x, "size"))
    print(f"DynaMix M={latent} N=3 J={experts} P={pwl}: {n_params} parameters; {steps} steps of {batch_size} windows "
          f"of {seq_len}", flush=True)
    t0 = time.perf_counter()
    try:
        res = train_dynamix(model, td, key=k_train, n_steps=steps, seq_len=seq_len, batch_size=batch_size, lr=(lr0, lr1),
                            clip_norm=clip_norm, min_context=min_context, learn_readout=learn_readout,
                            checkpoint=str(workdir / "train.ckpt"), checkpoint_every=checkpoint_every,
                            steps_per_call=steps_per_call, stop_at=stop_at, progress=progress)
    except KeyboardInterrupt:
        print(f"\ninterrupted: the state is in {workdir / 'train.ckpt'}; run the same command to go on", flush=True)
        sys.exit(130)
    seconds = time.perf_counter() - t0
    loss = res.history["loss"]
    done = int(np.sum(np.isfinite(loss)))
    k = max(1, min(1000, done // 5))
    print(f"{done} of {steps} steps done ({seconds:.0f} s this run); mean loss over the first {k} steps "
          f"{float(np.mean(loss[:k])):.4f}, over the last {k} done {float(np.mean(loss[done - k:done])):.4f}; "
          f"{int(np.nansum(res.history['diverged']))} windows whose latents reached the bound", flush=True)
    np.savez(workdir / "history.npz", **res.history)   # every step's loss, diverged windows, gradient and update norms
    if done < steps:
        print(f"stopped at step {done}: run the same command again to go on", flush=True)
        return
    path = ZeroShotDynaMix.from_model(res.model).save(out)
    print(f"weights: {path} ({path.stat().st_size / 1e3:.0f} kB)", flush=True)
    summary = dict(seed=seed, steps=steps, batch_size=batch_size, seq_len=seq_len, lr=(lr0, lr1), clip_norm=clip_norm,
                   latent=latent, experts=experts, pwl=pwl, delay=delay, min_context=min_context,
                   learn_readout=learn_readout, data=settings,
                   n_series=int(td.series.shape[0]), held_out=list(HELD_OUT), parameters=int(n_params),
                   backend=jax.default_backend(), seconds_last_run=seconds,
                   loss_per_1000=[float(np.mean(loss[i:i + 1000])) for i in range(0, steps, 1000)],
                   diverged_per_1000=[int(np.sum(res.history["diverged"][i:i + 1000])) for i in range(0, steps, 1000)])
    if evaluate:
        summary["evaluation"] = _evaluate(pretrained(path), DYNAMIX_EXAMPLES + HELD_OUT_DRAWN)
    (workdir / "summary.json").write_text(json.dumps(summary, indent=1))
