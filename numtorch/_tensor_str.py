"""``repr(tensor)`` exactly as PyTorch prints it (precision 4, threshold 1000, edgeitems 3, width 80)."""
import math

from ._backend import xp
from . import _dtype as D


class _Opts:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _Opts()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    if profile == "default":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, 1000, 3, 80
    elif profile == "short":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 1000, 2, 80
    elif profile == "full":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, math.inf, 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    """Chooses integer, fixed or scientific notation and a common width, as PyTorch does."""

    def __init__(self, arr):
        self.floating = arr.dtype.kind in "fV"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = PRINT_OPTS.precision
        flat = arr.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(_int_str(v)))
            return
        vals = flat[xp.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        absv = xp.abs(vals).astype(xp.float64)
        mn, mx = float(absv.min()), float(absv.max())
        values = vals.tolist()
        self.int_mode = bool((vals == xp.ceil(vals)).all())
        self.sci_mode = (mx / mn > 1000.0 or mx > 1.0e8 or mn < 1.0e-4) if PRINT_OPTS.sci_mode is None \
            else PRINT_OPTS.sci_mode
        if self.int_mode:
            if self.sci_mode:
                for v in values:
                    self.max_width = max(self.max_width, len(f"{v:.{p}e}"))
            else:
                for v in values:
                    self.max_width = max(self.max_width, len(f"{v:.0f}") + 1)
        else:
            if self.sci_mode:
                for v in values:
                    self.max_width = max(self.max_width, len(f"{v:.{p}e}"))
            else:
                for v in values:
                    self.max_width = max(self.max_width, len(f"{v:.{p}f}"))

    def width(self):
        return self.max_width

    def format(self, value):
        p = PRINT_OPTS.precision
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = _int_str(value)
        return (self.max_width - len(ret)) * " " + ret


class _ComplexFormatter:
    """PyTorch's complex printing: real and imaginary parts each with their own formatter, ``a+bj``."""

    def __init__(self, arr):
        self.re, self.im = _Formatter(arr.real), _Formatter(arr.imag)

    def width(self):
        return self.re.width() + self.im.width() + 1

    def format(self, value):
        value = complex(value)
        im = (self.im.format(value.imag) + "j").lstrip()
        return self.re.format(value.real) + (im if im[0] in "+-" else "+" + im)


def _int_str(v):
    return str(v)


def _vector_str(arr, indent, summarize, fmt):
    element_length = fmt.width() + 2
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / element_length)))
    e = PRINT_OPTS.edgeitems
    if summarize and arr.shape[0] > 2 * e:
        data = [fmt.format(v) for v in arr[:e].tolist()] + [" ..."] + [fmt.format(v) for v in arr[-e:].tolist()]
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with(arr, indent, summarize, fmt):
    dim = arr.ndim
    if dim == 0:
        return fmt.format(arr.item())
    if dim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and arr.shape[0] > 2 * e:
        slices = [_str_with(arr[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."] + \
                 [_str_with(arr[i], indent + 1, summarize, fmt) for i in range(arr.shape[0] - e, arr.shape[0])]
    else:
        slices = [_str_with(arr[i], indent + 1, summarize, fmt) for i in range(arr.shape[0])]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(arr):
    e = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        return xp.concatenate([arr[:e], arr[-e:]]) if arr.shape[0] > 2 * e else arr
    if arr.shape[0] > 2 * e:
        parts = [_summarized(arr[i]) for i in list(range(e)) + list(range(arr.shape[0] - e, arr.shape[0]))]
    else:
        parts = [_summarized(a) for a in arr]
    return xp.stack(parts)


def array_str(arr, indent):
    if arr.size == 0:
        return "[]"
    if arr.dtype == xp.float16:
        arr = arr.astype(xp.float32)
    summarize = arr.size > PRINT_OPTS.threshold
    fmt = (_ComplexFormatter if arr.dtype.kind == "c" else _Formatter)(_summarized(arr) if summarize else arr)
    return _str_with(arr, indent, summarize, fmt)


def _add_suffixes(s, suffixes, indent):
    parts = [s]
    last = len(s) - s.rfind("\n") + 1
    for suf in suffixes:
        if last + len(suf) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suf)
            last = indent + len(suf)
        else:
            parts.append(", " + suf)
            last += len(suf) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, prefix="tensor("):
    arr = t._data
    indent = len(prefix)
    suffixes = []
    dt = D.from_numpy_dtype(arr.dtype)
    default = dt in (D.get_default_dtype(), D.default_complex(), D.int64, D.bool_)
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append("size=" + str(tuple(arr.shape)))
        if dt is not D.get_default_dtype():
            suffixes.append("dtype=" + repr(dt))
        body = "[]"
    else:
        if not default:
            suffixes.append("dtype=" + repr(dt))
        body = array_str(arr, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
