"""Plots of functions with their autograd derivatives, of losses, and of training curves.

matplotlib is optional: it is imported inside the functions that draw, and figures are
built as ``matplotlib.figure.Figure`` objects (no pyplot global state, no GUI needed),
so they can be saved with ``fig.savefig(path)`` anywhere and shown in notebooks.
"""
import math

from .._backend import xp

# the activations the gallery knows by name (resolved lazily in numtorch.nn.functional)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "elu", "selu", "celu", "silu", "softplus",
               "mish", "hardtanh", "hardsigmoid", "hardswish", "relu6", "softsign", "logsigmoid",
               "tanhshrink", "softshrink", "hardshrink")
# regression losses by short name -> numtorch.nn.functional function name
LOSSES = {"l1": "l1_loss", "mae": "l1_loss", "smooth_l1": "smooth_l1_loss", "smoothl1": "smooth_l1_loss",
          "mse": "mse_loss", "l2": "mse_loss", "huber": "huber_loss"}


def _figure(**kw):
    try:
        from matplotlib.figure import Figure
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("numtorch.viz plots need matplotlib: pip install 'numtorch[plot]' "
                          "(or pip install matplotlib)") from e
    return Figure(**kw)


def _parse_value(v):
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return {"true": True, "false": False, "none": None}.get(v.lower(), v)


def parse_spec(spec):
    """``"leaky_relu:negative_slope=0.1"`` -> ``("leaky_relu", (), {"negative_slope": 0.1})``.

    ``"elu:0.5"`` gives a positional argument. Plain names pass through unchanged.
    """
    name, _, rest = spec.partition(":")
    args, kwargs = [], {}
    for part in filter(None, rest.split(",")):
        k, eq, v = part.partition("=")
        if eq:
            kwargs[k.strip()] = _parse_value(v.strip())
        else:
            args.append(_parse_value(k.strip()))
    return name.strip(), tuple(args), kwargs


def resolve_function(fn):
    """A callable and its display name from a callable or a name (``"gelu"``, ``"elu:alpha=0.5"``)."""
    if callable(fn):
        return fn, getattr(fn, "__name__", type(fn).__name__)
    if not isinstance(fn, str):
        raise TypeError(f"expected a function or the name of one, got {type(fn).__name__}")
    import numtorch
    import numtorch.nn.functional as F
    name, args, kwargs = parse_spec(fn)
    f = F.__dict__.get(name)
    if f is None:
        f = getattr(numtorch, name, None)
    if f is None or not callable(f):
        known = [a for a in ACTIVATIONS if a in F.__dict__]
        raise ValueError(f"unknown function {name!r}: give a callable, or one of {', '.join(known)} "
                         "(any numtorch.nn.functional or numtorch function of one tensor)")
    if args or kwargs:
        return (lambda x: f(x, *args, **kwargs)), fn
    return f, name


def resolve_loss(loss):
    """A callable ``(input, target, reduction='none') -> loss`` and its name, from a callable or a name."""
    if callable(loss):
        return loss, getattr(loss, "__name__", type(loss).__name__)
    import numtorch.nn.functional as F
    name, args, kwargs = parse_spec(loss)
    key = name.lower()
    fname = LOSSES.get(key, key if key.endswith("_loss") else key + "_loss")
    f = F.__dict__.get(fname)
    if f is None or not callable(f):
        known = sorted(k for k, v in LOSSES.items() if v in F.__dict__)
        raise ValueError(f"unknown loss {name!r}: give a callable or one of {', '.join(known)} "
                         "(or any numtorch.nn.functional *_loss of (input, target))")
    if args or kwargs:
        return (lambda i, t, reduction="none": f(i, t, *args, reduction=reduction, **kwargs)), loss
    return f, name


def function_and_grad(fn, x_range=(-10, 10), steps=1000, dtype=None, **kwargs):
    """``(x, f(x), f'(x))`` as NumPy arrays; ``f'`` is numtorch autograd's, as in the seed notes:
    ``x = linspace(..., requires_grad=True); f(x).sum().backward(); x.grad``."""
    import numtorch
    f, _ = resolve_function(fn)
    x = numtorch.linspace(float(x_range[0]), float(x_range[1]), int(steps), dtype=dtype, requires_grad=True)
    y = f(x, **kwargs)
    if not isinstance(y, numtorch.Tensor) or tuple(y.shape) != tuple(x.shape):
        raise ValueError("plot_function needs an elementwise function: f(x) must be a tensor shaped like x "
                         f"({tuple(x.shape)}), got {getattr(y, 'shape', type(y).__name__)}")
    if y.requires_grad:
        (g,) = numtorch.autograd.grad(y.sum(), x, allow_unused=True)
        dy = xp.zeros_like(x._data) if g is None else g._data
    else:  # a function that does not depend on x differentiably (e.g. a constant) has derivative 0
        dy = xp.zeros_like(x._data)
    return x._data.copy(), y._data.copy(), xp.array(dy, copy=True)


