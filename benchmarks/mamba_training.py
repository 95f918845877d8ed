"""Mamba's training cost at the benchmark's settings: the recurrence in a `lax.scan` (today's `Mamba._parallel`) against the
associative scan over all (L, E, N) states that it replaced (kept in nbs/04_ssm.ipynb as the reference definition).

Part 1, per training step: `_sgd_step` of `fit_forecaster` (a batch of windows, value_and_grad, AdamW update), jitted, for
the registry's "mamba" configuration (and "lru" for scale) on Lorenz-63 windows; both forms compiled in one process and timed
in alternation (median over rounds); memory is XLA's buffer assignment (temporaries of the compiled step).
Part 2 (--fit): the benchmark's whole job, `evaluate_method` for "mamba" on lorenz63 with `run_benchmark`'s key, each fit in
its own process (the training step's compiled code is cached per process), forms alternating.
Run: .venv/bin/python benchmarks/mamba_training.py [--rounds 15] [--fit] [--seeds 0 1]
"""
import argparse
import contextlib
import dataclasses
import json
import statistics
import subprocess
import sys
import time

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from dsrlab.bench import Protocol, _with_truth_geometry, benchmark_data, evaluate_method, get_method, zlib_crc
from dsrlab.core import Windows
from dsrlab.ssm import Mamba, SSMForecaster, _Forecasting, _optimizer, _sgd_step, linear_scan


def associative_parallel(layer, u):
    "Mamba's output by the associative scan over all (L, E, N) states at once (the form before the scan)."
    x, z = jnp.split(jax.vmap(layer.in_proj)(u), 2, axis=-1)
    K, L = layer.conv_weight.shape[1], x.shape[0]
    xp = jnp.concatenate([jnp.zeros((K - 1, x.shape[1]), x.dtype), x])
    x = jax.nn.silu(sum(xp[k : k + L] * layer.conv_weight[:, k] for k in range(K)) + layer.conv_bias)
    dt_in, Bt, Ct = jnp.split(jax.vmap(layer.x_proj)(x), [layer.R, layer.R + layer.N], axis=-1)
    delta = jax.nn.softplus(jax.vmap(layer.dt_proj)(dt_in))
    dA = jnp.exp(delta[..., None] * -jnp.exp(layer.A_log))
    h = linear_scan(dA, (delta * x)[..., None] * Bt[:, None, :])
    y = (jnp.einsum("len,ln->le", h, Ct) + layer.D_inner * x) * jax.nn.silu(z)
    return jax.vmap(layer.out_proj)(y) + layer.D * u


@contextlib.contextmanager
def form(name):
    "Mamba's full-sequence form while tracing: 'scan' (the library's) or 'associative' (the one it replaced)."
    library = Mamba._parallel
    if name == "associative":
        Mamba._parallel = associative_parallel
    try:
        yield
    finally:
        Mamba._parallel = library


def compiled_step(method, data, name):
    "The jitted training step of `method`'s benchmark configuration, its initial state, and its temporary bytes."
    est = SSMForecaster(**get_method(method).hyperparameters())
    model = est._network(data["train"][0].shape[1], jax.random.key(0))
    params, static = eqx.partition(model, eqx.is_inexact_array)
    state = (params, _optimizer(params, est.lr, est.n_steps, est.weight_decay).init(params))
    task = _Forecasting(est.window, est.rollout, est.batch_size, est.noise)
    windows = Windows(data["train"], est.window + est.rollout + 1)
    step = lambda s, k: _sgd_step(task, static, windows, est.lr, est.n_steps, est.weight_decay, s, k)
    with form(name):
        compiled = jax.jit(step).lower(state, jax.random.key(1)).compile()
    return compiled, state, compiled.memory_analysis().temp_size_in_bytes


def alternating_times(steps: dict, rounds: int) -> dict:
    "label -> the seconds of one step in each round, for `steps` (label -> (compiled step, state)) timed in alternation, 5 steps a round."
    times = {label: [] for label in steps}
    for _ in range(rounds):
        for label, (c, s) in steps.items():
            jax.block_until_ready(c(s, jax.random.key(3)))
            t = time.perf_counter()
            for i in range(5):
                jax.block_until_ready(c(s, jax.random.key(i)))
            times[label].append((time.perf_counter() - t) / 5)
    return times


def step_times(rounds):
    data = benchmark_data("lorenz63", 0)
    runs = {"mamba, associative scan": ("mamba", "associative"), "mamba, lax.scan": ("mamba", "scan"), "lru": ("lru", "scan")}
    steps = {label: compiled_step(m, data, f) for label, (m, f) in runs.items()}
    losses = {label: float(c(s, jax.random.key(2))[1]["loss"]) for label, (c, s, _) in steps.items()}
    times = alternating_times({label: (c, s) for label, (c, s, _) in steps.items()}, rounds)
    print("| training step | ms (median) | ms (fastest round) | temp MiB | loss at init |\n|---|---:|---:|---:|---:|")
    for label, (_, _, nbytes) in steps.items():
        print(f"| {label} | {1e3 * statistics.median(times[label]):.1f} | {1e3 * min(times[label]):.1f} | "
              f"{nbytes / 2**20:.0f} | {losses[label]:.6f} |")


def one_fit(name, seed):
    "The benchmark's mamba job on lorenz63 (`run_benchmark`'s data and key), with `name`'s form; one JSON line."
    protocol, fits = Protocol(), []

    class Recorded:   # the benchmark's estimator, keeping its fitted model for the training losses
        def __init__(self, **hyper):
            self.estimator = SSMForecaster(**hyper)

        def fit(self, data, dt, *, key):
            fits.append(self.estimator.fit(data, dt, key=key))
            return fits[-1]

    method = get_method("mamba")
    data = _with_truth_geometry(benchmark_data("lorenz63", seed), protocol)
    key = jax.random.fold_in(jax.random.key(seed), zlib_crc("mamba"))
    with form(name):
        row = evaluate_method(dataclasses.replace(method, cls=Recorded), data, protocol, method.hyperparameters(), key=key)
    keep = ("fit_time", "state_space_divergence", "power_spectrum_distance", "valid_prediction_time", "prediction_error",
            "lyapunov_max")
    print(json.dumps(dict(form=name, seed=seed, final_loss=float(np.mean(np.asarray(fits[0].losses)[-50:])),
                          **{k: float(row[k]) for k in keep})))


def fits(seeds):
    rows = []
    for seed in seeds:
        for name in ("associative", "scan"):
            out = subprocess.run([sys.executable, __file__, "--one-fit", name, str(seed)], capture_output=True, text=True,
                                 check=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    print("| form | seed | fit s | loss (last 50 steps) | D_stsp | D_H | VPT (Lyapunov times) | 10-step error | lambda_max |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['form']} | {r['seed']} | {r['fit_time']:.0f} | {r['final_loss']:.2e} | {r['state_space_divergence']:.3f} | "
              f"{r['power_spectrum_distance']:.3f} | {r['valid_prediction_time']:.2f} | {r['prediction_error']:.2e} | "
              f"{r['lyapunov_max']:.3f} |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--fit", action="store_true", help="also the whole benchmark fit, before and after")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--one-fit", nargs=2, metavar=("FORM", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_fit:
        one_fit(args.one_fit[0], int(args.one_fit[1]))
    else:
        step_times(args.rounds)
        if args.fit:
            fits(args.seeds)
