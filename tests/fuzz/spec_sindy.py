"Good calls of dsrlab.sindy's public callables, for the fuzz harness."
import contextlib
import io

import jax
import jax.numpy as jnp
import numpy as np

from dsrlab import sindy
from dsrlab.sindy import (CustomLibrary, EnsembleSINDy, FiniteDifference, FourierLibrary, IdentityLibrary,
                          PolynomialLibrary, SINDy, SmoothedFiniteDifference, SpectralDerivative, SR3, STLSQ,
                          TotalVariationDerivative, WeakSINDy)
from dsrlab.systems import get_system
from harness import Call, array, fixed, integer, key, option, positive, real


def _quiet(fn):
    "fn, with what it prints swallowed."
    def run(**kw):
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(**kw)
    return run


def calls():
    dt = 0.01
    x = np.asarray(get_system("lorenz63").trajectory(300, dt=dt), np.float32)           # (300, 3)
    t = np.arange(300) * dt
    rng = np.random.default_rng(0)
    u = rng.normal(size=(300, 1)).astype(np.float32)
    x_dot = np.asarray(FiniteDifference()(jnp.asarray(x, jnp.float32), dt), np.float32)
    theta = np.asarray(PolynomialLibrary(2).transform(jnp.asarray(x)), np.float64)
    y = np.asarray(x_dot, np.float64)
    K = jax.random.key(0)
    model = SINDy(PolynomialLibrary(2), STLSQ(threshold=0.1)).fit(x, dt)
    ens = EnsembleSINDy(STLSQ(threshold=0.1), n_models=4)
    members = np.asarray(ens.members(theta, y, key=K))
    lib, poly = PolynomialLibrary(2), PolynomialLibrary(2)
    return [
        # libraries
        Call("sindy.PolynomialLibrary", lambda degree: PolynomialLibrary(degree).transform(jnp.asarray(x)), degree=integer(2, minimum=0)),
        Call("sindy.PolynomialLibrary.transform", lib.transform, x=array(x)),
        Call("sindy.PolynomialLibrary.__call__", lib, x=array(x[0])),
        Call("sindy.Library.n_features", lib.n_features, n_inputs=integer(3)),
        Call("sindy.Library.feature_names", lambda input_names: len(lib.feature_names(input_names)), input_names=fixed(["a", "b"])),
        Call("sindy.IdentityLibrary", IdentityLibrary().transform, x=array(x)),
        Call("sindy.FourierLibrary", lambda n_frequencies, x: FourierLibrary(n_frequencies).transform(x),
             n_frequencies=integer(2), x=array(x)),
        Call("sindy.CustomLibrary", CustomLibrary([jnp.exp, lambda a, b: a * jnp.sin(b)]).transform, x=array(x / 20)),
        Call("sindy.ConcatLibrary", (poly + FourierLibrary()).transform, x=array(x)),
        Call("sindy.TensorLibrary", (IdentityLibrary() * FourierLibrary()).transform, x=array(x)),
        # differentiators
        Call("sindy.FiniteDifference", lambda x, dt, order, d: FiniteDifference(order, d)(x, dt),
             x=array(x), dt=positive(dt), order=integer(2), d=integer(1)),
        Call("sindy.Differentiator.smoothed", FiniteDifference().smoothed, x=array(x)),
        Call("sindy.SmoothedFiniteDifference", lambda x, dt, window_length, polyorder, order:
             SmoothedFiniteDifference(window_length, polyorder, order)(x, dt),
             x=array(x), dt=positive(dt), window_length=integer(11, minimum=3), polyorder=integer(3, minimum=0), order=integer(2)),
        Call("sindy.SmoothedFiniteDifference.smooth", SmoothedFiniteDifference().smooth, x=array(x)),
        Call("sindy.SpectralDerivative", SpectralDerivative(), x=array(x), dt=positive(dt)),
        Call("sindy.TotalVariationDerivative", lambda x, dt, alpha, n_iter, n_cg:
             TotalVariationDerivative(alpha, n_iter, n_cg)(x, dt),
             x=array(x[:100]), dt=positive(dt), alpha=positive(0.1), n_iter=integer(20), n_cg=integer(5)),
        Call("sindy.TotalVariationDerivative.smooth", TotalVariationDerivative(n_iter=20, n_cg=5).smooth, x=array(x[:100])),
        # optimisers
        Call("sindy.STLSQ", lambda theta, y, threshold, alpha, max_iter: STLSQ(threshold, alpha, max_iter).fit(theta, y),
             theta=array(theta), y=array(y), threshold=positive(0.1, allow_zero=True), alpha=positive(0.05, allow_zero=True),
             max_iter=integer(10)),
        Call("sindy.Optimizer.fit", lambda theta, y, key: STLSQ().fit(theta, y, key=key), theta=array(theta), y=array(y),
             key=key(K, optional=True)),
        Call("sindy.SR3", lambda theta, y, reg_weight_lam, relax_coeff_nu, max_iter, regularizer:
             SR3(reg_weight_lam, regularizer, relax_coeff_nu, max_iter).fit(theta, y),
             theta=array(theta), y=array(y), reg_weight_lam=positive(0.005, allow_zero=True), relax_coeff_nu=positive(1.0),
             max_iter=integer(10), regularizer=option("L0")),
        Call("sindy.EnsembleSINDy", lambda theta, y, key, n_models, n_subset, n_candidates_to_drop, aggregate, chunk:
             EnsembleSINDy(STLSQ(threshold=0.1), n_models=n_models, n_subset=n_subset, library_ensemble=True,
                           n_candidates_to_drop=n_candidates_to_drop, aggregate=aggregate, chunk=chunk).fit(theta, y, key=key),
             theta=array(theta), y=array(y), key=key(K), n_models=integer(4), n_subset=integer(200, optional=True),
             n_candidates_to_drop=integer(1), aggregate=option("median"), chunk=integer(2)),
        Call("sindy.EnsembleSINDy.members", ens.members, theta=array(theta), y=array(y), key=key(K)),
        Call("sindy.EnsembleSINDy.aggregated", ens.aggregated, members=array(members)),
        Call("sindy.inclusion_probabilities", sindy.inclusion_probabilities, members=array(members)),
        # models
        Call("sindy.SINDy.fit", lambda data, dt: SINDy().fit(data, dt).coefficients, data=array(x), dt=positive(dt, optional=True)),
        Call("sindy.SINDy.fit(t)", lambda data, t: SINDy().fit(data, t=t).coefficients, data=fixed(x), t=array(t)),
        Call("sindy.SINDy.fit(u)", lambda data, u: SINDy().fit(data, dt, u=u).coefficients, data=fixed(x), u=array(u, optional=True)),
        Call("sindy.SINDy.fit(x_dot)", lambda data, x_dot: SINDy().fit(data, dt, x_dot=x_dot).coefficients,
             data=fixed(x), x_dot=array(x_dot, optional=True)),
        Call("sindy.SINDy.fit(key)", lambda data, key: SINDy(optimizer=ens).fit(data, dt, key=key).coefficients,
             data=fixed(x), key=key(K)),
        Call("sindy.AbstractSINDy.fit", lambda data, dt: WeakSINDy(n_subdomains=40, subdomain_width=21).fit(data, dt).coefficients,
             data=array(x), dt=positive(dt)),
        Call("sindy.WeakSINDy", lambda n_subdomains, subdomain_width, test_power:
             WeakSINDy(n_subdomains=n_subdomains, subdomain_width=subdomain_width, test_power=test_power).fit(x, dt).coefficients,
             n_subdomains=integer(40), subdomain_width=integer(21, minimum=5), test_power=integer(4)),
        Call("sindy.SINDy.predict", model.predict, x=array(x)),
        Call("sindy.SINDy.score", model.score, data=array(x), dt=positive(dt)),
        Call("sindy.SINDy.simulate", lambda x0, n_steps, dt, rtol, atol, max_steps, nonfinite:
             model.simulate(x0, n_steps, dt, rtol=rtol, atol=atol, max_steps=max_steps, nonfinite=nonfinite),
             x0=array(x[0], optional=True), n_steps=integer(20), dt=positive(dt, optional=True), rtol=positive(1e-6), atol=positive(1e-8),
             max_steps=integer(2000, optional=True), nonfinite=option("raise")),
        Call("sindy.SINDy.to_system", lambda dt: model.to_system(dt).trajectory(10), dt=positive(dt, optional=True)),
        Call("sindy.SINDy.equations", lambda precision: len(model.equations(precision)), precision=integer(3, minimum=0)),
        Call("sindy.SINDy.latex", lambda precision: len(model.latex(precision)), precision=integer(3, minimum=0)),
        Call("sindy.SINDy.print", _quiet(model.print), precision=integer(3, minimum=0)),
        Call("sindy.SINDy.generate", model.generate, context=array(x[:5]), n_steps=integer(20), nonfinite=option("raise")),
        Call("sindy.SINDy.step_map", lambda context: model.step_map(context)[1], context=array(x[:5])),
        Call("sindy.support_errors", sindy.support_errors, coefficients=array(np.asarray(model.coefficients)),
             true=array(np.asarray(model.coefficients))),
    ]
