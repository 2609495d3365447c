"""Operator schemas (``aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor``): parsing, and
binding a Python call to one, with the checks and messages of PyTorch's ``createStackForSchema``."""
import re

from .._tensor import Tensor as _Tensor


class Argument:
    """One argument of a schema: ``type``, ``name``, ``default_value`` (``has_default``), ``kwarg_only``."""

    def __init__(self, type_, name, default, has_default, kwarg_only, alias):
        self.type = type_
        self.name = name
        self.default_value = default
        self.has_default = has_default
        self.kwarg_only = kwarg_only
        self.alias_info = alias

    def __repr__(self):
        return f"{self.type} {self.name}"


class FunctionSchema:
    """A parsed schema: ``name`` (``aten::add``), ``overload_name``, ``arguments``, ``returns``; ``str`` gives the
    text back."""

    def __init__(self, text):
        self._text = text.strip()
        m = re.match(r"^([\w:]+)(?:\.(\w+))?\((.*)\)\s*->\s*(.+)$", self._text, re.S)
        if m is None:
            raise RuntimeError(f"Invalid schema: {text!r}")
        self.name, self.overload_name = m.group(1), m.group(2) or ""
        if "::" not in self.name:
            raise RuntimeError(f"Invalid schema: {text!r}: the name must be 'namespace::op'")
        self.arguments = []
        kwarg_only = False
        parts = []
        for part in _split(m.group(3)):
            if part == "*":
                kwarg_only = True
                parts.append("*")
                continue
            decl, eq, default = part.partition("=")
            raw_type, _, name = decl.strip().rpartition(" ")
            type_, alias = _strip_alias(raw_type.strip())
            self.arguments.append(Argument(type_, name, _default(default.strip(), type_) if eq else None,
                                           bool(eq), kwarg_only, alias))
            parts.append(f"{raw_type.strip()} {name}" + (f"={_default_text(default.strip())}" if eq else ""))
        ret = m.group(4).strip()
        # the text as PyTorch prints a parsed schema (floats to 17 significant digits, ``1.`` for 1.0)
        head = self.name + (f".{self.overload_name}" if self.overload_name else "")
        self._text = f"{head}({', '.join(parts)}) -> {ret}"
        if ret.startswith("(") and ret.endswith(")"):
            ret = ret[1:-1]
        rets = [_strip_alias(r.strip().split(" ")[0]) for r in _split(ret)]
        self.returns = [t for t, _ in rets]
        # a returned alias that is not written to (``Tensor(a)``) is a view of an input
        self.is_view = any(a is not None and "!" not in a for _, a in rets)
        self.is_mutable = any(a.alias_info and "!" in a.alias_info for a in self.arguments)

    def __str__(self):
        return self._text

    def __repr__(self):
        return self._text


