"""Shared helpers of the ONNX export tests: export a numtorch model, check the file, run it in ONNX Runtime."""
import io

import numpy as np

import numtorch as nt
import numtorch.onnx  # noqa: F401

onnx = __import__("onnx")
ort = __import__("onnxruntime")


def run_ort(data, feeds):
    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    return sess.run(None, {n: np.asarray(f) for n, f in zip(names, feeds)})


def export_bytes(model, args, **kw):
    buf = io.BytesIO()
    nt.onnx.export(model, args, buf, **kw)
    data = buf.getvalue()
    onnx.checker.check_model(onnx.load_from_string(data), full_check=True)
    return data


def eager(model, args):
    with nt.no_grad():
        out = model(*args)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o.numpy() for o in _flat(outs) if o is not None]


def _flat(a):
    if isinstance(a, (tuple, list)):
        return [y for x in a for y in _flat(x)]
    return [a]


def check(model, args, other_args=None, rtol=1e-4, atol=1e-5, **kw):
    """Export ``model`` on ``args``; ONNX Runtime's outputs equal numtorch's eager ones on ``args`` and, when
    given (a dynamic export), on ``other_args`` of another size.  Returns the file's bytes."""
    if hasattr(model, "eval"):
        model.eval()
    data = export_bytes(model, args, **kw)
    for a in [args] + ([other_args] if other_args is not None else []):
        got = run_ort(data, [x.numpy() for x in _flat(a)])
        want = eager(model, a)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape, (g.shape, w.shape)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return data
