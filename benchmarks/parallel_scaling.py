"""Throughput of `dsrlab.parallel.train_ensemble` on 1, 2 and 4 (simulated CPU) devices.

Each device count needs its own process (XLA fixes the device count at start-up). Simulated CPU devices share the
machine's cores, so the speed-up is bounded by the number of cores; on GPUs each device is real hardware.

    python benchmarks/parallel_scaling.py [--members 32] [--steps 300] [--devices 1,2,4]
"""
import argparse
import json
import os
import subprocess
import sys

WORKER = r"""
import json, time, jax, jax.numpy as jnp, numpy as np
from dsrlab.parallel import ensemble_mesh, train_ensemble
from dsrlab.systems import get_system
from dsrlab.core import standardize
E, steps, n = {members}, {steps}, {n}
x = np.asarray(standardize(get_system("henon").trajectory(500, transient=100))[0])
data = np.stack([x] * E); keys = jnp.stack([jax.random.key(i) for i in range(E)]); lrs = jnp.full(E, 3e-3)
mesh = ensemble_mesh(n)
t0 = time.perf_counter(); jax.block_until_ready(train_ensemble(keys, data, lrs, n_steps=steps, mesh=mesh)); first = time.perf_counter() - t0
times = []
for _ in range(3):
    t0 = time.perf_counter(); jax.block_until_ready(train_ensemble(keys, data, lrs, n_steps=steps, mesh=mesh)); times.append(time.perf_counter() - t0)
print(json.dumps(dict(first=first, best=min(times))))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=32)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--devices", default="1,2,4")
    a = ap.parse_args()
    rows = []
    for n in [int(v) for v in a.devices.split(",")]:
        env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={n}", "JAX_PLATFORMS": "cpu"}
        r = subprocess.run([sys.executable, "-c", WORKER.format(members=a.members, steps=a.steps, n=n)],
                           capture_output=True, text=True, env=env)
        if r.returncode:
            sys.exit(r.stderr[-2000:])
        rows.append((n, json.loads(r.stdout.strip().splitlines()[-1])))
    base = rows[0][1]["best"]
    print(f"{a.members} members x {a.steps} Adam steps, {os.cpu_count()} CPU cores\n")
    print(f"{'devices':>7}  {'compile+run s':>13}  {'run s':>7}  {'members/s':>9}  {'speed-up':>8}")
    for n, r in rows:
        print(f"{n:>7}  {r['first']:>13.2f}  {r['best']:>7.3f}  {a.members / r['best']:>9.1f}  {base / r['best']:>8.2f}")


if __name__ == "__main__":
    main()
