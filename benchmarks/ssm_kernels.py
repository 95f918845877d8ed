"""Speed and memory of SSM kernels and forward passes: S4 (Cauchy + Woodbury), S4D (blocked Vandermonde), the
naive kernel from powers of the dense discretised matrix, the recurrence (lax.scan) and the associative scan;
and, as the peer, the S4D kernel and FFT convolution of the S4D paper's minimal PyTorch module (Gu et al. 2022,
`s4d.py` of the state-spaces repository: the Vandermonde product materialised as a (H, N/2, L) complex tensor,
`torch.einsum`, `torch.fft.rfft` of length 2L), written here from its equations, on the same parameters.

H = 256 channels, state size N = 64 (N/2 = 32 complex states per channel, conjugate symmetry), one sequence of
L = 1,024 ... 65,536 steps (`--max-L`; 1,024 with --quick). Each (method, L) runs in fresh processes
(benchmarks/_timing.py): the kernel and then the forward pass (kernel + causal convolution), each compiled ahead
of time (`jax.jit(f).lower(...).compile()`) inside its first, cold call; cold with a filled JAX compilation cache;
warm: the best of up to `--repeats` later calls. Memory: XLA's buffer assignment of the compiled function
(`memory_analysis()`: temporaries plus output). PyTorch once per `torch.set_num_threads` setting (1 and 2; the
faster kept), up to L = 16,384 (its (H, N/2, L) complex64 tensors need 4 GiB at 65,536). %peak counts the
S4D Vandermonde product (8 flops per complex multiply-add: 8 H (N/2) L), plus the FFTs for the forward
(3 transforms of n = 2L points, 2.5 n log2 n each, and the product, per channel), and the naive kernel's dense
matrix-vector products (8 H L (N/2)^2); n/a for the others.

Run:
    .venv/bin/python benchmarks/ssm_kernels.py              # L = 1,024 ... 65,536 (several minutes)
    .venv/bin/python benchmarks/ssm_kernels.py --quick      # L = 1,024
"""
import argparse
import math
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from _timing import Report, best, time_dsrlab, time_peer

H, N = 256, 64
NAIVE_MAX_L = 16384          # O(H L N^2) flops in a sequential scan: minutes beyond this on a 2-core CPU
SCAN_MAX_BYTES = 2 * 2**30   # the associative scan holds several (L, H, N/2) complex64 arrays
TORCH_MAX_L = 16384          # the reference materialises (H, N/2, L) complex64
METHODS = ["S4 (Cauchy+Woodbury)", "S4D (Vandermonde)", "naive powers (dense)", "recurrence (lax.scan)",
           "associative scan"]


