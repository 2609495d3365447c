#!/usr/bin/env python
"""Turn ``run.py --json FILE`` output into the Markdown table of RESULTS.md.

    python benchmarks/report.py results.jsonl
"""
import json
import sys


def _unit(rec, key):
    s = rec.get(key)
    if s is None:
        return "-"
    k = rec["key"]
    if k.startswith("W5"):
        return f"{s / 200 * 1e9:.0f} ns/op"
    if k == "dataloader":
        return f"{2048 / s:.0f} img/s"
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    return f"{s * 1e3:.2f} ms"


def main(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    threads = [r["threads"] for r in runs]
    by_key = {}
    order = []
    for r in runs:
        for rec in r["records"]:
            if rec["key"] not in by_key:
                order.append(rec["key"])
                by_key[rec["key"]] = {}
            by_key[rec["key"]][r["threads"]] = rec
    head = "| workload | target |" + "".join(f" {t} thr: numtorch | torch | ratio |" for t in threads)
    print(head)
    print("|" + " --- |" * (2 + 3 * len(threads)))
    for k in order:
        recs = by_key[k]
        any_rec = next(iter(recs.values()))
        tgt = any_rec.get("target")
        row = f"| {k} | {'<= ' + format(tgt, 'g') if tgt else '-'} |"
        for t in threads:
            rec = recs.get(t)
            if rec is None:
                row += " - | - | - |"
            elif rec.get("status") != "ok":
                row += f" {rec.get('status')} | | |"
            elif k == "MEM":
                row += (f" {rec['numtorch_peak_mib']:.0f} MiB (+{rec['numtorch_train_mib']:.0f}) |"
                        f" {rec.get('torch_peak_mib', 0):.0f} MiB (+{rec.get('torch_train_mib', 0):.0f}) |"
                        f" {rec.get('ratio', float('nan')):.2f} {_mark(rec)} |")
            else:
                extra = ""
                if "numtorch_gflops" in rec:
                    extra = f" ({rec['numtorch_gflops']:.0f} vs {rec.get('torch_gflops', 0):.0f} GFLOP/s)"
                ratio = rec.get("ratio")
                row += (f" {_unit(rec, 'numtorch_s')} |"
                        f" {_unit(rec, 'torch_s')} |"
                        f" {'-' if ratio is None else format(ratio, '.2f')} {_mark(rec)}{extra} |")
        print(row)
    print()
    print("repeats per workload: " + ", ".join(
        f"{k}={'/'.join(str(by_key[k][t].get('repeats', '-')) for t in threads if t in by_key[k])}"
        for k in order if k != "MEM"))
    for r in runs:
        print(f"\n{r['threads']} thread(s): NumPy matmul peak {r['peak_gflops']:.0f} GFLOP/s; numpy {r['numpy']}, "
              f"torch {r['torch']}, BLAS {r['blas']}")


def _mark(rec):
    m = rec.get("met")
    return "" if m is None else ("OK" if m else "**MISS**")


if __name__ == "__main__":
    main(sys.argv[1])
