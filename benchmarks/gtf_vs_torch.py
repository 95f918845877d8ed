"""Shallow PLRNN trained with generalized teacher forcing: dsrlab (JAX) against PyTorch, on the same CPU.

The PyTorch side is written here from the paper's equations (Hess et al. 2023, ICML):
z_t = A z_{t-1} + W1 relu(W2 z_{t-1} + h2) + h1, identity observation (M = N = 3), forcing
z~ = (1 - alpha) z + alpha x on every step, MSE of the predictions before forcing, RAdam with
exponential learning-rate decay, batches of 16 windows of 200 steps of standardised Lorenz-63 data.
alpha is fixed on both sides, so both time the same arithmetic, and both start from the same parameters
(the paper's initialisation, drawn by dsrlab.plrnn.make_model and copied into the PyTorch tensors).
alpha = 0.3: with alpha = 0.1 the hidden-100 model's forced Jacobian products grow ((1 - alpha) G > 1 at
this initialisation) and both implementations diverged to NaN.

A row is one call of `--steps` training steps (300; 100 with --quick). Each side runs in fresh processes
(benchmarks/_timing.py): dsrlab (`train_gtf`, 50 steps per compiled call) cold, cold with a filled JAX
compilation cache, and warm (the same call again); PyTorch once per `torch.set_num_threads` setting (1 and 2 by
default; the faster is kept). %peak counts 3 B (T - 1) (4 M H + 2 H + 5 M) flops a step (the PLRNN step's
products and sums, forward and backward). After the table: each process's peak resident memory and the
training loss of the first call.

PyTorch is not a dsrlab dependency. Install it with
    .venv/bin/pip install torch==2.13.0
Run:
    .venv/bin/python benchmarks/gtf_vs_torch.py              # hidden 50 and 100, 300 steps
    .venv/bin/python benchmarks/gtf_vs_torch.py --quick      # hidden 50 and 100, 100 steps
"""
from __future__ import annotations

import argparse
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from _timing import Report, best, time_dsrlab, time_peer

M, SEQ, BATCH, ALPHA, LR0, LR1 = 3, 200, 16, 0.3, 1e-3, 1e-6


def step_flops(hidden: int) -> float:
    "Floating-point operations of one training step: the PLRNN step on every window and time, forward and backward."
    return 3 * BATCH * (SEQ - 1) * (4 * M * hidden + 2 * hidden + 5 * M)


# -- run in the children ----------------------------------------------------------------------------------------

def setup_dsrlab(hidden, steps, data, init):
    import jax
    from dsrlab.plrnn import make_model
    return dict(model=make_model("shallow", 3, M, key=jax.random.key(0), hidden=hidden), x=np.load(data), steps=steps)


def dsrlab_train(ctx):
    import jax
    from dsrlab.training import train_gtf
    res = train_gtf(ctx["model"], ctx["x"], key=jax.random.key(1), n_steps=ctx["steps"], alpha=ALPHA, seq_len=SEQ,
                    batch_size=BATCH, lr=(LR0, LR1), steps_per_call=50, progress=False)
    ctx.setdefault("loss", float(np.mean(res.history["loss"][-20:])))
    return res.model


def setup_torch(hidden, steps, data, init, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    p = np.load(init)  # written by the parent from dsrlab's make_model: the same start as the JAX side
    params = [torch.nn.Parameter(torch.from_numpy(np.array(p[k], np.float32))) for k in ("A", "W1", "W2", "h1", "h2")]
    opt = torch.optim.RAdam(params, lr=LR0)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=(LR1 / LR0) ** (1 / steps))
    return dict(params=params, opt=opt, sched=sched, x=torch.from_numpy(np.load(data)), steps=steps)


