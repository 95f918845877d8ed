"""Shared timing for the speed scripts in benchmarks/ (systems_vs_dysts, sindy_vs_pysindy, flows_vs_torchcfm,
gtf_vs_torch, ssm_kernels).

Every measured call runs in a fresh Python process (a child: this file run with `--child`), so that "cold" is
really cold. A child imports the modules it is told to (timed as `import`; for JAX this includes bringing up its
CPU backend with one trivial jitted call), loads the benchmark script as a module (its top level must stay
light: heavy imports go inside its functions), runs the script's `setup(**kwargs)` (timed as `setup`), then for
each named call `fn(ctx)`: the first call (cold) and `repeats` more (warm), each synchronised with
`jax.block_until_ready` when JAX is loaded. It prints its timings as one JSON line.

For dsrlab (`time_dsrlab`) the child runs twice against one JAX persistent compilation cache directory:
first empty (`cold`: what a user's first session pays), then filled by the first run (`cold_cached`: what a
second session pays). `JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0` so that every program is cached. (dsrlab
turns on a cache of its own in the user's cache folder at import unless one is configured; it leaves the one
given by `JAX_COMPILATION_CACHE_DIR` alone.) Compile time is cold minus warm; the children also record, through
`jax.monitoring`, how much of the cold call JAX spent tracing and lowering and how much XLA spent compiling (or
loading from the cache).

Peers (`time_peer`) run the same way in fresh processes, once per setting (e.g. torch thread counts); `best`
keeps, per call, the setting with the fastest warm time. A setting whose process takes more than twice as long
as the fastest so far (plus 20 s) is stopped and reported as such: on a shared CPU, two threads can be
pathologically slow.

`Report` prints the header (date, CPU, cores, load averages), the float32 matmul peak of the machine
(`jnp.dot` of 2048 x 2048, jitted, warm, best of 10) against which a script can state the fraction of peak
of its hot loop, and the fixed table of rows.
"""
from __future__ import annotations

import datetime
import importlib
import importlib.util
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

MARK = "__TIMING__ "
NAN = float("nan")


# --------------------------------------------------------------------------------------------------------------
# results

@dataclass
class Times:
    "One call's timings (seconds). `compile` is cold minus warm."
    cold: float                       # first call in a fresh process (dsrlab: empty JAX compilation cache)
    warm: float                       # best later call in the same process
    cold_cached: float = NAN          # first call in a fresh process whose persistent cache an earlier one filled
    import_s: float = NAN             # the child's imports (not part of any call)
    setup_s: float = NAN              # the child's setup (data, models; not part of any call)
    xla: dict = field(default_factory=dict)         # cold call: trace/lower and XLA seconds, programs, cache hits
    xla_cached: dict = field(default_factory=dict)  # the same for the cold call with a filled cache
    label: str = ""                   # the peer setting that gave these times
    info: dict = field(default_factory=dict)        # anything the script's `finish` returned

    @property
    def compile(self) -> float:
        return self.cold - self.warm

    def scaled(self, factor: float, label: str = "") -> "Times":
        "These times for `factor` times the work (a loop measured on a part of it)."
        return Times(self.cold + (factor - 1) * self.warm, factor * self.warm, NAN, self.import_s, self.setup_s,
                     label=label or self.label, info=self.info)


# --------------------------------------------------------------------------------------------------------------
# the child

def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return NAN