def fft_flops(L):
    n = 1 << (2 * L - 1).bit_length()
    return H * (3 * 2.5 * n * math.log2(n) + 6 * (n // 2 + 1))


def flops(method, what, L):
    if method.startswith("S4D") or method.startswith("PyTorch"):
        k = 8 * H * (N // 2) * L
        return k if what == "kernel" else k + fft_flops(L)
    if method.startswith("naive"):
        k = 8 * H * L * ((N // 2) ** 2 + N // 2)
        return k if what == "kernel" else k + fft_flops(L)
    return None


def runs(method, L):
    "Which of kernel and forward a method has at this L (skipping what is too slow or too large)."
    if method.startswith("naive") and L > NAIVE_MAX_L:
        return []
    if method == "associative scan":
        return ["forward"] if 3 * L * H * (N // 2) * 8 <= SCAN_MAX_BYTES else []
    if method.startswith("recurrence"):
        return ["forward"]
    return ["kernel", "forward"]


# -- run in the children ----------------------------------------------------------------------------------------

def setup_dsrlab(method, L, out):
    import jax
    import jax.numpy as jnp
    from dsrlab.ssm import (S4, S4D, _causal_conv, _dplr_dense, _kernel_naive, _run_recurrent, _s4_kernel,
                            _s4d_kernel, linear_scan)
    key = jax.random.key(0)
    u = jnp.asarray(np.random.default_rng(1).normal(size=(L, H)).astype(np.float32))
    ctx = dict(out=out, method=method)
    if method.startswith("S4 ") or method.startswith("naive"):
        s4 = S4(H, N, key=key)
        args = (s4._Lambda(), s4.P[..., 0] + 1j * s4.P[..., 1], s4.B[..., 0] + 1j * s4.B[..., 1],
                2 * (s4.C[..., 0] + 1j * s4.C[..., 1]), jnp.exp(s4.log_dt))
        if method.startswith("S4 "):
            kern = lambda lam, p, b, c, dt: jax.vmap(lambda *a: _s4_kernel(*a, L, 1024))(lam, p, b, c, dt)
        else:
            kern = lambda lam, p, b, c, dt: jax.vmap(
                lambda l, p, b, c, dt: _kernel_naive(_dplr_dense(l, p), b, c, dt, L, "bilinear"))(lam, p, b, c, dt)
    else:
        s4d = S4D(H, N, key=key)
        args = (s4d._Lambda(), s4d.B[..., 0] + 1j * s4d.B[..., 1], 2 * (s4d.C[..., 0] + 1j * s4d.C[..., 1]),
                jnp.exp(s4d.log_dt))
        c_blk = math.isqrt(L - 1) + 1
        kern = lambda lam, b, c, dt: jax.vmap(lambda *a: _s4d_kernel(*a, L, "zoh", c_blk))(lam, b, c, dt)
    if method.startswith("recurrence"):
        ctx["forward"] = (lambda u, m: _run_recurrent(m, u, m.init_state())[1], (u, s4d))
    elif method == "associative scan":
        def assoc(u, lam, b, c, dt):
            dA, dB = jnp.exp(dt[:, None] * lam), (jnp.exp(dt[:, None] * lam) - 1) / lam * b
            x = linear_scan(dA[None], dB[None] * u[:, :, None].astype(jnp.complex64))
            return 2 * jnp.real(jnp.sum(c * x, axis=-1))
        ctx["forward"] = (assoc, (u,) + args)
    else:
        ctx["kernel"] = (kern, args)
        ctx["forward"] = (lambda u, *a: _causal_conv(u, kern(*a).T), (u,) + args)
    return ctx


def _aot(ctx, what):
    "The compiled function, compiled ahead of time on the first (cold) call, then applied."
    import jax
    fn, args = ctx[what]
    key = what + "_compiled"
    if key not in ctx:
        ctx[key] = jax.jit(fn).lower(*args).compile()
    out = ctx[key](*args)
    ctx[what + "_out"] = out
    return out


def kernel(ctx):
    return _aot(ctx, "kernel")


def forward(ctx):
    return _aot(ctx, "forward")


def finish_dsrlab(ctx):
    info = {}
    for what in ("kernel", "forward"):
        c = ctx.get(what + "_compiled")
        m = c.memory_analysis() if c is not None else None
        if m is not None:
            info[what + "_bytes"] = m.temp_size_in_bytes + m.output_size_in_bytes
    if ctx["method"].startswith("S4D") and "kernel_out" in ctx:
        np.save(ctx["out"], np.asarray(ctx["kernel_out"]))
    return info


def setup_torch(L, params, threads, out):
    import torch
    torch.set_num_threads(threads)
    p = np.load(params)
    c = lambda a: torch.from_numpy(np.asarray(a, np.complex64))
    return dict(lam=c(p["lam"]), b=c(p["b"]), c=c(p["c"]), dt=torch.from_numpy(np.asarray(p["dt"], np.float32)),
                u=torch.from_numpy(np.random.default_rng(1).normal(size=(1, H, L)).astype(np.float32)), L=L, out=out)


def _torch_kernel(ctx):
    "S4DKernel.forward of the S4D paper's minimal module: the Vandermonde product, materialised."
    import torch
    lam, L = ctx["lam"], ctx["L"]
    dtA = lam * ctx["dt"][:, None]                                         # (H, N/2)
    K = dtA[..., None] * torch.arange(L)                                   # (H, N/2, L)
    C = ctx["c"] * ctx["b"] * (torch.exp(dtA) - 1.0) / lam                 # C B (exp(dt A) - 1) / A
    return torch.einsum("hn,hnl->hl", C, torch.exp(K)).real                # (H, L); the 2 is in c


def torch_kernel(ctx):
    k = _torch_kernel(ctx)
    ctx["k"] = k
    return k


def torch_forward(ctx):
    "S4D.forward's convolution: rfft of kernel and input at length 2L, product, irfft, first L."
    import torch
    u, L = ctx["u"], ctx["L"]
    k = _torch_kernel(ctx)
    y = torch.fft.irfft(torch.fft.rfft(u, n=2 * L) * torch.fft.rfft(k, n=2 * L), n=2 * L)[..., :L]
    return y


def finish_torch(ctx):
    if "k" in ctx:
        np.save(ctx["out"], ctx["k"].numpy())
    return {}


# -- the parent -------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="L = 1,024 only")
    ap.add_argument("--max-L", type=int, default=65536)
    ap.add_argument("--repeats", type=int, default=3, help="warm calls at most (fewer once they add up to 10 s)")
    ap.add_argument("--torch-threads", type=int, nargs="+", default=None,
                    help="torch.set_num_threads settings to try (default: 1 and the number of usable cores)")
    args = ap.parse_args()
    Ls = [L for L in (1024, 4096, 16384, 65536) if L <= (1024 if args.quick else args.max_L)]
    threads = args.torch_threads or sorted({1, len(os.sched_getaffinity(0))})
    try:
        peer_v = f"torch {version('torch')}"
    except PackageNotFoundError:
        peer_v, threads = "torch not installed (no peer rows; .venv/bin/pip install torch==2.13.0)", []
    script = os.path.abspath(__file__)
    rep = Report(f"SSM kernels and forward passes, H = {H}, N = {N}: dsrlab.ssm, and the S4D reference in PyTorch",
                 versions=f"jax {version('jax')}; {peer_v}",
                 settings=f"L = {', '.join(f'{L:,}' for L in Ls)}; warm: best of up to {args.repeats} calls; "
                          f"torch threads tried: {threads}")
    import jax.numpy as jnp
    import jax
    from dsrlab.ssm import S4D
    s4d = S4D(H, N, key=jax.random.key(0))  # the children build the same layer from the same key
    tmp = tempfile.mkdtemp()
    params = os.path.join(tmp, "s4d.npz")
    np.savez(params, lam=np.asarray(s4d._Lambda()), b=np.asarray(s4d.B[..., 0] + 1j * s4d.B[..., 1]),
             c=np.asarray(2 * (s4d.C[..., 0] + 1j * s4d.C[..., 1])), dt=np.asarray(jnp.exp(s4d.log_dt)))
    prev, checks = {}, []
    for L in Ls:
        peer = {}
        if threads and L <= TORCH_MAX_L:
            res = time_peer(script, ["torch_kernel", "torch_forward"], setup="setup_torch", imports=["torch"],
                            finish="finish_torch", repeats=args.repeats, warm_budget_s=10,
                            kwargs=dict(L=L, params=params, out=os.path.join(tmp, f"torch_{L}.npy")),
                            settings={f"{n} thread{'s' if n > 1 else ''}": {"threads": n} for n in threads})
            peer = {"kernel": best(res["torch_kernel"]), "forward": best(res["torch_forward"])}
        for method in METHODS:
            todo = runs(method, L)
            if not todo:
                rep.row(f"{method}, L={L:,}", None, note="skipped: " + ("O(H L N^2) sequential" if method.startswith(
                    "naive") else "its (L, H, N/2) complex arrays exceed 2 GiB"))
                continue
            res = time_dsrlab(script, todo, setup="setup_dsrlab", imports=["jax", "dsrlab.ssm"], finish="finish_dsrlab",
                              repeats=args.repeats, warm_budget_s=10,
                              kwargs=dict(method=method, L=L, out=os.path.join(tmp, f"s4d_{L}.npy")))
            for what in todo:
                t = res[what]
                pt = peer.get(what) if method.startswith("S4D") else None
                mib = t.info.get(f"{what}_bytes", float("nan")) / 2**20
                growth = f"; {t.warm / prev[(method, what)]:.1f}x the time at L/4" if (method, what) in prev else ""
                prev[(method, what)] = t.warm
                note = f"XLA memory {mib:.1f} MiB{growth}"
                if pt is not None:
                    note += "; peer materialises (H, N/2, L) exp(dt A l) and contracts it with einsum"
                rep.row(f"{method.split(' (')[0]} {what}, L={L:,}", t, pt, flops=flops(method, what, L), note=note)
        ours_k, theirs_k = os.path.join(tmp, f"s4d_{L}.npy"), os.path.join(tmp, f"torch_{L}.npy")
        if os.path.exists(ours_k) and os.path.exists(theirs_k):
            a, b = np.load(ours_k), np.load(theirs_k)
            checks.append(f"L={L:,}: largest |dsrlab - PyTorch| S4D kernel entry {np.abs(a - b).max():.1e} "
                          f"(largest entry {np.abs(a).max():.2f})")
    rep.text()
    for line in checks:
        rep.text(line)
    rep.text("ideal growth of time per 4x L: 4x for O(L), about 4.5-4.8x for O(L log L) at these sizes")
    rep.close()


if __name__ == "__main__":
    main()
