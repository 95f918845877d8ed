"""A test-only writer of DynaMix weights files in the layout of DynaMix's Julia code (BSON.jl), for the reader
`dsrlab.zeroshot.read_dynamix_bson` (chapter 8a and the fuzz spec). Not a general BSON.jl writer: it writes the
element types and Julia tags the reader reads, with the types as back-references."""
import numpy as np


def bson(doc: dict) -> bytes:
    "A BSON document of dicts, lists, bytes, strings, bools, ints and None."
    body = b""
    for k, v in doc.items():
        key = k.encode() + b"\0"
        if isinstance(v, dict):
            body += b"\x03" + key + bson(v)
        elif isinstance(v, list):
            body += b"\x04" + key + bson({str(i): x for i, x in enumerate(v)})
        elif isinstance(v, bytes):
            body += b"\x05" + key + len(v).to_bytes(4, "little") + b"\0" + v
        elif isinstance(v, str):
            s = v.encode() + b"\0"
            body += b"\x02" + key + len(s).to_bytes(4, "little") + s
        elif isinstance(v, bool):
            body += b"\x08" + key + bytes([v])
        elif isinstance(v, int):
            body += b"\x12" + key + v.to_bytes(8, "little", signed=True)
        elif v is None:
            body += b"\x0a" + key
        else:
            raise TypeError(type(v))
    return (len(body) + 5).to_bytes(4, "little") + body + b"\0"


def _array(a) -> dict:
    "A Float32 array as BSON.jl writes it: column-major bytes, its type a back-reference."
    a = np.asarray(a, np.float32)
    return {"tag": "array", "type": {"tag": "backref", "ref": 1}, "size": list(a.shape), "data": a.tobytes(order="F")}


def _struct(*fields) -> dict:
    return {"tag": "struct", "type": {"tag": "backref", "ref": 2}, "data": list(fields)}


def dynamix_bson(model, kernel, bias) -> bytes:
    """The file DynaMix's Julia code saves for a mixture with the parameters of our `model` (a `DynaMix`) and the
    convolution `kernel` (Flux's layout: tap, in, out) and `bias`; z0's fill-in matrix L is `model.B[:, N:]`."""
    N = model.obs_dim
    e = [np.asarray(a) for a in (model.experts.A, model.experts.W, model.experts.h)]
    conv = _struct(None, _array(kernel), _array(bias), {"tag": "tuple", "data": [1]}, None, None, 1)
    gate = _struct(conv, _array([float(model.attention_temperature)]), _array(model.D), _array(model.mlp1),
                   _array(model.mlp2), _array([float(model.gate_temperature)]), _array(model.gate_noise))
    dyn = _struct(*[[_array(x) for x in a] for a in e], gate, N, model.n_experts, model.experts.P)
    M = e[0].shape[1]
    obs = _struct(_array(np.eye(N, M)), _array(np.zeros(N)), False, _array(np.asarray(model.B)[:, N:].T))
    types = [{"tag": "datatype", "name": ["Core", "Float32"], "params": []},
             {"tag": "datatype", "name": ["Main", "S"], "params": []}]
    return bson({"model": [dyn, obs], "_backrefs": types})