def _union(spans):
    "Total length of the union of (start, end) intervals."
    total, end = 0.0, -math.inf
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def _child(spec: dict) -> dict:
    t0 = time.perf_counter()
    for m in spec.get("imports", ()):
        importlib.import_module(m)
    use_jax = "jax" in sys.modules
    spans, counts = [], {}
    if use_jax:
        import jax
        import jax.numpy as jnp
        jax.block_until_ready(jax.jit(lambda x: x + 1)(jnp.zeros(())))  # the CPU backend is up: not part of a call
        jax.monitoring.register_event_time_span_listener(
            lambda event, start, end, **kw: spans.append((event, start, end)) if "/jax/core/compile/" in event else None)
        jax.monitoring.register_event_listener(
            lambda event, **kw: counts.__setitem__(event, counts.get(event, 0) + 1) if "compilation_cache" in event else None)
    sys.path.insert(0, os.path.dirname(os.path.abspath(spec["script"])))
    mspec = importlib.util.spec_from_file_location("_bench_script", spec["script"])
    mod = importlib.util.module_from_spec(mspec)
    mspec.loader.exec_module(mod)
    t_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    kwargs = spec.get("kwargs", {})
    ctx = getattr(mod, spec["setup"])(**kwargs) if spec.get("setup") else dict(kwargs)
    if use_jax:
        jax.block_until_ready(ctx)
    t_setup = time.perf_counter() - t0
    sync = jax.block_until_ready if use_jax else (lambda x: x)
    rss0 = _rss_mb()

    out = {"import_s": t_import, "setup_s": t_setup, "calls": {}}
    for name in spec["calls"]:
        fn = getattr(mod, name)
        spans.clear()
        counts.clear()
        t = time.perf_counter()
        sync(fn(ctx))
        cold = time.perf_counter() - t
        backend = [(a, b) for e, a, b in spans if e.endswith("backend_compile_duration")]
        xla = {"jax_s": _union([(a, b) for _, a, b in spans]), "xla_s": _union(backend), "programs": len(backend),
               "cache_hits": counts.get("/jax/compilation_cache/cache_hits", 0)} if use_jax else {}
        warm = []
        repeats = spec.get("repeats", 3)
        for _ in range(repeats.get(name, 3) if isinstance(repeats, dict) else repeats):
            t = time.perf_counter()
            sync(fn(ctx))
            warm.append(time.perf_counter() - t)
            if sum(warm) >= spec.get("warm_budget_s", math.inf):
                break
        out["calls"][name] = {"cold": cold, "warm": warm, "xla": xla}
    out["info"] = getattr(mod, spec["finish"])(ctx) if spec.get("finish") else {}
    out["rss_before_calls_mb"] = rss0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# --------------------------------------------------------------------------------------------------------------
# the parent

def run_child(script: str, calls, *, setup: str | None = None, kwargs: dict | None = None, imports=(),
              repeats: int | dict = 3, warm_budget_s: float = math.inf, finish: str | None = None,
              jax_cache_dir: str | None = None, env: dict | None = None, timeout: float | None = None) -> dict:
    """Run `calls` (names of functions of `script`, each taking the setup's context) in a fresh Python process
    and return the child's JSON: import_s, setup_s, calls {name: {cold, warm [..], xla {..}}}, info, RSS.
    Each call is repeated `repeats` times after its first (or `repeats[name]` times, 3 where a dict has no entry),
    or fewer once the repeats add up to `warm_budget_s`; with none, its warm time is NaN.
    `finish(ctx)`, if named, runs after the timings; what it returns (JSON) comes back as `info`."""
    spec = dict(script=os.path.abspath(script), calls=list(calls), setup=setup, kwargs=kwargs or {},
                imports=list(imports), repeats=repeats, warm_budget_s=warm_budget_s, finish=finish)
    child_env = dict(os.environ)
    child_env.pop("JAX_COMPILATION_CACHE_DIR", None)
    if jax_cache_dir is not None:
        child_env.update(JAX_COMPILATION_CACHE_DIR=jax_cache_dir, JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                         JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    child_env.update(env or {})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    try:
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", f.name], capture_output=True,
                              text=True, env=child_env, timeout=timeout)
    finally:
        os.unlink(f.name)
    lines = [l for l in proc.stdout.splitlines() if l.startswith(MARK)]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-6000:])
        raise SystemExit(f"child failed: {os.path.basename(script)} {setup} {list(calls)} (exit {proc.returncode})")
    return json.loads(lines[-1][len(MARK):])


def _times(res: dict, name: str, label: str = "") -> Times:
    c = res["calls"][name]
    return Times(c["cold"], min(c["warm"]) if c["warm"] else NAN, import_s=res["import_s"], setup_s=res["setup_s"],
                 xla=c["xla"], label=label, info=res.get("info") or {})


