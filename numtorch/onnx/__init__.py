"""``torch.onnx``: ``export`` traces the model once (``numtorch.jit._trace``, on the ``Function.apply``
observer) and writes the recorded graph as an ONNX model with the ``onnx`` package (the optional extra
``pip install numtorch[onnx]``).  See docs/onnx.md for what exports and how to run the file."""
import enum as _enum
import os as _os

from . import errors
from .errors import OnnxExporterError

__all__ = ["errors", "ops", "export", "is_in_onnx_export", "OnnxExporterError", "ONNXProgram", "ExportableModule",
           "InputObserver"]

_OPSETS = range(17, 22)


class TrainingMode(_enum.IntEnum):
    """``torch.onnx.TrainingMode``: the mode the model is exported in (EVAL: ``model.eval()`` meanwhile)."""
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(_enum.IntEnum):
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def is_in_onnx_export():
    """True while ``torch.onnx.export`` is tracing the model."""
    from ..jit import _trace
    return _trace._state["onnx"] > 0


def _dyn_spec(dynamic_axes, in_names, out_names, n_inputs):
    """({axis name: [(input index, dim)]}, {onnx name: {dim: axis name}}) from ``dynamic_axes``."""
    dyn, named = {}, {}
    for key, spec in (dynamic_axes or {}).items():
        if isinstance(spec, dict):
            axes = {int(d): str(nm) for d, nm in spec.items()}
        elif isinstance(spec, (list, tuple)):
            axes = {int(d): f"{key}_dynamic_axes_{i + 1}" for i, d in enumerate(spec)}
        else:
            raise ValueError(f"dynamic_axes['{key}'] must be a dict {{dim: name}} or a list of dims")
        if key in in_names:
            idx = in_names.index(key)
            for d, nm in axes.items():
                # a list spec names each input's axes apart; the same dim index is then one size
                sym = nm if isinstance(spec, dict) else f"dim{d}"
                dyn.setdefault(sym, []).append((idx, d))
        elif key not in out_names:
            raise ValueError(f"dynamic_axes names '{key}', which is neither an input name {in_names} nor an "
                             f"output name {out_names}")
        named[key] = axes
    return dyn, named


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None, output_names=None,
           opset_version=None, dynamo=True, external_data=True, dynamic_shapes=None,
           custom_translation_table=None, report=False, optimize=True, verify=False, profile=False,
           dump_exported_program=False, artifacts_dir=".", export_params=True, keep_initializers_as_inputs=False,
           dynamic_axes=None, training=TrainingMode.EVAL, operator_export_type=OperatorExportTypes.ONNX,
           do_constant_folding=True, custom_opsets=None, export_modules_as_functions=False, autograd_inlining=True):
    """Trace ``model(*args, **kwargs)`` once and write it to ``f`` (a path or a binary file) as ONNX.

    Python control flow is baked in; ``dynamic_axes`` ({name: {dim: axis name}} or {name: [dims]}) makes
    those input/output sizes symbolic (the model is traced a second time with them resized to find which
    sizes depend on them).  Opsets 17 to 21.  numtorch always uses its tracer (``dynamo`` is accepted and
    ignored) and returns None."""
    from ._export import _onnx, emit
    from ..jit import _trace
    from .._tensor import Tensor
    onnx = _onnx()
    if opset_version is None:
        opset_version = 18
    if opset_version not in _OPSETS:
        raise ValueError(f"numtorch exports ONNX opsets 17 to 21, not opset_version={opset_version}")
    if dynamic_shapes is not None:
        raise OnnxExporterError("numtorch's exporter takes dynamic_axes, not dynamic_shapes (the dynamo API)")
    if isinstance(args, Tensor):
        args = (args,)
    elif not isinstance(args, tuple):
        args = tuple(args) if isinstance(args, list) else (args,)
    kwargs = dict(kwargs or {})
    if args and isinstance(args[-1], dict) and not kwargs:
        kwargs, args = args[-1], args[:-1]
    n_in = len(_trace._flatten_inputs((args, kwargs)))
    input_names = list(input_names or [])
    output_names = list(output_names or [])
    in_names = [input_names[i] if i < len(input_names) else ("input" if n_in == 1 else f"input_{i}")
                for i in range(n_in)]
    dyn, named = _dyn_spec(dynamic_axes, in_names, output_names, n_in)
    from ..nn import Module
    was_training = model.training if isinstance(model, Module) else None
    if isinstance(model, Module) and training == TrainingMode.EVAL:
        model.eval()
    elif isinstance(model, Module) and training == TrainingMode.TRAINING:
        model.train()
    try:
        g, _ = _trace.trace_dynamic(model, args, kwargs, module=model if isinstance(model, Module) else None,
                                    onnx=True, dyn=dyn)
    finally:
        if was_training is not None:
            model.train(was_training)
    proto = emit(g, opset_version, in_names, output_names, named, do_constant_folding, export_params)
    if verbose:
        print(onnx.helper.printable_graph(proto.graph))
    if f is None:
        return proto
    if isinstance(f, (str, _os.PathLike)):
        onnx.save_model(proto, _os.fspath(f))
    else:
        f.write(proto.SerializeToString())
    return None


class _NoOnnx:
    def __init__(self, *args, **kwargs):
        raise OnnxExporterError(f"numtorch has no 'torch.onnx.{type(self).__name__}': numtorch's exporter is the "
                                "TorchScript-style torch.onnx.export(..., dynamo=False); it returns no ONNXProgram")


class ONNXProgram(_NoOnnx):
    pass


class ExportableModule(_NoOnnx):
    pass


class InputObserver(_NoOnnx):
    pass


class _Ops:
    """``torch.onnx.ops``: custom ONNX symbolic ops, meaningful only while exporting."""

    def __getattr__(self, name):
        raise AttributeError(f"numtorch has no 'torch.onnx.ops.{name}'")


ops = _Ops()
