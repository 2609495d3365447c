"""``numtorch.viz``: see the backward pass.

* :func:`plot_function` / :func:`plot_functions` -- a function (an activation, by name or
  any callable) beside its derivative, the derivative computed by numtorch's autograd.
* :func:`plot_losses` -- regression losses against the prediction error, with their gradients.
* :func:`draw_graph` -- the autograd graph of a tensor as Graphviz DOT (SVG/PNG with ``dot``).
* :func:`explain_backward` -- the chain rule, step by step, with the engine's own numbers.
* :class:`TrainingPlot` / :func:`plot_history` -- loss and accuracy curves.

matplotlib (plots) and Graphviz's ``dot`` program (rendering pictures of graphs) are
optional: they are imported or looked up only when a function needs them.
"""
from .plots import plot_function, plot_functions, plot_losses, plot_history, TrainingPlot, ACTIVATIONS, LOSSES
from .graph import draw_graph, GraphDiagram
from .explain import explain_backward, BackwardExplanation, Step

__all__ = ["plot_function", "plot_functions", "plot_losses", "plot_history", "TrainingPlot", "draw_graph",
           "GraphDiagram", "explain_backward", "BackwardExplanation", "Step", "ACTIVATIONS", "LOSSES"]
