"""Fuzz spec for dsrlab.plrnn: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import jax
import numpy as np

from harness import Call, array, fixed, integer, key, option, positive
from dsrlab import plrnn


def calls():
    rng = np.random.default_rng(0)
    K = jax.random.key(0)
    z = rng.normal(size=3).astype(np.float32)
    Z = rng.normal(size=(20, 3)).astype(np.float32)
    x = rng.normal(size=2).astype(np.float32)
    models = {"PLRNN": plrnn.PLRNN(3, key=K), "DendriticPLRNN": plrnn.DendriticPLRNN(3, 2, key=K),
              "ShallowPLRNN": plrnn.ShallowPLRNN(3, 4, key=K), "ALRNN": plrnn.ALRNN(3, 2, key=K)}
    al = models["ALRNN"]
    codes = np.asarray(plrnn.symbolic_code(al, 3 * Z), np.float64)     # symbols as floats: the float variants apply too
    observations = {"IdentityObservation": plrnn.IdentityObservation(2, 3, key=K),
                    "AffineObservation": plrnn.AffineObservation(2, 3, key=K, cond_weight=0.5)}
    om = plrnn.make_model("shallow", 2, 3, key=K, hidden=4)
    out = [
        Call("plrnn.normalized_positive_definite", lambda M, key: plrnn.normalized_positive_definite(M, key=key),
             M=integer(3), key=key(K)),
        Call("plrnn.uniform_init", lambda shape, key: plrnn.uniform_init(shape, key=key), shape=fixed((3, 4)), key=key(K)),
        Call("plrnn.PLRNN", lambda M, key: plrnn.PLRNN(M, key=key), M=integer(3), key=key(K)),
        Call("plrnn.DendriticPLRNN", lambda M, n_bases, key, threshold_range:
             plrnn.DendriticPLRNN(M, n_bases, key=key, threshold_range=threshold_range),
             M=integer(3), n_bases=integer(2), key=key(K), threshold_range=positive(1.0)),
        Call("plrnn.ShallowPLRNN", lambda M, hidden, key: plrnn.ShallowPLRNN(M, hidden, key=key, clipped=True),
             M=integer(3), hidden=integer(4), key=key(K)),
        Call("plrnn.ALRNN", lambda M, P, key: plrnn.ALRNN(M, P, key=key), M=integer(3), P=integer(2, minimum=0), key=key(K)),
        Call("plrnn.IdentityObservation", lambda N, M, key: plrnn.IdentityObservation(N, M, key=key),
             N=integer(2), M=integer(3), key=key(K)),
        Call("plrnn.AffineObservation", lambda N, M, key, cond_weight: plrnn.AffineObservation(N, M, key=key, cond_weight=cond_weight),
             N=integer(2), M=integer(3), key=key(K), cond_weight=positive(0.5, allow_zero=True)),
        Call("plrnn.ObservedModel", plrnn.ObservedModel, latent=fixed(om.latent), observation=fixed(om.observation)),
        Call("plrnn.ObservedModel.generate", lambda x0, n_steps, nonfinite: om.generate(x0, n_steps, nonfinite=nonfinite),
             x0=array(x), n_steps=integer(10), nonfinite=option("raise")),
        Call("plrnn.ObservedModel.generate_latent", lambda x0, n_steps, nonfinite: om.generate_latent(x0, n_steps, nonfinite=nonfinite),
             x0=array(x), n_steps=integer(10), nonfinite=option("raise")),
        Call("plrnn.make_model", lambda kind, N, M, key, observation, hidden, P, n_bases, cond_weight: plrnn.make_model(
                 kind, N, M, key=key, observation=observation, hidden=hidden, P=P, n_bases=n_bases, cond_weight=cond_weight),
             kind=option("alrnn"), N=integer(2), M=integer(3), key=key(K), observation=option("affine"), hidden=integer(4),
             P=integer(2, minimum=0), n_bases=integer(2), cond_weight=positive(0.1, allow_zero=True)),
        Call("plrnn.find_cycles", lambda k, key, n_init, max_iter, init_states: plrnn.find_cycles(
                 models["PLRNN"], k, key=key, n_init=n_init, max_iter=max_iter, init_states=init_states),
             k=integer(1), key=key(K), n_init=integer(5), max_iter=integer(5), init_states=array(Z, optional=True)),
        Call("plrnn.cycles_by_enumeration", lambda model, k: plrnn.cycles_by_enumeration(model, k),
             model=fixed(models["PLRNN"]), k=integer(2)),
        Call("plrnn.symbolic_code", plrnn.symbolic_code, model=fixed(al), z=array(Z)),
        Call("plrnn.transition_graph", plrnn.transition_graph, codes=array(codes)),
        Call("plrnn.plot_transition_graph", plrnn.plot_transition_graph, codes=array(codes), n_bits=integer(2, optional=True),
             title=fixed("t")),
    ]
    for name, m in {**models, "AbstractPLRNN": models["PLRNN"]}.items():
        d = np.asarray(m.activation_pattern(z), np.float32)      # a pattern as 0s and 1s
        out += [
            Call(f"plrnn.{name}.step", lambda z, nonfinite, m=m: m.step(z, nonfinite=nonfinite), z=array(z), nonfinite=option("raise")),
            Call(f"plrnn.{name}.__call__", lambda z, m=m: m(z), z=array(z)),
            Call(f"plrnn.{name}.jacobian", lambda z, m=m: m.jacobian(z), z=array(z)),
            Call(f"plrnn.{name}.activation_pattern", lambda z, m=m: m.activation_pattern(z), z=array(z)),
            Call(f"plrnn.{name}.linear_map", lambda d, m=m: m.linear_map(d), d=array(d)),
            Call(f"plrnn.{name}.generate", lambda z0, n_steps, nonfinite, m=m: m.generate(z0, n_steps, nonfinite=nonfinite),
                 z0=array(z), n_steps=integer(10), nonfinite=option("raise")),
            Call(f"plrnn.{name}.lyapunov_spectrum", lambda z0, n_steps, transient, n_exponents, m=m: m.lyapunov_spectrum(
                     z0, n_steps, transient=transient, n_exponents=n_exponents),
                 z0=array(z), n_steps=integer(50), transient=integer(5, minimum=0), n_exponents=integer(2, optional=True)),
        ]
    for name, o in {**observations, "AbstractObservation": observations["AffineObservation"]}.items():
        out += [
            Call(f"plrnn.{name}.__call__", lambda z, o=o: o(z), z=array(z)),
            Call(f"plrnn.{name}.init_state", lambda x, o=o: o.init_state(x), x=array(x)),
            Call(f"plrnn.{name}.forcing_signal", lambda x, o=o: o.forcing_signal(x), x=array(x)),
            Call(f"plrnn.{name}.regularization", lambda o=o: o.regularization()),
        ]
    return out
