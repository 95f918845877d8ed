"""Speed and memory of SSM kernels and forward passes: S4 (Cauchy + Woodbury), S4D (blocked Vandermonde), the naive
kernel from powers of the dense discretised matrix, the recurrence (lax.scan) and the associative scan.

H = 256 channels, state size N = 64 (N/2 = 32 complex states per channel, conjugate symmetry), L = 1,024 ... 65,536.
Times: median of `--repeats` runs after compilation, with jax.block_until_ready. Memory: XLA's buffer assignment of the
compiled function (`compiled.memory_analysis()`: temporaries, i.e. the peak of intermediate buffers, plus the output).
Run: .venv/bin/python benchmarks/ssm_kernels.py [--max-L 65536] [--repeats 3]
"""
import argparse
import math
import statistics
import time

import equinox as eqx
import jax
import jax.numpy as jnp

from dsrlab.ssm import S4, S4D, _causal_conv, _kernel_naive, _dplr_dense, _s4_kernel, _s4d_kernel, _run_recurrent, linear_scan

H, N = 256, 64
NAIVE_MAX_L = 16384          # O(H L N^2) flops: minutes beyond this on a shared 2-core CPU
SCAN_MAX_BYTES = 2 * 2**30   # the associative scan holds several (L, H, N/2) complex64 arrays


def measure(fn, *args, repeats=3):
    "(median seconds, temp+output bytes) of a jitted fn."
    lowered = jax.jit(fn).lower(*args)
    compiled = lowered.compile()
    mem = compiled.memory_analysis()
    nbytes = mem.temp_size_in_bytes + mem.output_size_in_bytes if mem is not None else float("nan")
    jax.block_until_ready(compiled(*args))
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        jax.block_until_ready(compiled(*args))
        times.append(time.perf_counter() - t)
    return statistics.median(times), nbytes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-L", type=int, default=65536)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    key = jax.random.key(0)
    s4 = S4(H, N, key=key)
    s4d = S4D(H, N, key=key)
    Ls = [L for L in (1024, 4096, 16384, 65536) if L <= args.max_L]

    def s4_params():
        return s4._Lambda(), s4.P[..., 0] + 1j * s4.P[..., 1], s4.B[..., 0] + 1j * s4.B[..., 1], \
            2 * (s4.C[..., 0] + 1j * s4.C[..., 1]), jnp.exp(s4.log_dt)

    def s4d_params():
        return s4d._Lambda(), s4d.B[..., 0] + 1j * s4d.B[..., 1], 2 * (s4d.C[..., 0] + 1j * s4d.C[..., 1]), jnp.exp(s4d.log_dt)

    rows = []
    for L in Ls:
        u = jax.random.normal(jax.random.key(1), (L, H), jnp.float32)
        lam, p, b, c, dt = s4_params()
        c_blk = math.isqrt(L - 1) + 1
        k_s4 = lambda lam, p, b, c, dt: jax.vmap(lambda *a: _s4_kernel(*a, L, 1024))(lam, p, b, c, dt)
        k_s4d = lambda lam, b, c, dt: jax.vmap(lambda *a: _s4d_kernel(*a, L, "zoh", c_blk))(lam, b, c, dt)
        k_naive = lambda lam, p, b, c, dt: jax.vmap(lambda l, p, b, c, dt: _kernel_naive(_dplr_dense(l, p), b, c, dt, L, "bilinear"))(lam, p, b, c, dt)
        fwd = lambda kern: (lambda u, *a: _causal_conv(u, kern(*a).T))
        dl, db, dc, ddt = s4d_params()

        def assoc(u, lam, b, c, dt):
            dA, dB = jnp.exp(dt[:, None] * lam), (jnp.exp(dt[:, None] * lam) - 1) / lam * b
            x = linear_scan(dA[None], dB[None] * u[:, :, None].astype(jnp.complex64))
            return 2 * jnp.real(jnp.sum(c * x, axis=-1))

        cases = [
            ("S4 (Cauchy+Woodbury)", lambda: measure(k_s4, lam, p, b, c, dt, repeats=args.repeats),
             lambda: measure(fwd(k_s4), u, lam, p, b, c, dt, repeats=args.repeats)),
            ("S4D (Vandermonde)", lambda: measure(k_s4d, dl, db, dc, ddt, repeats=args.repeats),
             lambda: measure(fwd(k_s4d), u, dl, db, dc, ddt, repeats=args.repeats)),
            ("naive powers (dense)", (lambda: measure(k_naive, lam, p, b, c, dt, repeats=1)) if L <= NAIVE_MAX_L else None,
             (lambda: measure(fwd(k_naive), u, lam, p, b, c, dt, repeats=1)) if L <= NAIVE_MAX_L else None),
            ("recurrence (lax.scan)", None, lambda: measure(lambda u, m: _run_recurrent(m, u, m.init_state())[1], u, s4d, repeats=args.repeats)),
            ("associative scan", None, (lambda: measure(assoc, u, dl, db, dc, ddt, repeats=args.repeats))
             if 3 * L * H * (N // 2) * 8 <= SCAN_MAX_BYTES else None),
        ]
        for name, kern, forward in cases:
            row = {"method": name, "L": L}
            for tag, f in (("kernel", kern), ("forward", forward)):
                if f is None:
                    row[tag] = None
                    continue
                row[tag] = f()
            rows.append(row)
            fmt = lambda r: "skipped" if r is None else f"{r[0] * 1e3:10.1f} ms {r[1] / 2**20:9.1f} MiB"
            print(f"{name:24s} L={L:6d}  kernel: {fmt(row['kernel']):28s} forward: {fmt(row['forward'])}", flush=True)

    print("\n| method | L | kernel ms | kernel MiB | forward ms | forward MiB | forward time ratio to L/4 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    prev = {}
    for r in rows:
        k, f = r["kernel"], r["forward"]
        ratio = ""
        if f is not None and (r["method"], r["L"] // 4) in prev:
            ratio = f"{f[0] / prev[(r['method'], r['L'] // 4)]:.1f}x"
        if f is not None:
            prev[(r["method"], r["L"])] = f[0]
        cell = lambda x, i, s: "skipped" if x is None else (f"{x[i] * s:.1f}")
        kcells = ("-", "-") if k is None and r["method"] in ("recurrence (lax.scan)", "associative scan") else (cell(k, 0, 1e3), cell(k, 1, 2**-20))
        print(f"| {r['method']} | {r['L']} | {kcells[0]} | {kcells[1]} | {cell(f, 0, 1e3)} | {cell(f, 1, 2**-20)} | {ratio} |")
    print("\n(ideal growth per 4x L: 4x for O(L), about 4.5-4.8x for O(L log L) at these sizes)")


if __name__ == "__main__":
    main()
