"""Shallow PLRNN trained with generalized teacher forcing: dsrlab (JAX) against PyTorch, on the same CPU.

The PyTorch side is written here from the paper's equations (Hess et al. 2023, ICML):
z_t = A z_{t-1} + W1 relu(W2 z_{t-1} + h2) + h1, identity observation (M = N = 3), forcing
z~ = (1 - alpha) z + alpha x on every step, MSE of the predictions before forcing, RAdam with
exponential learning-rate decay, batches of 16 windows of 200 steps. alpha is fixed on both sides,
so both time the same arithmetic, and both start from the same parameters (the paper's initialisation,
drawn by dsrlab.plrnn.make_model and copied into the PyTorch tensors). alpha = 0.3: with alpha = 0.1
the hidden-100 model's forced Jacobian products grow ((1 - alpha) G > 1 at this initialisation) and
both implementations diverged to NaN.

Each measurement runs in its own subprocess, so peak memory (max RSS) is per framework:
we report the peak RSS and its increase over the process's RSS just before training.

PyTorch is not a dsrlab dependency. Install it with
    .venv/bin/pip install torch==2.13.0
Run:
    .venv/bin/python benchmarks/gtf_vs_torch.py [--steps 300] [--hidden 50 100]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

M, SEQ, BATCH, ALPHA, LR0, LR1 = 3, 200, 16, 0.3, 1e-3, 1e-6


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _data():
    import numpy as np
    from dsrlab.systems import get_system
    x = np.asarray(get_system("lorenz63").trajectory(20_000, dt=0.01, transient=1000), np.float32)
    return (x - x.mean(0)) / x.std(0)


def _write_init(hidden: int, path: str):
    "The JAX worker's initial parameters (make_model with key 0), saved for the PyTorch worker."
    import jax
    import numpy as np
    from dsrlab.plrnn import make_model
    lat = make_model("shallow", 3, M, key=jax.random.key(0), hidden=hidden).latent
    np.savez(path, A=np.asarray(lat.A), W1=np.asarray(lat.W1), W2=np.asarray(lat.W2), h1=np.asarray(lat.h1), h2=np.asarray(lat.h2))


def worker_jax(hidden: int, steps: int) -> dict:
    import jax
    from dsrlab.plrnn import make_model
    from dsrlab.training import train_gtf
    x = _data()
    model = make_model("shallow", 3, M, key=jax.random.key(0), hidden=hidden)
    kw = dict(n_steps=steps, alpha=ALPHA, seq_len=SEQ, batch_size=BATCH, lr=(LR0, LR1), steps_per_call=50, progress=False)
    t0 = time.perf_counter()
    train_gtf(model, x, key=jax.random.key(1), **kw)  # compiles, then trains
    first = time.perf_counter() - t0
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    res = train_gtf(model, x, key=jax.random.key(1), **kw)  # same settings: the compiled step is reused
    jax.block_until_ready(res.model)
    dt = time.perf_counter() - t0
    return {"steps_per_s": steps / dt, "first_call_s": first, "peak_mb": _peak_mb(), "rss_before_mb": rss0,
            "final_loss": float(res.history["loss"][-20:].mean())}


def worker_torch(hidden: int, steps: int, init_file: str) -> dict:
    import numpy as np
    import torch
    torch.set_num_threads(1)  # tiny matrices: one thread is PyTorch's fastest setting (no thread spin-up per op)
    torch.manual_seed(0)
    x = torch.from_numpy(_data())
    init = np.load(init_file)  # written by the parent from dsrlab's make_model: the same start as the JAX side
    P_ = lambda a: torch.nn.Parameter(torch.from_numpy(np.array(a, np.float32)))
    A, W1, W2, h1, h2 = (P_(init[k]) for k in ("A", "W1", "W2", "h1", "h2"))
    params = [A, W1, W2, h1, h2]
    opt = torch.optim.RAdam(params, lr=LR0)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=(LR1 / LR0) ** (1 / steps))

    def step(z):
        return A * z + torch.relu(z @ W2.T + h2) @ W1.T + h1

    def train(n):
        for _ in range(n):
            idx = torch.randint(0, x.shape[0] - SEQ + 1, (BATCH,))
            xb = torch.stack([x[i:i + SEQ] for i in idx])  # (B, T, N)
            z = xb[:, 0]
            preds = []
            for t in range(1, SEQ):
                z = step(z)
                preds.append(z)
                z = (1 - ALPHA) * z + ALPHA * xb[:, t]
            loss = torch.mean((torch.stack(preds, 1) - xb[:, 1:]) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        return float(loss)

    t0 = time.perf_counter()
    train(10)  # warm-up
    first = time.perf_counter() - t0
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    loss = train(steps)
    dt = time.perf_counter() - t0
    return {"steps_per_s": steps / dt, "first_call_s": first, "peak_mb": _peak_mb(), "rss_before_mb": rss0,
            "final_loss": loss, "torch_threads": torch.get_num_threads()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--hidden", type=int, nargs="+", default=[50, 100])
    p.add_argument("--worker", choices=["jax", "torch"])
    p.add_argument("--init", default="")
    a = p.parse_args()
    if a.worker:
        out = worker_jax(a.hidden[0], a.steps) if a.worker == "jax" else worker_torch(a.hidden[0], a.steps, a.init)
        print("RESULT " + json.dumps(out))
        return
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed; install it with: .venv/bin/pip install torch==2.13.0\n")
    print(f"shallow PLRNN, M = {M}, GTF alpha = {ALPHA}, seq {SEQ}, batch {BATCH}, {a.steps} timed steps, "
          f"CPU cores visible: {os.cpu_count()}\n")
    rows = []
    tmp = tempfile.mkdtemp()
    for hidden in a.hidden:
        res = {}
        init = os.path.join(tmp, f"init_{hidden}.npz")
        _write_init(hidden, init)
        for w in (["jax", "torch"] if have_torch else ["jax"]):
            cmd = [sys.executable, __file__, "--worker", w, "--hidden", str(hidden), "--steps", str(a.steps), "--init", init]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
            if proc.returncode or not line:
                print(proc.stdout[-2000:], proc.stderr[-3000:])
                raise SystemExit(f"{w} worker failed")
            res[w] = json.loads(line[0][7:])
        rows.append((hidden, res))
    hdr = f"{'hidden':>6} | {'framework':>9} | {'steps/s':>8} | {'first call s':>12} | {'peak RSS MB':>11} | {'RSS before MB':>13} | {'final loss':>10}"
    print(hdr); print("-" * len(hdr))
    for hidden, res in rows:
        for w, r in res.items():
            print(f"{hidden:>6} | {w:>9} | {r['steps_per_s']:>8.1f} | {r['first_call_s']:>12.2f} | {r['peak_mb']:>11.0f} | "
                  f"{r['rss_before_mb']:>13.0f} | {r['final_loss']:>10.4f}")
        if "torch" in res:
            print(f"{hidden:>6} | {'ratio':>9} | {res['jax']['steps_per_s'] / res['torch']['steps_per_s']:>7.1f}x | "
                  f"{'':>12} | {res['jax']['peak_mb'] / res['torch']['peak_mb']:>10.2f}x |")


if __name__ == "__main__":
    main()