def loss_and_grad(loss, error_range=(-3, 3), steps=1000, dtype=None):
    """``(e, loss(e), dloss/de)`` for prediction errors ``e = input - target`` (target 0, reduction 'none')."""
    import numtorch
    f, _ = resolve_loss(loss)
    e = numtorch.linspace(float(error_range[0]), float(error_range[1]), int(steps), dtype=dtype,
                          requires_grad=True)
    target = numtorch.zeros_like(e.detach())
    l = f(e, target, reduction="none")
    (g,) = numtorch.autograd.grad(l.sum(), e)
    return e._data.copy(), l._data.copy(), xp.array(g._data, copy=True)


def _style(ax, title=None, xlabel=None):
    ax.axhline(0, color="0.75", lw=0.8, zorder=0)
    ax.axvline(0, color="0.75", lw=0.8, zorder=0)
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)


def plot_function(fn, x_range=(-10, 10), steps=1000, ax=None, dtype=None, label=None, **kwargs):
    """Plot ``fn`` and its derivative ``d fn/dx`` computed by numtorch autograd.

    ``fn`` is a callable of one tensor or a name (``"sigmoid"``, ``"gelu"``,
    ``"leaky_relu:negative_slope=0.1"``). With ``ax=None`` the figure has two panels,
    the function and its gradient, as the seed notes draw them; with one Axes both
    curves share it (derivative dashed); with two Axes they go one each.
    The lines are labelled ``name`` and ``name'``; their data are the arrays computed.
    Returns the matplotlib Figure.
    """
    f, name = resolve_function(fn)
    name = label or name
    x, y, dy = function_and_grad(f, x_range, steps, dtype, **kwargs)
    if ax is None:
        fig = _figure(figsize=(9, 3.6), layout="constrained")
        a1, a2 = fig.subplots(1, 2)
    elif isinstance(ax, (tuple, list)) or getattr(ax, "ndim", 0) == 1:
        a1, a2 = ax
        fig = a1.figure
    else:
        a1 = a2 = ax
        fig = ax.figure
    l1, = a1.plot(x, y, label=name, lw=2)
    l2, = a2.plot(x, dy, label=name + "'", lw=2 if a2 is not a1 else 1.5,
                  ls="-" if a2 is not a1 else "--", color=None if a2 is not a1 else "C1")
    if a1 is a2:
        _style(a1, name, "x")
        a1.legend(loc="best", fontsize="small")
    else:
        _style(a1, name, "x")
        _style(a2, f"{name}'  (autograd)", "x")
    return fig


