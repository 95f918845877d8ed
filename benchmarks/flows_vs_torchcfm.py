"""Training and sampling time of a rectified flow: dsrlab.flows (JAX) against torchcfm (PyTorch), CPU.

The same task and network on both sides: source N(0, I) in 2-D, target the 8-Gaussians mixture (torchcfm's toy),
an MLP with two hidden layers of width w and SiLU on [x, 12 sinusoidal time features], the loss
E|(x1 - x0) - v(x_t, t)|^2 with independent pairs, Adam (lr 1e-3), batch 512. torchcfm supplies (t, x_t, u_t)
through `ConditionalFlowMatcher(sigma=0)`; dsrlab runs `train_flow` (200 steps per compiled call). Rows: training
for `--steps` steps (600; 200 with --quick), and sampling 10,000 points with 100 Euler steps, at each width.

Each side runs in fresh processes (benchmarks/_timing.py): dsrlab cold (compilation included), cold with a filled
JAX compilation cache, and warm (the same call again); PyTorch once per `torch.set_num_threads` setting (1 and 2
by default, the fastest kept per row). %peak counts the MLP's matrix products only: 2 B (14 w + w^2 + 2 w) flops
a forward pass, three times that for a training step (forward and backward).

Needs PyTorch and torchcfm, which dsrlab itself does not:
    .venv/bin/pip install torch==2.13.0            # CPU build
    .venv/bin/pip install torchcfm --no-deps pot   # torchcfm without its other dependencies
Run:
    .venv/bin/python benchmarks/flows_vs_torchcfm.py            # widths 64, 128, 256; 600 steps
    .venv/bin/python benchmarks/flows_vs_torchcfm.py --quick    # widths 64 and 256; 200 steps
"""
import argparse
import math
import os
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from _timing import Report, best, time_dsrlab, time_peer

BATCH, N_FREQ, LR = 512, 6, 1e-3
N_POINTS, N_EULER = 10_000, 100


def eight_gaussians(n, rng, scale=5.0, std=0.5):
    "Samples of eight Gaussians on a circle, torchcfm's 2-D toy target."
    angles = rng.integers(0, 8, n) * (2 * np.pi / 8)
    centres = scale * np.stack([np.cos(angles), np.sin(angles)], 1)
    return (centres + std * rng.normal(size=(n, 2))).astype(np.float32)


def mlp_flops(width, n):
    "Multiply-adds x 2 of the MLP's forward pass on n points (input 2 + 12 time features, output 2)."
    return 2 * n * ((2 + 2 * N_FREQ) * width + width * width + width * 2)


# -- run in the children ----------------------------------------------------------------------------------------

def setup_dsrlab(width, steps):
    import jax
    from dsrlab.flows import RectifiedFlow
    z0 = np.random.default_rng(1).normal(size=(N_POINTS, 2)).astype(np.float32)
    return dict(flow=RectifiedFlow(2, width, key=jax.random.key(0)), data=eight_gaussians(100_000, np.random.default_rng(0)),
                steps=steps, z0=z0)


def dsrlab_train(ctx):
    import jax
    from dsrlab.flows import train_flow
    flow, losses = train_flow(ctx["flow"], ctx["data"], key=jax.random.key(1), n_steps=ctx["steps"], batch_size=BATCH,
                              learning_rate=LR, steps_per_call=200, progress=False)
    ctx["trained"] = flow
    return flow, losses


def dsrlab_sample(ctx):
    from dsrlab.flows import sample
    return sample(ctx["trained"], ctx["z0"], N_EULER)


def setup_torch(width, steps, threads):
    import torch
    from torchcfm.conditional_flow_matching import ConditionalFlowMatcher
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    class Velocity(torch.nn.Module):
        "The dsrlab velocity network in PyTorch: MLP on [x, sin(pi 2^k t), cos(pi 2^k t)]."

        def __init__(self):
            super().__init__()
            self.register_buffer("freqs", math.pi * 2.0 ** torch.arange(N_FREQ, dtype=torch.float32))
            self.net = torch.nn.Sequential(torch.nn.Linear(2 + 2 * N_FREQ, width), torch.nn.SiLU(),
                                           torch.nn.Linear(width, width), torch.nn.SiLU(), torch.nn.Linear(width, 2))

        def forward(self, x, t):
            wt = t[:, None] * self.freqs
            return self.net(torch.cat([x, torch.sin(wt), torch.cos(wt)], 1))

    net = Velocity()
    return dict(net=net, opt=torch.optim.Adam(net.parameters(), LR), cfm=ConditionalFlowMatcher(sigma=0.0),
                data=torch.from_numpy(eight_gaussians(100_000, np.random.default_rng(0))), steps=steps,
                z0=torch.from_numpy(np.random.default_rng(1).normal(size=(N_POINTS, 2)).astype(np.float32)))