def torch_train(ctx):
    import torch
    A, W1, W2, h1, h2 = ctx["params"]
    x, opt, sched = ctx["x"], ctx["opt"], ctx["sched"]
    last = []
    for i in range(ctx["steps"]):
        idx = torch.randint(0, x.shape[0] - SEQ + 1, (BATCH,))
        xb = torch.stack([x[i:i + SEQ] for i in idx])  # (B, T, N)
        z = xb[:, 0]
        preds = []
        for t in range(1, SEQ):
            z = A * z + torch.relu(z @ W2.T + h2) @ W1.T + h1
            preds.append(z)
            z = (1 - ALPHA) * z + ALPHA * xb[:, t]
        loss = torch.mean((torch.stack(preds, 1) - xb[:, 1:]) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if i >= ctx["steps"] - 20:
            last.append(loss.detach())
    ctx.setdefault("loss", float(torch.stack(last).mean()))
    return loss


def finish(ctx):
    return {"loss": ctx["loss"]}


# -- the parent -------------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="100 training steps a call")
    p.add_argument("--steps", type=int, default=None, help="training steps a call (default 300; 100 with --quick)")
    p.add_argument("--hidden", type=int, nargs="+", default=[50, 100])
    p.add_argument("--torch-threads", type=int, nargs="+", default=None,
                   help="torch.set_num_threads settings to try (default: 1 and the number of usable cores)")
    a = p.parse_args()
    steps = a.steps or (100 if a.quick else 300)
    threads = a.torch_threads or sorted({1, len(os.sched_getaffinity(0))})
    try:
        torch_version = version("torch")
    except PackageNotFoundError:
        raise SystemExit("PyTorch is not installed; install it with: .venv/bin/pip install torch==2.13.0")
    script = os.path.abspath(__file__)
    rep = Report("Shallow PLRNN, generalized teacher forcing: dsrlab against PyTorch",
                 versions=f"jax {version('jax')}, equinox {version('equinox')}, optax {version('optax')}; torch {torch_version}",
                 settings=f"M = {M}, GTF alpha = {ALPHA}, windows of {SEQ} steps, batch {BATCH}, RAdam {LR0} -> {LR1}, "
                          f"{steps} steps a call; torch threads tried: {threads}")

    import jax
    from dsrlab.plrnn import make_model
    from dsrlab.systems import get_system
    tmp = tempfile.mkdtemp()
    x = np.asarray(get_system("lorenz63").trajectory(20_000, dt=0.01, transient=1000), np.float32)
    data = os.path.join(tmp, "data.npy")
    np.save(data, (x - x.mean(0)) / x.std(0))
    mem = []
    for hidden in a.hidden:
        init = os.path.join(tmp, f"init_{hidden}.npz")
        lat = make_model("shallow", 3, M, key=jax.random.key(0), hidden=hidden).latent
        np.savez(init, **{k: np.asarray(getattr(lat, k)) for k in ("A", "W1", "W2", "h1", "h2")})
        kw = dict(hidden=hidden, steps=steps, data=data, init=init)
        ours = time_dsrlab(script, ["dsrlab_train"], setup="setup_dsrlab", imports=["jax", "dsrlab.training"],
                           finish="finish", kwargs=kw, repeats=2)["dsrlab_train"]
        theirs = best(time_peer(script, ["torch_train"], setup="setup_torch", imports=["torch"], finish="finish",
                                kwargs=kw, repeats=2, warm_budget_s=10, settings={f"{n} thread{'s' if n > 1 else ''}": {"threads": n}
                                                                for n in threads})["torch_train"])
        rep.row(f"train {steps} steps, hidden {hidden}", ours, theirs, flops=step_flops(hidden) * steps,
                note=f"{steps / ours.warm:.0f} against {steps / theirs.warm:.0f} steps/s warm; dsrlab: "
                     f"{-(-steps // 50)} compiled calls of 50 steps (a lax.scan over time inside a lax.scan over "
                     f"steps); PyTorch: {SEQ - 1} time steps of ~6 small ops each, forward and backward, in Python")
        mem.append((hidden, ours, theirs))
    rep.text()
    for hidden, o, t in mem:
        rep.text(f"hidden {hidden}: peak RSS {o.info['peak_rss_mb']:.0f} MB dsrlab ({o.info['rss_before_calls_mb']:.0f} "
                 f"before training), {t.info['peak_rss_mb']:.0f} MB PyTorch ({t.info['rss_before_calls_mb']:.0f} before); "
                 f"mean loss over the first call's last 20 steps (dsrlab / PyTorch): "
                 f"{o.info['loss']:.4f} / {t.info['loss']:.4f}")
    rep.close()


if __name__ == "__main__":
    main()
