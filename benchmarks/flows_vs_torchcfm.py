"""Training and sampling speed of a rectified flow: dsrlab.flows (JAX) against torchcfm (PyTorch), CPU.

The same task and network on both sides: source N(0, I) in 2-D, target the 8-Gaussians mixture
(torchcfm's toy), an MLP with two hidden layers of width w and SiLU on [x, 12 sinusoidal time
features], the loss E|(x1 - x0) - v(x_t, t)|^2 with independent pairs, Adam (lr 1e-3), batch 512.
torchcfm supplies (t, x_t, u_t) through `ConditionalFlowMatcher(sigma=0)`; dsrlab runs
`train_flow` (200 steps per compiled call). Sampling: 100 Euler steps from 10,000 noise points.
Each measurement is repeated, interleaved, and the best of the repeats is kept, since the
machine may be shared.

Needs PyTorch and torchcfm, which dsrlab itself does not:
    .venv/bin/pip install torch==2.13.0            # CPU build
    .venv/bin/pip install torchcfm --no-deps pot   # torchcfm without its other dependencies
Run: .venv/bin/python benchmarks/flows_vs_torchcfm.py [--widths 64 128 256] [--repeats 3]
"""
import argparse
import math
import os
import time

import numpy as np

try:
    import torch
    from torchcfm.conditional_flow_matching import ConditionalFlowMatcher
except ImportError as e:  # pragma: no cover
    raise SystemExit(f"{e}\nInstall the peers first:\n  .venv/bin/pip install torch==2.13.0\n"
                     "  .venv/bin/pip install torchcfm --no-deps pot")

import jax
import jax.numpy as jnp

from dsrlab.flows import RectifiedFlow, sample, train_flow

BATCH, N_FREQ, LR = 512, 6, 1e-3


def eight_gaussians(n, rng, scale=5.0, std=0.5):
    "Samples of eight Gaussians on a circle, torchcfm's 2-D toy target."
    angles = rng.integers(0, 8, n) * (2 * np.pi / 8)
    centres = scale * np.stack([np.cos(angles), np.sin(angles)], 1)
    return (centres + std * rng.normal(size=(n, 2))).astype(np.float32)


class TorchVelocity(torch.nn.Module):
    "The dsrlab velocity network in PyTorch: MLP on [x, sin(pi 2^k t), cos(pi 2^k t)]."

    def __init__(self, width):
        super().__init__()
        self.register_buffer("freqs", math.pi * 2.0 ** torch.arange(N_FREQ, dtype=torch.float32))
        self.net = torch.nn.Sequential(torch.nn.Linear(2 + 2 * N_FREQ, width), torch.nn.SiLU(),
                                       torch.nn.Linear(width, width), torch.nn.SiLU(), torch.nn.Linear(width, 2))

    def forward(self, x, t):
        wt = t[:, None] * self.freqs
        return self.net(torch.cat([x, torch.sin(wt), torch.cos(wt)], 1))


def torch_train_rate(width, data, n_steps, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = TorchVelocity(width)
    opt = torch.optim.Adam(net.parameters(), LR)
    cfm = ConditionalFlowMatcher(sigma=0.0)
    data_t = torch.from_numpy(data)

    def step():
        x1 = data_t[torch.randint(0, data_t.shape[0], (BATCH,))]
        x0 = torch.randn_like(x1)
        t, xt, ut = cfm.sample_location_and_conditional_flow(x0, x1)
        loss = ((net(xt, t) - ut) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    for _ in range(20):
        step()
    start = time.perf_counter()
    for _ in range(n_steps):
        loss = step()
    float(loss.detach())
    return n_steps / (time.perf_counter() - start), net


def jax_train_rate(width, data, n_steps):
    flow = RectifiedFlow(2, width, key=jax.random.key(0))
    kw = dict(n_steps=n_steps, batch_size=BATCH, learning_rate=LR, steps_per_call=200, progress=False)
    flow, _ = train_flow(flow, data, key=jax.random.key(1), **kw)  # compiles
    start = time.perf_counter()
    flow, losses = train_flow(flow, data, key=jax.random.key(2), **kw)
    return n_steps / (time.perf_counter() - start), flow


def torch_sample_rate(net, n_points, n_euler, threads):
    torch.set_num_threads(threads)
    z0 = torch.randn(n_points, 2)
    def run():
        with torch.no_grad():
            z = z0
            for k in range(n_euler):
                z = z + net(z, torch.full((n_points,), k / n_euler)) / n_euler
        return z
    run()
    start = time.perf_counter()
    run()
    return n_points / (time.perf_counter() - start)


def jax_sample_rate(flow, n_points, n_euler):
    z0 = np.random.default_rng(0).normal(size=(n_points, 2)).astype(np.float32)
    sample(flow, z0, n_euler).block_until_ready()
    start = time.perf_counter()
    sample(flow, z0, n_euler).block_until_ready()
    return n_points / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--widths", type=int, nargs="+", default=[64, 128, 256])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steps", type=int, default=600, help="timed training steps per measurement")
    ap.add_argument("--torch-threads", type=int, nargs="+", default=None,
                    help="torch.set_num_threads settings to try (default: 1 and the number of cores)")
    args = ap.parse_args()
    data = eight_gaussians(100_000, np.random.default_rng(0))
    cores = os.cpu_count()
    threads = args.torch_threads or sorted({1, cores})
    print(f"CPU cores: {cores}; load average {os.getloadavg()[0]:.1f}; jax {jax.__version__}, torch {torch.__version__}")
    print(f"training steps/s, batch {BATCH}, best of {args.repeats} interleaved repeats of {args.steps} steps")
    print(f"{'width':>6s}{'dsrlab':>10s}" + "".join(f"{f'torchcfm {n} thr':>16s}" for n in threads) + f"{'ratio':>8s}")
    nets, flows = {}, {}
    for w in args.widths:
        j, tt = [], {n: [] for n in threads}
        for _ in range(args.repeats):
            r, flows[w] = jax_train_rate(w, data, args.steps); j.append(r)
            for n in threads:
                r, nets[w] = torch_train_rate(w, data, args.steps, n); tt[n].append(r)
        best_torch = max(max(v) for v in tt.values())
        print(f"{w:6d}{max(j):10.0f}" + "".join(f"{max(tt[n]):16.0f}" for n in threads) + f"{max(j) / best_torch:7.2f}x", flush=True)
    n_points, n_euler = 10_000, 100
    print(f"\nsampling: {n_euler} Euler steps from {n_points} points, samples/s (best of {args.repeats})")
    print(f"{'width':>6s}{'dsrlab':>10s}" + "".join(f"{f'torch {n} thr':>14s}" for n in threads) + f"{'ratio':>8s}")
    for w in args.widths:
        j = max(jax_sample_rate(flows[w], n_points, n_euler) for _ in range(args.repeats))
        tt = {n: max(torch_sample_rate(nets[w], n_points, n_euler, n) for _ in range(args.repeats)) for n in threads}
        print(f"{w:6d}{j:10.0f}" + "".join(f"{tt[n]:14.0f}" for n in threads) + f"{j / max(tt.values()):7.2f}x", flush=True)
    print("\nratio: dsrlab over the faster torchcfm setting.")


if __name__ == "__main__":
    main()