def torch_train(ctx):
    import torch
    net, opt, cfm, data = ctx["net"], ctx["opt"], ctx["cfm"], ctx["data"]
    for _ in range(ctx["steps"]):
        x1 = data[torch.randint(0, data.shape[0], (BATCH,))]
        x0 = torch.randn_like(x1)
        t, xt, ut = cfm.sample_location_and_conditional_flow(x0, x1)
        loss = ((net(xt, t) - ut) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return float(loss.detach())


def torch_sample(ctx):
    import torch
    net, z = ctx["net"], ctx["z0"]
    with torch.no_grad():
        for k in range(N_EULER):
            z = z + net(z, torch.full((N_POINTS,), k / N_EULER)) / N_EULER
    return z


# -- the parent -------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="widths 64 and 256, 200 training steps")
    ap.add_argument("--widths", type=int, nargs="+", default=None, help="default 64 128 256 (64 256 with --quick)")
    ap.add_argument("--steps", type=int, default=None, help="training steps a call (default 600; 200 with --quick)")
    ap.add_argument("--torch-threads", type=int, nargs="+", default=None,
                    help="torch.set_num_threads settings to try (default: 1 and the number of usable cores)")
    args = ap.parse_args()
    widths = args.widths or ([64, 256] if args.quick else [64, 128, 256])
    steps = args.steps or (200 if args.quick else 600)
    repeats = 1 if args.quick else 2
    cores = len(os.sched_getaffinity(0))
    threads = args.torch_threads or sorted({1, cores})
    try:
        peers = f"torch {version('torch')}, torchcfm {version('torchcfm')}"
    except PackageNotFoundError as e:
        raise SystemExit(f"{e} is not installed. Install the peers first:\n  .venv/bin/pip install torch==2.13.0\n"
                         "  .venv/bin/pip install torchcfm --no-deps pot")
    script = os.path.abspath(__file__)
    rep = Report("Rectified flow on 8 Gaussians, CPU: dsrlab.flows against torchcfm (PyTorch)",
                 versions=f"jax {version('jax')}, equinox {version('equinox')}, optax {version('optax')}; {peers}",
                 settings=f"batch {BATCH}, Adam lr {LR}, {steps} training steps a call; sampling {N_POINTS:,} points x "
                          f"{N_EULER} Euler steps; torch threads tried: {threads}")
    for w in widths:
        ours = time_dsrlab(script, ["dsrlab_train", "dsrlab_sample"], setup="setup_dsrlab",
                           imports=["jax", "dsrlab.flows"], kwargs=dict(width=w, steps=steps), repeats=repeats)
        theirs = time_peer(script, ["torch_train", "torch_sample"], setup="setup_torch",
                           imports=["torch", "torchcfm.conditional_flow_matching"], kwargs=dict(width=w, steps=steps),
                           settings={f"{n} thread{'s' if n > 1 else ''}": {"threads": n} for n in threads},
                           repeats=repeats, warm_budget_s=10)
        tr, sa = ours["dsrlab_train"], ours["dsrlab_sample"]
        pt, ps = best(theirs["torch_train"]), best(theirs["torch_sample"])
        rep.row(f"train {steps} steps, width {w}", tr, pt, flops=3 * mlp_flops(w, BATCH) * steps,
                note=f"{steps / tr.warm:.0f} against {steps / pt.warm:.0f} steps/s warm; dsrlab: "
                     f"{-(-steps // 200)} call{'s' * (steps > 200)} of a compiled lax.scan of 200 steps (minibatches "
                     "drawn inside); PyTorch: a Python loop, each layer's forward and backward one op at a time")
        rep.row(f"sample 10,000 x 100 Euler steps, width {w}", sa, ps, flops=mlp_flops(w, N_POINTS) * N_EULER,
                note="after training, in the same process (cold: the sampler's compilation); dsrlab: one compiled "
                     "loop of 100 steps; PyTorch: 100 forward passes under no_grad")
    rep.close()


if __name__ == "__main__":
    main()
