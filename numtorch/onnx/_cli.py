"""``numtorch export CHECKPOINT --model module:Name --example-shape 1,3,32,32 -o model.onnx``."""
import argparse
import importlib
import inspect
import os
import sys

PROG = "numtorch export"


def _parser():
    p = argparse.ArgumentParser(
        prog=PROG, description="Load a model's weights, trace it on an example input and write an ONNX file "
        "(needs the onnx package: pip install 'numtorch[onnx]').",
        epilog="example:\n  numtorch export out/checkpoint.pt --model numtorch.demo:digits_net "
               "--example-shape 1,1,8,8 -o model.onnx", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="a file written by torch.save: a state_dict, a checkpoint dict holding one "
                   "under 'model', 'state_dict' or 'model_state_dict', or a whole pickled model")
    p.add_argument("--model", metavar="MODULE:NAME", help="the model's class, or a function returning the model "
                   "(called with no arguments, or with torch.nn when it takes one); the current directory is "
                   "importable. Not needed when the checkpoint is a whole model")
    p.add_argument("--example-shape", metavar="N,C,H,W", action="append", required=True,
                   help="the shape of an example input (repeat for several inputs)")
    p.add_argument("--example-dtype", default="float32", help="the inputs' dtype: float32 (default) or int64 "
                   "(token ids, then drawn below --vocab)")
    p.add_argument("--vocab", type=int, default=2, help="upper bound of int64 example inputs (default 2)")
    p.add_argument("-o", "--output", default="model.onnx", help="the ONNX file to write (default model.onnx)")
    p.add_argument("--opset", type=int, default=18, help="ONNX opset, 17 to 21 (default 18)")
    p.add_argument("--static-batch", action="store_true", help="fix the batch size (dim 0) instead of making it "
                   "dynamic")
    return p


def _state_dict(obj):
    if isinstance(obj, dict):
        for key in ("model", "state_dict", "model_state_dict"):
            if isinstance(obj.get(key), dict):
                return obj[key]
    return obj


def _build(spec, nn):
    if ":" not in spec:
        raise ValueError(f"--model takes module:Name, not {spec!r}")
    mod, name = spec.split(":", 1)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    obj = importlib.import_module(mod)
    for part in name.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        params = [p for p in inspect.signature(obj).parameters.values() if p.default is p.empty and
                  p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(params) == 1:
            return obj(nn)
    return obj()


def main(argv):
    args = _parser().parse_args(argv)
    import numtorch as nt
    import numtorch.onnx  # noqa: F401
    from ._export import _onnx
    _onnx()   # the extra's message before any work
    try:
        shapes = [tuple(int(s) for s in spec.split(",")) for spec in args.example_shape]
    except ValueError:
        print(f"{PROG}: error: --example-shape takes comma-separated integers, e.g. 1,3,32,32", file=sys.stderr)
        return 2
    if not os.path.exists(args.checkpoint):
        print(f"{PROG}: error: {args.checkpoint} does not exist", file=sys.stderr)
        return 1
    obj = nt.load(args.checkpoint, weights_only=False)
    if isinstance(obj, nt.nn.Module):
        model = obj
    else:
        if not args.model:
            print(f"{PROG}: error: {args.checkpoint} holds weights, not a model: say which model with "
                  "--model module:Name", file=sys.stderr)
            return 2
        model = _build(args.model, nt.nn)
        model.load_state_dict(_state_dict(obj))
    model.eval()
    gen = nt.Generator().manual_seed(0)
    if args.example_dtype in ("int64", "long"):
        inputs = tuple(nt.randint(0, args.vocab, s, generator=gen) for s in shapes)
    else:
        inputs = tuple(nt.randn(*s, generator=gen) for s in shapes)
    names = ["input"] if len(inputs) == 1 else [f"input_{i}" for i in range(len(inputs))]
    with nt.no_grad():
        out = model(*inputs)
    n_out = len(out) if isinstance(out, (tuple, list)) else 1
    out_names = ["output"] if n_out == 1 else [f"output_{i}" for i in range(n_out)]
    dyn = None if args.static_batch else {n: {0: "batch"} for n in names + out_names}
    nt.onnx.export(model, inputs, args.output, input_names=names, output_names=out_names, dynamic_axes=dyn,
                   opset_version=args.opset)
    print(f"wrote {args.output} (opset {args.opset}; inputs {', '.join(f'{n}{list(s)}' for n, s in zip(names, shapes))}"
          f"{'' if args.static_batch else ', batch dynamic'})")
    return 0
