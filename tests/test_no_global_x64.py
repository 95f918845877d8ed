"Importing dsrlab, or running one of its float64 steps, never turns on JAX's float64 for the user."
import subprocess
import sys
import textwrap



def _run(code: str) -> subprocess.CompletedProcess:
    "Run `code` in a fresh interpreter (JAX's config is process-wide), with float64 off in the environment."
    env = {k: v for k, v in __import__("os").environ.items() if k != "JAX_ENABLE_X64"}
    env["JAX_PLATFORMS"] = env.get("JAX_PLATFORMS", "cpu")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=600)


_CHECK = """
    def check(where):
        assert jax.config.jax_enable_x64 is False, f"jax_enable_x64 was turned on by {where}"
        assert jnp.array(1.0).dtype == jnp.float32, f"the default float dtype is {jnp.array(1.0).dtype} after {where}"
"""


def test_importing_every_module_leaves_float32():
    r = _run(_CHECK + """
    import importlib, pkgutil
    import jax, jax.numpy as jnp
    import dsrlab
    names = sorted(m.name for m in pkgutil.iter_modules(dsrlab.__path__) if m.name != "_modidx")
    expected = {"core", "systems", "metrics", "hippo", "ssm", "koopman", "sindy", "plrnn", "training", "flows",
                "bench", "viz", "parallel"}
    assert expected <= set(names), sorted(expected - set(names))
    for name in names:
        importlib.import_module(f"dsrlab.{name}")
        check(f"importing dsrlab.{name}")
    print("ok", len(names))
    """)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.startswith("ok")


def test_float64_steps_leave_float32():
    r = _run(_CHECK + """
    import warnings
    warnings.filterwarnings("error", message=".*Explicitly requested dtype.*")   # no silent float32 truncation either
    import jax, jax.numpy as jnp, numpy as np
    from dsrlab.core import x64
    from dsrlab.systems import get_system, lyapunov_spectrum
    from dsrlab.koopman import ResDMD, RadialBasis, snapshot_pairs
    from dsrlab.metrics import state_space_divergence

    lorenz = get_system("lorenz63")
    check("get_system")
    spec = lyapunov_spectrum(lorenz, n_steps=200)
    check("lyapunov_spectrum")
    assert spec.dtype == jnp.float64 and spec.shape == (3,)

    x = lorenz.trajectory(600, transient=100)
    check("trajectory")
    assert x.dtype == jnp.float32                       # the default output dtype is float32 ...
    assert lorenz.trajectory(10, dtype=jnp.float64).dtype == jnp.float64   # ... and float64 on request
    check("trajectory(dtype=float64)")

    X, Y = snapshot_pairs(x)
    model = ResDMD(RadialBasis.at_kmeans(X, 30, key=jax.random.key(0)), epsilon=0.5).fit(X, Y)
    check("ResDMD.fit")
    assert model.C.dtype == jnp.float64
    lam, res = model.eigenvalues, model.residuals
    check("ResDMD.eigenvalues")
    assert np.all(np.isfinite(np.asarray(res)))

    d = state_space_divergence(x, x + 0.01)
    check("state_space_divergence")

    # float32 arithmetic with the float64 parameters stays float32 and quiet
    assert lorenz.rhs(0.0, jnp.ones(3)).dtype == jnp.float32
    check("rhs")

    # x64() turns float64 on inside its block only, and restores the setting afterwards
    with x64():
        assert jnp.array(1.0).dtype == jnp.float64
    check("leaving x64()")
    print("ok")
    """)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().endswith("ok")