def time_dsrlab(script: str, calls, **kw) -> dict[str, Times]:
    """dsrlab's calls, each in two fresh processes sharing one JAX persistent compilation cache: empty for the
    first (cold), filled by it for the second (cold_cached). Warm is the best later call of either."""
    cache = tempfile.mkdtemp(prefix="dsrlab-jax-cache-")
    try:
        first = run_child(script, calls, jax_cache_dir=cache, **kw)
        n_entries = len(os.listdir(cache))
        second = run_child(script, calls, jax_cache_dir=cache, **kw)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    out = {}
    for name in calls:
        t = _times(first, name)
        c2 = second["calls"][name]
        t.cold_cached, t.xla_cached = c2["cold"], c2["xla"]
        t.warm = min([t.warm] + c2["warm"])
        t.info = dict(first.get("info") or {}, cache_entries=n_entries, peak_rss_mb=first["peak_rss_mb"],
                      rss_before_calls_mb=first["rss_before_calls_mb"])
        out[name] = t
    return out


def time_peer(script: str, calls, *, settings: dict[str, dict] | None = None, kwargs: dict | None = None,
              give_up: float = 2.0, **kw) -> dict[str, dict[str, Times]]:
    """The peer's calls in a fresh process for each setting (label -> extra setup kwargs); no JAX cache.
    A setting whose process runs longer than `give_up` times the fastest setting's so far (plus 20 s) is
    stopped and recorded as not the best (e.g. two threads on a CPU that other jobs keep busy).
    Returns {call: {label: Times}}; pass it to `best`."""
    out = {name: {} for name in calls}
    fastest = math.inf
    for label, extra in (settings or {"": {}}).items():
        t0 = time.perf_counter()
        try:
            res = run_child(script, calls, kwargs=dict(kwargs or {}, **extra),
                            timeout=give_up * fastest + 20 if math.isfinite(fastest) else None, **kw)
        except subprocess.TimeoutExpired:
            for name in calls:
                out[name][label] = Times(math.inf, math.inf, label=f"{label} (stopped after {fmt(time.perf_counter() - t0)})")
            continue
        fastest = min(fastest, time.perf_counter() - t0)
        for name in calls:
            t = _times(res, name, label)
            t.info = dict(t.info, peak_rss_mb=res["peak_rss_mb"], rss_before_calls_mb=res["rss_before_calls_mb"])
            out[name][label] = t
    return out


def best(by_setting: dict[str, Times]) -> Times:
    "The setting with the fastest warm time; its label says which, and lists the others' warm times."
    label, t = min(by_setting.items(), key=lambda kv: kv[1].warm)
    if len(by_setting) > 1:
        others = ", ".join(v.label if math.isinf(v.warm) else f"{k} {fmt(v.warm)}" for k, v in by_setting.items()
                           if k != label)
        t.label = f"{label} (best; {others})"
    return t


def matmul_peak_gflops(n: int = 2048, repeats: int = 10) -> float:
    "float32 GFLOP/s of a jitted, warm jnp.dot of two n x n matrices, best of `repeats` (in this process)."
    import jax
    import jax.numpy as jnp
    a = jax.random.normal(jax.random.key(0), (n, n), jnp.float32)
    b = jax.random.normal(jax.random.key(1), (n, n), jnp.float32)
    f = jax.jit(jnp.dot)
    f(a, b).block_until_ready()
    t = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        f(a, b).block_until_ready()
        t = min(t, time.perf_counter() - t0)
    return 2 * n ** 3 / t / 1e9


# --------------------------------------------------------------------------------------------------------------
# printing

def fmt(s: float | None) -> str:
    "Seconds in a unit that keeps three figures."
    if s is None or not math.isfinite(s):
        return "-"
    a = abs(s)
    if a < 1e-3:
        return f"{s * 1e6:.0f} us"
    if a < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s" if a < 100 else f"{s:.0f} s"


def _ratio(a, b) -> str:
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)) or b <= 0:
        return "-"
    r = a / b
    return f"{r:.3g}x" if r < 1000 else f"{r:.0f}x"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


COLS = [("row", 46), ("cold", 8), ("cold+cache", 10), ("warm", 8), ("compile", 8), ("peer cold", 9),
        ("peer warm", 9), ("x warm", 7), ("x cold", 7), ("%peak", 11)]