def plot_functions(fns, x_range=(-10, 10), steps=1000, ncols=3, dtype=None):
    """A gallery: one panel per function, each with the function (solid) and its autograd
    derivative (dashed), lines labelled ``name`` and ``name'``. Returns the Figure."""
    fns = [fns] if isinstance(fns, str) or callable(fns) else list(fns)
    if not fns:
        raise ValueError("plot_functions needs at least one function")
    ncols = max(1, min(ncols, len(fns)))
    nrows = math.ceil(len(fns) / ncols)
    fig = _figure(figsize=(4.2 * ncols, 3.2 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for a, fn in zip(axes, fns):
        plot_function(fn, x_range, steps, ax=a, dtype=dtype)
    for a in axes[len(fns):]:
        a.set_visible(False)
    return fig


def plot_losses(losses=("l1", "smooth_l1", "mse", "huber"), error_range=(-3, 3), steps=1000, ax=None, dtype=None):
    """Loss against prediction error ``input - target`` (left) and its gradient
    ``d loss / d input`` from numtorch autograd (right), every loss on the same axes as the
    seed notes compare L1 with SmoothL1. Names: ``l1``, ``smooth_l1``, ``mse``, ``huber``
    (options as ``"huber:delta=2"``), or callables ``(input, target, reduction='none')``.
    Lines are labelled with the loss name in both panels. Returns the Figure."""
    losses = [losses] if isinstance(losses, str) or callable(losses) else list(losses)
    if ax is None:
        fig = _figure(figsize=(10, 4), layout="constrained")
        a1, a2 = fig.subplots(1, 2)
    else:
        a1, a2 = ax
        fig = a1.figure
    styles = ("-", "--", "-.", ":")  # curves that coincide (smooth_l1 and huber at beta = delta = 1) stay visible
    for k, loss in enumerate(losses):
        _, name = resolve_loss(loss)
        e, l, g = loss_and_grad(loss, error_range, steps, dtype)
        ls = styles[k % len(styles)]
        line, = a1.plot(e, l, label=name, lw=2, ls=ls)
        a2.plot(e, g, label=name, lw=2, ls=ls, color=line.get_color())
    _style(a1, "loss", "prediction error  (input - target)")
    _style(a2, "gradient  d loss / d input  (autograd)", "prediction error  (input - target)")
    a1.set_ylabel("loss value")
    a1.legend(fontsize="small")
    a2.legend(fontsize="small")
    return fig


# ----------------------------------------------------------------- training curves
def _normalize_history(history):
    """dict of lists, or list of per-epoch dicts -> (epochs, {name: list})."""
    if isinstance(history, dict):
        hist = {k: list(v) for k, v in history.items()}
    else:
        rows = list(history)
        keys = []
        for r in rows:
            keys += [k for k in r if k not in keys]
        hist = {k: [r.get(k, float("nan")) for r in rows] for k in keys}
    epochs = hist.pop("epoch", None) or hist.pop("epochs", None)
    n = max((len(v) for v in hist.values()), default=0)
    if epochs is None:
        epochs = list(range(1, n + 1))
    return list(epochs), hist


def _float(v):
    try:
        return float(v.item() if hasattr(v, "item") else v)
    except (TypeError, ValueError):
        return float("nan")


def plot_history(history, path=None, title=None, fig=None):
    """Loss and accuracy curves from a training history.

    ``history``: ``{"loss": [...], "accuracy": [...], "test_accuracy": [...]}`` (optionally an
    ``"epoch"`` list) or a list of per-epoch dicts. Keys containing ``loss`` go in the left
    panel, keys containing ``acc`` in the right one, anything else in a third. Saves to
    ``path`` when given. Returns the Figure.
    """
    epochs, hist = _normalize_history(history)
    groups = {"loss": [], "accuracy": [], "other": []}
    for k in hist:
        kl = k.lower()
        groups["loss" if "loss" in kl else "accuracy" if "acc" in kl else "other"].append(k)
    panels = [g for g in ("loss", "accuracy", "other") if groups[g]] or ["loss"]
    if fig is None:
        fig = _figure(figsize=(5 * len(panels), 3.8), layout="constrained")
    else:
        fig.clear()
    axes = fig.subplots(1, len(panels), squeeze=False).ravel()
    for a, panel in zip(axes, panels):
        for k in groups[panel]:
            ys = [_float(v) for v in hist[k]]
            a.plot(epochs[:len(ys)], ys, marker="o" if len(ys) <= 30 else None, ms=3, label=k)
        a.set_xlabel("epoch")
        a.set_title(panel)
        a.grid(True, alpha=0.3)
        if groups[panel]:
            a.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


class TrainingPlot:
    """Loss/accuracy curves that grow as training runs.

    >>> plot = TrainingPlot()
    >>> for epoch in range(3):
    ...     plot.update(epoch + 1, loss=1.0 / (epoch + 1), acc=0.5 + 0.1 * epoch)
    >>> plot.savefig("curves.png")

    ``live=True`` redraws a pyplot window (or notebook output) after each update;
    otherwise updates only record the numbers and the figure is drawn on ``savefig``.
    """

    def __init__(self, title=None, live=False):
        self.title = title
        self.live = live
        self.history = {"epoch": []}
        self._fig = None

    def update(self, epoch, **metrics):
        """Record ``metrics`` (floats or 1-element tensors) for ``epoch``."""
        n = len(self.history["epoch"])
        self.history["epoch"].append(epoch)
        for k, v in metrics.items():
            col = self.history.setdefault(k, [float("nan")] * n)
            col.append(_float(v))
        for k, col in self.history.items():
            if len(col) < n + 1:
                col.append(float("nan"))
        if self.live:
            self._draw_live()
        return self

    @property
    def figure(self):
        """The current figure (drawn from the history so far)."""
        self._fig = plot_history(self.history, title=self.title, fig=self._fig)
        return self._fig

    def savefig(self, path, **kwargs):
        kwargs.setdefault("dpi", 110)
        self.figure.savefig(path, **kwargs)
        return path

    def _draw_live(self):
        import matplotlib.pyplot as plt
        if self._fig is None:
            self._fig = plt.figure(figsize=(10, 3.8), layout="constrained")
        plot_history(self.history, title=self.title, fig=self._fig)
        self._fig.canvas.draw_idle()
        plt.pause(0.001)
