"""``torch.fx.subgraph_rewriter``: replace every non-overlapping match of a pattern graph by a replacement."""
from typing import NamedTuple, Dict as _Dict

from .graph_module import GraphModule
from .node import Node

__all__ = ["Match", "replace_pattern", "replace_pattern_with_filters", "ReplacedPatterns"]


class Match(NamedTuple):
    anchor: Node
    nodes_map: _Dict[Node, Node]


class ReplacedPatterns(NamedTuple):
    anchor: Node
    nodes_map: _Dict[Node, Node]
    replacements: list


def _graph_of(f):
    from ._symbolic_trace import symbolic_trace
    return f.graph if isinstance(f, GraphModule) else symbolic_trace(f).graph


def _args_match(pa, ga, pat_user_counts, nodes_map):
    if isinstance(pa, Node):
        return isinstance(ga, Node) and _node_match(pa, ga, pat_user_counts, nodes_map)
    if isinstance(pa, (list, tuple)):
        return (type(pa) is type(ga) and len(pa) == len(ga)
                and all(_args_match(p, g, pat_user_counts, nodes_map) for p, g in zip(pa, ga)))
    if isinstance(pa, dict):
        return (isinstance(ga, dict) and pa.keys() == ga.keys()
                and all(_args_match(pa[k], ga[k], pat_user_counts, nodes_map) for k in pa))
    return not isinstance(ga, Node) and type(pa) is type(ga) and pa == ga


def _node_match(pn, gn, pat_user_counts, nodes_map):
    if pn in nodes_map:
        return nodes_map[pn] is gn
    if pn.op == "placeholder":
        if gn in nodes_map.values():
            return False
        nodes_map[pn] = gn
        return True
    if pn.op != gn.op or pn.target != gn.target:
        return False
    if pat_user_counts.get(pn) is not None and len(gn.users) != pat_user_counts[pn]:
        return False  # an inner value of the pattern must not be used outside the match
    nodes_map[pn] = gn
    ok = (len(pn.args) == len(gn.args) and pn.kwargs.keys() == gn.kwargs.keys()
          and all(_args_match(p, g, pat_user_counts, nodes_map) for p, g in zip(pn.args, gn.args))
          and all(_args_match(pn.kwargs[k], gn.kwargs[k], pat_user_counts, nodes_map) for k in pn.kwargs))
    if not ok:
        del nodes_map[pn]
    return ok


def _replace(gm, pattern, replacement, match_filters=None):
    pattern_graph = _graph_of(pattern)
    replacement_graph = _graph_of(replacement)
    graph = gm.graph
    p_out = next(n for n in reversed(pattern_graph.nodes) if n.op == "output")
    anchor = p_out.args[0]
    if not isinstance(anchor, Node):
        raise NotImplementedError("numtorch.fx replace_pattern supports patterns that return one value")
    p_placeholders = [n for n in pattern_graph.nodes if n.op == "placeholder"]
    # inner nodes: the users a match may have (the anchor's users are free)
    pat_user_counts = {n: len(n.users) for n in pattern_graph.nodes
                       if n.op not in ("placeholder", "output") and n is not anchor}
    matches = []
    taken = set()
    for gn in list(graph.nodes):
        if gn.op in ("placeholder", "output"):
            continue
        nodes_map = {}
        if not _node_match(anchor, gn, pat_user_counts, nodes_map):
            continue
        inner = [g for p, g in nodes_map.items() if p.op != "placeholder"]
        if any(g in taken for g in inner):
            continue
        if match_filters and not all(f(Match(anchor, nodes_map), graph, pattern_graph) for f in match_filters):
            continue
        taken.update(inner)
        matches.append(Match(anchor=anchor, nodes_map=nodes_map))  # the pattern's anchor, as torch
    results = []
    for m in matches:
        val_map = {}
        r_placeholders = [n for n in replacement_graph.nodes if n.op == "placeholder"]
        for rp, pp in zip(r_placeholders, p_placeholders):
            val_map[rp] = m.nodes_map[pp]
        g_anchor = m.nodes_map[m.anchor]
        before = set(graph.nodes)
        # the replacement goes just before the first user of the matched value (after it when unused)
        users = set(g_anchor.users)
        insert_point = next((n for n in graph.nodes if n in users), None) if users else g_anchor.next
        with graph.inserting_before(insert_point):
            out = graph.graph_copy(replacement_graph, val_map)
        if not isinstance(out, Node):
            raise NotImplementedError("numtorch.fx replace_pattern supports replacements that return one value")
        g_anchor.replace_all_uses_with(out)
        inner = [m.nodes_map[p] for p in reversed(list(pattern_graph.nodes)) if p in m.nodes_map
                 and p.op != "placeholder"]
        for g in inner:
            if not g.users:
                graph.erase_node(g)
        results.append(ReplacedPatterns(m.anchor, m.nodes_map, [n for n in graph.nodes if n not in before]))
    gm.recompile()
    return results


def replace_pattern(gm, pattern, replacement):
    """Replaces each non-overlapping occurrence of ``pattern`` (a function or GraphModule, matched by data
    dependencies from its output) in ``gm.graph`` with ``replacement``; returns the ``Match`` list."""
    return [Match(anchor=r.anchor, nodes_map=r.nodes_map) for r in _replace(gm, pattern, replacement)]


def replace_pattern_with_filters(gm, pattern, replacement=None, match_filters=None, ignore_literals=False,
                                 replacement_callback=None, node_name_match=""):
    if ignore_literals or replacement_callback is not None or node_name_match:
        raise NotImplementedError("numtorch.fx replace_pattern_with_filters supports match_filters only")
    return _replace(gm, pattern, replacement, match_filters)