class Report:
    """Header, table rows and footer for one script. Rows go to stdout as they come."""

    def __init__(self, title: str, *, versions: str = "", settings: str = "", peak: bool = True):
        self.t0 = time.perf_counter()
        self.peak = matmul_peak_gflops() if peak else NAN
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        now = datetime.datetime.now(datetime.timezone.utc)
        print(f"== {title} ==")
        print(f"date {now:%Y-%m-%d %H:%M} UTC; machine: {_cpu_model()}, {os.cpu_count()} cores ({cores} usable), "
              f"{platform.system()} {platform.machine()}, Python {platform.python_version()}")
        print(f"load average (1, 5, 15 min) at the start: {_load()}")
        if versions:
            print(versions)
        if peak:
            print(f"float32 matmul peak (jitted jnp.dot, 2048 x 2048, warm, best of 10): {self.peak:.1f} GFLOP/s")
        if settings:
            print(settings)
        print()
        line = " ".join(f"{name:<{w}}" if i == 0 else f"{name:>{w}}" for i, (name, w) in enumerate(COLS))
        print(line)
        print("-" * len(line), flush=True)

    def frac(self, flops: float | None, seconds: float) -> str:
        if flops is None or not math.isfinite(self.peak) or not math.isfinite(seconds) or seconds <= 0:
            return "n/a"
        p = 100 * flops / seconds / 1e9 / self.peak
        return f"{p:.2g}" if p < 10 else f"{p:.0f}"

    def row(self, what: str, ours: Times | None, peer: Times | None = None, *, flops: float | None = None,
            note: str = ""):
        """One table row and its note line. `flops`: floating-point operations of the call (the hot loop); the
        %peak column is then flops / warm time / matmul peak, for dsrlab and for the peer."""
        o = ours or Times(NAN, NAN)
        p = peer or Times(NAN, NAN)
        pk = "n/a" if flops is None else f"{self.frac(flops, o.warm)}/{self.frac(flops, p.warm) if peer else '-'}"
        cells = [what, fmt(o.cold), fmt(o.cold_cached), fmt(o.warm), fmt(o.compile), fmt(p.cold), fmt(p.warm),
                 _ratio(p.warm, o.warm), _ratio(p.cold, o.cold), pk]
        print(" ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, (_, w)) in enumerate(zip(cells, COLS))))
        parts = []
        if ours is not None:
            parts.append(f"import {fmt(o.import_s)}" + (f" (peer {fmt(p.import_s)})" if peer is not None else ""))
            if o.xla:
                x, xc = o.xla, o.xla_cached
                parts.append(f"compile = JAX trace/lower {fmt(x['jax_s'] - x['xla_s'])} + XLA {fmt(x['xla_s'])} "
                             f"({x['programs']} program{'s' * (x['programs'] != 1)}) + rest {fmt(o.compile - x['jax_s'])}")
                if xc:
                    parts.append(f"with the cache: XLA {fmt(xc['xla_s'])}, {xc['cache_hits']}/{xc['programs']} hits")
        elif peer is not None:
            parts.append(f"peer import {fmt(p.import_s)}")
        if peer is not None and p.label:
            parts.append(f"peer: {p.label}")
        if note:
            parts.append(note)
        if parts:
            print("    " + "; ".join(parts), flush=True)

    def text(self, line: str = ""):
        print(line, flush=True)

    def close(self):
        print()
        print("cold: first call in a fresh process, compilation included (imports excluded, see 'import'); "
              "cold+cache: the same in a second fresh process whose JAX persistent compilation cache the first "
              "filled; warm: best later call in the same process; compile = cold - warm, split in the notes into JAX's "
              "tracing and lowering and XLA's compilation (both from jax.monitoring during the cold call) and the "
              "rest (other first-call work, and timing noise). peer cold / warm: "
              "the same for the peer at its best setting (fresh process; no JAX). x warm = peer warm / dsrlab "
              "warm, x cold = peer cold / dsrlab cold (above 1: dsrlab is faster). %peak: floating-point "
              "operations of the call / warm time / the float32 matmul peak above, dsrlab/peer "
              "(n/a: no meaningful count).")
        print(f"load average (1, 5, 15 min) at the end: {_load()}; wall time {time.perf_counter() - self.t0:.0f} s",
              flush=True)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    with open(sys.argv[2]) as f:
        _spec = json.load(f)
    print(MARK + json.dumps(_child(_spec)), flush=True)
