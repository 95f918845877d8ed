"""Fuzz spec for dsrlab.hippo: a good call of every public callable, each fuzzable argument wrapped in its kind."""
import numpy as np

from harness import Call, array, fixed, integer, option, positive
from dsrlab import hippo as h


def calls():
    u = np.sin(np.linspace(0, 6, 40)).astype(np.float64)
    A, B = (np.asarray(v) for v in h.hippo("legt", 4))
    proj = h.HiPPOProjection("legt", 4, 0.05)
    tv = h.HiPPOProjection("legs", 4, 0.05, time_varying=True)
    x = np.asarray(proj(u)[-1])
    lags = np.linspace(0.0, 1.0, 5)
    return [
        Call("hippo.hippo", h.hippo, measure=option("legs"), N=integer(8)),
        Call("hippo.hippo_basis", h.hippo_basis, measure=option("legt"), N=integer(4), y=array(lags)),
        Call("hippo.hippo_basis(t)", lambda measure, N, y, t: h.hippo_basis(measure, N, y, t),
             measure=fixed("legs"), N=integer(4), y=array(lags), t=positive(2.0, optional=True)),
        Call("hippo.discretize", h.discretize, A=array(A), B=array(B), dt=positive(0.1), method=option("zoh")),
        Call("hippo.HiPPOProjection", lambda measure, N, dt, theta, method: h.HiPPOProjection(measure, N, dt, theta=theta, method=method)(u),
             measure=option("legt"), N=integer(4), dt=positive(0.05), theta=positive(1.0), method=option("bilinear")),
        Call("hippo.HiPPOProjection.__call__", lambda u: proj(u), u=array(u)),
        Call("hippo.HiPPOProjection.basis", lambda y: proj.basis(y), y=array(lags)),
        Call("hippo.HiPPOProjection.basis(t)", lambda y, t: tv.basis(y, t), y=array(lags), t=positive(1.0)),
        Call("hippo.HiPPOProjection.reconstruct", lambda x, y: proj.reconstruct(x, y), x=array(x), y=array(lags)),
        Call("hippo.reconstruct_signal", h.reconstruct_signal, u=array(u), dt=positive(0.05), variant=option("legt"),
             N=integer(8), method=option("bilinear"), theta=positive(1.0)),
        Call("hippo.reconstruction_figure", lambda u, dt, N, theta, max_points:
             h.reconstruction_figure(u, dt, N, ("legs",), theta=theta, max_points=max_points).data[1].y,
             u=array(u), dt=positive(0.05), N=integer(4), theta=positive(1.0), max_points=integer(100, minimum=2)),
        Call("hippo.reconstruction_explorer", lambda u, dt: h.reconstruction_explorer(u, dt) and 0.0,
             u=array(u), dt=positive(0.05)),
        Call("hippo.nplr", h.nplr, measure=option("legs"), N=integer(8)),
        Call("hippo.dplr", h.dplr, measure=option("legs"), N=integer(8, minimum=2)),
        Call("hippo.s4d_init", h.s4d_init, kind=option("lin"), N=integer(8, minimum=2)),
    ]
