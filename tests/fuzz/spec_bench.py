"""Fuzz spec for dsrlab.bench: a good call of every public callable, each fuzzable argument wrapped in its kind.

Cheap calls only: the floor methods (last_value, mean), the Henon map and a tiny protocol; stores in a temporary folder."""
import sys
import tempfile
from pathlib import Path

import jax
import numpy as np

from harness import Call, array, fixed, integer, key, option, positive
from dsrlab import bench as b
from dsrlab.systems import get_system


def _with(call, **args):
    "`call` with arguments whose names Call's own signature takes (`name`)."
    call.args.update(args)
    return call


def calls():
    K = jax.random.key(0)
    tmp = Path(tempfile.mkdtemp(prefix="dsrlab_fuzz_bench_"))
    p = b.Protocol(n_train=1, train_length=200, n_test=1, test_length=100, context=10, lyapunov_steps=100, spread=1000,
                   n_bins=5)
    d = b.benchmark_data("henon", 0, p)
    henon = np.asarray(get_system("henon").trajectory(1500), np.float32)
    ring = np.stack([np.cos(0.1 * np.arange(1500)), np.sin(0.1 * np.arange(1500))], 1).astype(np.float32)
    store = tmp / "store.sqlite"
    b.run_benchmark("henon", "last_value,mean", [0], store, protocol=p, progress=False)
    with b.ResultStore(store, readonly=True) as db:
        rows = db.rows()
    csv_file = tmp / "data.csv"
    csv_file.write_text("x,y\n" + "".join(f"{u},{v}\n" for u, v in henon[:300]))
    m = b.get_method("mean")
    fresh = iter(range(10**6))

    def run_on_data(data, dt, lyapunov_time):
        "run_benchmark on the user's data, in a store of its own (so every call computes and gives the same numbers)."
        rows = b.run_benchmark(None, "mean", [0], tmp / f"data{next(fresh)}.sqlite", data=data, dt=dt,
                               lyapunov_time=lyapunov_time, protocol=p, progress=False)
        return [r["prediction_error"] for r in rows]

    def main(argv):
        old, sys.argv = sys.argv, argv
        try:
            b.main()
        finally:
            sys.argv = old

    return [
        Call("bench.format_table", lambda rows, columns: b.format_table(rows, columns),
             rows=fixed([{"a": 1, "b": 0.5}]), columns=fixed(["a", "b"])),
        Call("bench.Method.hyperparameters", lambda quick: m.hyperparameters(quick), quick=fixed(True)),
        Call("bench.register_method", lambda cls: b.register_method("mean", cls, family="floor").name, cls=fixed(m.cls)),
        Call("bench.list_methods", lambda quick: b.list_methods(quick), quick=fixed(True)),
        _with(Call("bench.get_method", lambda name: b.get_method(name).defaults), name=option("mean")),
        Call("bench.Protocol", b.Protocol, n_train=integer(1), train_length=integer(200, minimum=2), n_test=integer(1),
             test_length=integer(100, minimum=2), context=integer(10), pe_steps=integer(10), lyapunov_steps=integer(100),
             n_bins=integer(5, minimum=2, optional=True), sigma=positive(20.0), spread=integer(1000, minimum=2),
             test_fraction=positive(0.2), pts_per_period=positive(50.0)),
        Call("bench.benchmark_data", lambda system, seed: b.benchmark_data(system, seed, p)["train"],
             system=option("henon"), seed=integer(0, minimum=0)),
        Call("bench.exponent_from_data", lambda x, dt, nonfinite: b.exponent_from_data(x, dt, nonfinite=nonfinite),
             x=array(henon), dt=positive(1.0, optional=True), nonfinite=option("raise")),
        Call("bench.geometry_from_data", lambda x, dt, nonfinite: b.geometry_from_data(x, dt, nonfinite=nonfinite),
             x=array(100 * ring), dt=positive(0.1, optional=True), nonfinite=option("raise")),   # int dtype keeps the circle
        Call("bench.load_series", lambda path: b.load_series(path)[0], path=fixed(csv_file)),
        Call("bench.user_data", lambda trajectories, dt, lyapunov_time:
             b.user_data(trajectories, dt, p, lyapunov_time=lyapunov_time)["train"],
             trajectories=array(henon[:400]), dt=positive(0.1, optional=True), lyapunov_time=positive(2.0, optional=True)),
        Call("bench.evaluate_method", lambda method, key, bound:
             {k: v for k, v in b.evaluate_method(method, d, p, {}, key=key, bound=bound).items()
              if k in ("prediction_error", "valid_prediction_time", "generated")},
             method=option("mean"), key=key(K), bound=positive(1e4)),
        Call("bench.ResultStore", lambda path: len(b.ResultStore(path, readonly=True).rows()), path=fixed(store)),
        Call("bench.ResultStore.rows", lambda trajectories: [r["generated"] for r in
                                                              b.ResultStore(store, readonly=True).rows(trajectories)],
             trajectories=fixed(True)),
        Call("bench.ResultStore.claim", lambda timeout: b.ResultStore(tmp / "claims.sqlite").claim(
             ("henon", "mean", 0, "x"), timeout), timeout=positive(60.0)),
        Call("bench.ResultStore.to_csv", lambda path: b.ResultStore(store, readonly=True).to_csv(path).name,
             path=fixed(tmp / "rows.csv")),
        Call("bench.config_hash", lambda method: b.config_hash(method, {}, p), method=fixed("mean")),
        Call("bench.run_benchmark", lambda seeds, devices, claim_timeout:
             len(b.run_benchmark("henon", "last_value,mean", seeds, store, protocol=p, progress=False, devices=devices,
                                 claim_timeout=claim_timeout)),
             seeds=integer(1, optional=True), devices=integer(1), claim_timeout=positive(60.0)),
        # with every job in the store, scheduler="local" starts no cluster: the arguments are checked all the same
        Call("bench.run_benchmark (dask)", lambda workers:
             len(b.run_benchmark("henon", "last_value,mean", [0], store, protocol=p, progress=False, scheduler="local",
                                 workers=workers)),
             workers=integer(1, optional=True)),
        Call("bench.run_benchmark (data)", run_on_data, data=array(henon[:400]), dt=positive(0.1, optional=True),
             lyapunov_time=positive(2.0, optional=True)),
        Call("bench.zlib_crc", lambda text: b.zlib_crc(text), text=fixed("mean")),
        Call("bench.summarize", lambda rows: [t["runs"] for t in b.summarize(rows)["henon"]], rows=fixed(rows)),
        Call("bench.ranking", lambda rows: [t["mean_rank"] for t in b.ranking(rows)], rows=fixed(rows)),
        Call("bench.system_scores", lambda rows: b.system_scores(rows)["henon"], rows=fixed(rows)),
        Call("bench.friedman_test", lambda scores, alpha: b.friedman_test(scores, alpha)["statistic"],
             scores=array(np.random.default_rng(0).normal(size=(6, 3))), alpha=positive(0.05)),
        Call("bench.report_page", lambda max_points: b.report_page(store, tmp / "r.html", max_points).name,
             max_points=integer(100, minimum=2)),
        Call("bench.systems_page", lambda n_steps: b.systems_page(["henon"], tmp / "z.html", n_steps).name,
             n_steps=integer(200, minimum=10)),
        Call("bench.systems", lambda n_steps: b.systems(names="henon", html="", n_steps=n_steps), n_steps=integer(200, minimum=10)),
        Call("bench.bench", lambda seeds, devices: b.bench(systems="henon", methods="mean", seeds=seeds, quick=True,
                                                           store=str(tmp / "cli.sqlite"), devices=devices),
             seeds=integer(1, optional=True), devices=integer(1)),
        Call("bench.bench (dask)", lambda workers: b.bench(systems="henon", methods="mean", seeds=1, quick=True,
                                                           store=str(tmp / "cli.sqlite"), scheduler="local", workers=workers),
             workers=integer(1, optional=True)),   # after bench.bench, whose store holds the job
        Call("bench.report", lambda: b.report(store=str(store), html=str(tmp / "cli.html"))),
        Call("bench.main", lambda: main(["dsrlab", "systems", "--names", "henon", "--html", ""])),
    ]
