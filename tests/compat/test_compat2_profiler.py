"""torch.profiler / torch.autograd.profiler: numtorch's own ops timed, PyTorch's table, schedule and
callbacks."""
import json
import warnings

import pytest

import numtorch as nt
import numtorch.profiler as ntp
from conftest import torch
import torch.profiler as tp


def _work(lib, prof=None, steps=1, mx=None):
    m, x = mx if mx is not None else (lib.nn.Linear(4, 4), lib.randn(2, 4))
    for _ in range(steps):
        with lib.profiler.record_function("model_inference"):
            y = lib.nn.functional.relu(m(x)).sum()
        if prof is not None:
            prof.step()
    return y


def _rows(table):
    lines = table.splitlines()
    return {ln.split()[0]: ln.split() for ln in lines[3:] if ln and not ln.startswith("-") and
            not ln.startswith("Self CPU")}


def test_table_shape_and_counts_match_torch():
    out = {}
    for lib, mod in ((torch, tp), (nt, ntp)):
        mx = (lib.nn.Linear(4, 4), lib.randn(2, 4))
        with mod.profile(activities=[mod.ProfilerActivity.CPU], record_shapes=True) as prof:
            _work(lib, mx=mx)
            _work(lib, mx=mx)
        out[lib.__name__] = prof
    tt = out["torch"].key_averages().table(sort_by="cpu_time_total", row_limit=4)
    nn_ = out["numtorch"].key_averages().table(sort_by="cpu_time_total", row_limit=4)
    tl, nl = tt.splitlines(), nn_.splitlines()
    # same header columns, same layout (column widths after the name column)
    assert nl[1].split() == tl[1].split()
    assert nl[0].split("  ")[1:] == tl[0].split("  ")[1:]
    assert nl[-1].startswith("Self CPU time total: ") and tl[-1].startswith("Self CPU time total: ")
    assert len(nl) == len(tl)
    # the user range is the outermost row with 100% of the time; ops named and counted as torch's
    assert nl[3].split()[0] == tl[3].split()[0] == "model_inference"
    trows, nrows = _rows(out["torch"].key_averages().table(row_limit=100)), _rows(nn_ + "\n")
    nrows = _rows(out["numtorch"].key_averages().table(row_limit=100))
    for key in ("model_inference", "aten::linear", "aten::relu", "aten::sum"):
        assert nrows[key][-1] == trows[key][-1] == "2", (key, nrows.get(key), trows.get(key))
    ka = out["numtorch"].key_averages()
    ev = next(e for e in ka if e.key == "model_inference")
    assert ev.count == 2 and ev.cpu_time_total >= ev.self_cpu_time_total > 0
    assert abs(ev.cpu_time - ev.cpu_time_total / 2) < 1e-9
    shp = {e.key: e.input_shapes for e in out["numtorch"].key_averages(group_by_input_shape=True)}
    tshp = {e.key: e.input_shapes for e in out["torch"].key_averages(group_by_input_shape=True)}
    assert shp["aten::linear"] == tshp["aten::linear"] == [[2, 4], [4, 4], [4]]
    with pytest.raises(AttributeError, match="'FunctionEventAvg' object has no attribute 'bogus'"):
        ka.table(sort_by="bogus")


def test_sorting_row_limit_and_memory_columns():
    with ntp.profile(profile_memory=True) as prof:
        _work(nt)
    t = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=2)
    lines = t.splitlines()
    assert "CPU Mem" in lines[1] and "Self CPU Mem" in lines[1]
    assert len(lines) == 3 + 2 + 2
    ka = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    assert lines[3].split()[0] == ka[0].key


def test_wrappers_removed_after_profiling():
    before = (nt.Tensor.__add__, nt.nn.functional.relu, nt.matmul)
    with ntp.profile():
        assert nt.Tensor.__add__ is not before[0]
        nt.ones(2) + 1
    assert (nt.Tensor.__add__, nt.nn.functional.relu, nt.matmul) == before


def test_schedule_actions_and_trace_ready_like_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = tp.schedule(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
        ns = ntp.schedule(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
    assert [ns(i).name for i in range(14)] == [ts(i).name for i in range(14)]
    calls = {}
    for lib, mod in ((torch, tp), (nt, ntp)):
        seen = []
        with mod.profile(schedule=mod.schedule(wait=1, warmup=1, active=2, repeat=2),
                         on_trace_ready=lambda p: seen.append(
                             sum(e.count for e in p.key_averages() if e.key == "model_inference"))) as prof:
            _work(lib, prof, steps=10)
        calls[lib.__name__] = seen
    assert calls["numtorch"] == calls["torch"]


def test_autograd_profiler_and_chrome_trace(tmp_path):
    import torch.autograd.profiler as tap
    with nt.autograd.profiler.profile(record_shapes=True) as prof:
        with nt.autograd.profiler.record_function("blk"):
            nt.ones(3).exp().sum()
    with tap.profile(record_shapes=True) as tprof:
        with tap.record_function("blk"):
            torch.ones(3).exp().sum()
    keys = {e.key for e in prof.key_averages()}
    assert {"blk", "aten::exp", "aten::sum"} <= keys
    assert {"blk", "aten::exp", "aten::sum"} <= {e.key for e in tprof.key_averages()}
    assert prof.total_average().count == len(prof.function_events)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    assert {e["name"] for e in trace["traceEvents"]} >= {"blk", "aten::exp"}
    assert all(e["ph"] == "X" and e["dur"] >= 0 for e in trace["traceEvents"])
    assert sorted(ntp.__all__) == sorted(tp.__all__)
    assert [a.name for a in ntp.ProfilerActivity] == list(tp.ProfilerActivity.__members__)