def _split(s):
    """Top-level comma split (brackets and parentheses nest)."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _float_text(tok):
    try:
        v = float(tok)
    except ValueError:
        return tok
    if tok.lstrip("-").isdigit():
        return tok      # an int
    out = "%.17g" % v
    return out if any(c in out for c in ".eni") else out + "."


def _default_text(tok):
    if tok.startswith("[") and tok.endswith("]"):
        inner = tok[1:-1].strip()
        return "[" + ", ".join(_float_text(x.strip()) for x in inner.split(",")) + "]" if inner else "[]"
    if tok.startswith(("'", '"')):
        return '"' + tok[1:-1] + '"'
    return _float_text(tok)


def _strip_alias(t):
    m = re.match(r"^(\w+)\(([^)]*)\)(.*)$", t)
    if m:
        return m.group(1) + m.group(3), m.group(2)
    return t, None


def _default(s, type_):
    if s == "None":
        return None
    if s in ("True", "False"):
        return s == "True"
    if s.startswith("[") and s.endswith("]"):
        inner = s[1:-1].strip()
        return [_default(x.strip(), "") for x in inner.split(",")] if inner else []
    if s.startswith(("'", '"')):
        return s[1:-1]
    try:
        v = int(s)
    except ValueError:
        try:
            v = float(s)
        except ValueError:
            return s    # a named constant (contiguous_format, Mean)
    return v            # ``int[2] padding=0`` stays one int: the kernel broadcasts it


# --- type checks --------------------------------------------------------------------------------------------

_BASE = re.compile(r"^(\w+)(\[(\d*)\])?(\?)?$")
_PY_NAMES = {"Tensor": "Tensor", "Scalar": "number", "int": "int", "SymInt": "int", "float": "float",
             "bool": "bool", "str": "str"}


def _is_int(v):
    import numbers
    return isinstance(v, numbers.Integral) and not isinstance(v, _Tensor)


def _is_number(v):
    import numbers
    return isinstance(v, numbers.Number) and not isinstance(v, _Tensor)


def _type_name(t):
    m = _BASE.match(t)
    if m is None:
        return t
    base, lst, _, opt = m.groups()
    name = _PY_NAMES.get(base, base)
    if lst:
        name = f"List[{'Optional[Tensor]' if base == 'Tensor' and t.startswith('Tensor?') else name}]"
    return f"Optional[{name}]" if opt else name


def _check(t, v, lenient):
    """None when ``v`` fits type ``t``, else the cast error detail."""
    if t.startswith("Tensor?[]"):
        if isinstance(v, (list, tuple)) and all(x is None or isinstance(x, _Tensor) for x in v):
            return None
        return f"Unable to cast {v} to Tensor"
    if t.startswith("__torch__."):
        # a TorchScript class: numtorch's stand-in names the class it stands for
        return None if getattr(type(v), "_schema_type", None) == t else f"Unable to cast {v!r} to {t}"
    m = _BASE.match(t)
    if m is None:
        return None
    base, lst, n, opt = m.groups()
    if v is None:
        return None if opt else f"Unable to cast None to {base}"
    if lst:
        if base == "int" and n and _is_int(v):    # ``int[2] stride``: one int stands for all (not SymInt[2])
            return None
        if not isinstance(v, (list, tuple)):
            return f"TypeError: '{type(v).__name__}' object is not iterable"
        for x in v:
            err = _check(base, x, lenient)
            if err:
                return err
        return None
    if base == "Tensor":
        if isinstance(v, _Tensor) or (lenient and _is_number(v)):
            return None
        return f"Unable to cast {v} to Tensor"
    if base == "Scalar":
        return None if _is_number(v) else f"Cannot cast {v} to number"
    if base in ("int", "SymInt"):
        return None if _is_int(v) else f"Unable to cast {v} to int"
    if base == "float":
        import numbers
        return None if isinstance(v, numbers.Real) and not isinstance(v, _Tensor) else f"Unable to cast {v} to float"
    if base == "bool":
        return None if isinstance(v, bool) or _is_int(v) else f"Unable to cast {v} to bool"
    if base == "str":
        return None if isinstance(v, str) else f"Unable to cast {v} to str"
    return None     # ScalarType, Layout, Device, MemoryFormat, Generator, custom classes: passed through


class SchemaMismatch(RuntimeError):
    pass


def bind(schema, args, kwargs, lenient=True):
    """The argument values in schema order, or ``SchemaMismatch`` with PyTorch's message."""
    op = schema.name
    decl = str(schema)
    params = schema.arguments
    if len(args) + len(kwargs) > len(params):
        raise SchemaMismatch(f"{op}() expected at most {len(params)} argument(s) but received "
                             f"{len(args) + len(kwargs)} argument(s). Declaration: {decl}")
    positional = [p for p in params if not p.kwarg_only]
    if len(args) > len(positional):
        raise SchemaMismatch(f"{op}() takes {len(positional)} positional argument(s) but {len(args)} was/were "
                             f"given.  Declaration: {decl}")
    values = []
    used = 0
    for i, p in enumerate(params):
        if i < len(args):
            if p.name in kwargs:
                raise SchemaMismatch(f"Argument '{p.name}' specified both as positional and keyword argument. "
                                     f"Schema: {decl}")
            v = args[i]
        elif p.name in kwargs:
            v = kwargs[p.name]
            used += 1
        elif p.has_default:
            values.append(p.default_value)
            continue
        else:
            raise SchemaMismatch(f"{op}() is missing value for argument '{p.name}'. Declaration: {decl}")
        err = _check(p.type, v, lenient)
        if err is not None:
            # PyTorch labels a Python exception raised while converting differently from a failed cast
            detail = f" Python error details: {err}" if err.startswith("TypeError") else f"Cast error details: {err}"
            raise SchemaMismatch(f"{op}() Expected a value of type '{_type_name(p.type)}' for argument '{p.name}' "
                                 f"but instead found type '{type(v).__name__}'.\nPosition: {i}\nValue: {v!r}\n"
                                 f"Declaration: {decl}\n{detail}")
        values.append(v)
    if used != len(kwargs):
        names = {p.name for p in params}
        bad = next(k for k in kwargs if k not in names)
        raise SchemaMismatch(f"Unknown keyword argument '{bad}' for operator '{op}'. Schema: {decl}")
    return values
