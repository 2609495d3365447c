"""``torch.library.infer_schema``: an operator schema from a function's type annotations."""
import collections.abc
import inspect
import typing

_ATOMS = None


def _atoms():
    """(python type, schema type, has ``T[]``, has ``T?[]``, has ``T[]?``), as PyTorch's table."""
    global _ATOMS
    if _ATOMS is None:
        from .._tensor import Tensor, device
        from .._dtype import dtype
        _ATOMS = [(Tensor, "Tensor", True, True, False), (int, "SymInt", True, False, True),
                  (float, "float", True, False, True), (bool, "bool", True, False, True),
                  (str, "str", False, False, False), ("Number", "Scalar", True, False, False),
                  (dtype, "ScalarType", False, False, False), (device, "Device", False, False, False)]
    return _ATOMS


def _is_number(t):
    """``torch.types.Number``: ``Union[int, float, bool]``."""
    return typing.get_origin(t) is typing.Union and set(typing.get_args(t)) == {int, float, bool}


def _atom(t):
    for py, name, lst, opt_lst, lst_opt in _atoms():
        if (py == "Number" and _is_number(t)) or t is py:
            return name, lst, opt_lst, lst_opt
    return None


def _optional_of(t):
    if typing.get_origin(t) is typing.Union:
        args = [a for a in typing.get_args(t) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(t)) == 2:
            return args[0]
        if type(None) in typing.get_args(t) and _is_number(typing.Union[tuple(args)]):
            return typing.Union[tuple(args)]
    return None


def _seq_of(t):
    if typing.get_origin(t) in (list, collections.abc.Sequence):
        args = typing.get_args(t)
        if len(args) == 1:
            return args[0]
    return None


def _param_type(t):
    """The schema type of annotation ``t``, or None."""
    a = _atom(t)
    if a is not None:
        return a[0]
    inner = _optional_of(t)
    if inner is not None:
        a = _atom(inner)
        if a is not None:
            return a[0] + "?"
        elem = _seq_of(inner)
        a = _atom(elem) if elem is not None else None
        if a is not None and a[3]:
            return a[0] + "[]?"
        return None
    elem = _seq_of(t)
    if elem is not None:
        a = _atom(elem)
        if a is not None and a[1]:
            return a[0] + "[]"
        inner = _optional_of(elem)
        a = _atom(inner) if inner is not None else None
        if a is not None and a[2]:
            return a[0] + "?[]"
    return None


def _return_type(t, error):
    if t is None or t is type(None):
        return "()"
    if t is inspect.Parameter.empty:
        error("No return type annotation was provided. Please add one.")
    from .._tensor import Tensor
    table = {Tensor: "Tensor", int: "SymInt", float: "float", bool: "bool"}

    def one(x):
        if x in table:
            return table[x]
        if _is_number(x):
            return "Scalar"
        if _seq_of(x) is Tensor and typing.get_origin(x) is list:
            return "Tensor[]"
        error(f"Return has unsupported type {t}.")
    if typing.get_origin(t) is tuple:
        parts = ", ".join(one(x) for x in typing.get_args(t))
        return f"(({parts}))" if len(typing.get_args(t)) == 1 else f"({parts})"
    return one(t)


def _hints(fn):
    import numtorch
    try:
        return typing.get_type_hints(fn, localns={"torch": numtorch})
    except Exception:
        return {}


def infer_schema(prototype_function, /, *, mutates_args, op_name=None):
    """The schema ``(Tensor x, SymInt n=3) -> Tensor`` (``op_name(...)`` when given) of a function whose parameters
    and return are annotated with tensor, number, string, dtype and device types (optional and list forms);
    arguments named in ``mutates_args`` are written ``Tensor(a<i>!)``."""
    sig = inspect.signature(prototype_function)
    hints = _hints(prototype_function)

    def error(what):
        raise ValueError(f"infer_schema(func): {what} Got func with signature {sig})")

    if not isinstance(mutates_args, str):
        mutates_args = tuple(mutates_args)
    elif mutates_args != "unknown":
        raise ValueError("mutates_args must either be a sequence of the names of the arguments that are mutated "
                         "or the string 'unknown'. ")
    from .._dtype import dtype as _dtype
    from .._tensor import device as _device
    params, seen, kw_started = [], set(), False
    for idx, (name, p) in enumerate(sig.parameters.items()):
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            error("We do not support positional-only args, varargs, or varkwargs.")
        if p.kind == p.KEYWORD_ONLY and not kw_started:
            params.append("*")
            kw_started = True
        if p.annotation is inspect.Parameter.empty:
            error(f"Parameter {name} must have a type annotation.")
        ann = hints.get(name, p.annotation)
        st = _param_type(ann)
        if st is None:
            error(f"Parameter {name} has unsupported type {ann}.")
        if mutates_args == "unknown":
            if st.startswith("Tensor"):
                st = f"Tensor(a{idx}!){st[len('Tensor'):]}"
        elif name in mutates_args:
            if not st.startswith("Tensor"):
                error(f"Parameter {name} is in mutable_args but only Tensors or collections of Tensors can be "
                      f"mutated")
            st = f"Tensor(a{idx}!){st[len('Tensor'):]}"
        seen.add(name)
        if p.default is inspect.Parameter.empty:
            params.append(f"{st} {name}")
            continue
        d = p.default
        if d is None or isinstance(d, (int, float, bool)):
            rep = str(d)
        elif isinstance(d, (str, _device)):
            rep = f'"{d}"'
        elif isinstance(d, _dtype):
            rep = str(d).split(".", 1)[1]
        else:
            error(f"Parameter {name} has an unsupported default value type {type(d)}. Please file an issue on "
                  f"GitHub so we can prioritize this.")
        params.append(f"{st} {name}={rep}")
    if mutates_args != "unknown":
        missing = set(mutates_args) - seen
        if missing:
            error(f"{missing} in mutates_args were not found in the custom op's signature. mutates_args should "
                  f"contain the names of all args that the custom op mutates, or just the string 'unknown' if "
                  f"you don't know.")
    ret = _return_type(hints.get("return", sig.return_annotation), error)
    body = f"({', '.join(params)}) -> {ret}"
    return f"{op_name}{body}" if op_name is not None else body
