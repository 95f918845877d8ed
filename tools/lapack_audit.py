"""Which LAPACK calls in the benchmark's compiled programs would jaxlib split over its thread pool?

jaxlib runs a batched LAPACK call on a CPU by splitting the batch over its thread pool when its estimate of the batch's
work reaches 2e5 flops (`GetLapackBatchChunkSize` in jaxlib's lapack_kernels.cc), and the pool thread that issued it
waits for the pieces: two such calls from two jobs at once can park every pool thread (chapter 0, "Linear algebra one
matrix at a time"; chapter 10, "Running the benchmark"). This runs every registered method, quick hyperparameters,
one job at a time with the compilation cache off and XLA dumping each optimised program, then lists the LAPACK calls
above that threshold (there should be none).

Run: .venv/bin/python tools/lapack_audit.py [SYSTEMS]   (default lorenz63,lorenz96,mac_arthur,henon; about 15 minutes)
"""
import collections, glob, math, os, re, subprocess, sys, tempfile

COST = {  # jaxlib's cost_per_matrix estimates (real types), by the LAPACK routine in the call's target name
    "syevd": lambda r, c: 5 * c ** 3, "getrf": lambda r, c: r * c * min(r, c), "trsm": lambda r, c: r * c * r,
    "geqrf": lambda r, c: 2 * r * c * min(r, c) - 2 * min(r, c) ** 3 // 3, "geqp3": lambda r, c: 2 * r * c * min(r, c),
    "gesdd": lambda r, c: 2 * r * c * min(r, c), "gesvd": lambda r, c: 2 * r * c * min(r, c), "potrf": lambda r, c: c ** 3 // 3,
    "orgqr": lambda r, c: 2 * r * c * c, "geev": lambda r, c: c ** 3, "gees": lambda r, c: c ** 3, "gehrd": lambda r, c: c ** 3,
    "sytrd": lambda r, c: c ** 3}
THRESHOLD = 200_000


def lapack_calls(folder):
    "Counter of (split?, target, operand shape) over the dumped optimised HLO in `folder`."
    calls = collections.Counter()
    for path in glob.glob(os.path.join(folder, "*after_optimizations.txt")):
        for line in open(path):
            m = re.search(r'custom_call_target="([^"]*lapack[^"]*)"', line)
            if not m or "custom-call(" not in line:
                continue
            shapes = re.findall(r"[fc](?:32|64|128)\[([0-9,]*)\]", line.split("custom-call(")[1])
            dims = [int(d) for d in shapes[0].split(",") if d] if shapes else []
            if len(dims) < 2:
                continue
            batch, (r, c) = math.prod(dims[:-2]), dims[-2:]
            cost = next((f(r, c) for k, f in COST.items() if k in m.group(1)), r * c * c)
            calls[(batch > 1 and batch * cost >= THRESHOLD, m.group(1), tuple(dims))] += 1
    return calls


def main():
    systems = sys.argv[1] if len(sys.argv) > 1 else "lorenz63,lorenz96,mac_arthur,henon"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DSRLAB_COMPILATION_CACHE": "off",
               "XLA_FLAGS": f"--xla_dump_to={tmp}/hlo --xla_dump_hlo_as_text"}
        code = ("from dsrlab.bench import run_benchmark, list_methods\n"
                f"rows = run_benchmark({systems!r}, list_methods(), 1, {tmp + '/s.sqlite'!r}, quick=True, progress=False, threads=1)\n"
                "print(len(rows), 'jobs')")
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        calls = lapack_calls(f"{tmp}/hlo")
    for (split, target, dims), n in sorted(calls.items()):
        print(f"{'SPLIT ' if split else 'inline'} {target:28s} {str(dims):24s} {n} programs")
    print(f"{sum(s for s, _, _ in calls)} kinds of call that jaxlib would split, {len(calls)} kinds in all")


if __name__ == "__main__":
    main()
