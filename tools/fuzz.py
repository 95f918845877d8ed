"""Fuzz dsrlab's public API: `python tools/fuzz.py [module ...] [--json FILE] [--call SUBSTRING]`.

Runs the specs in tests/fuzz (one per module), prints a table of outcomes per module, every defect, and the public
callables without a spec entry. Exit status 1 if there is a defect.
"""
import argparse
import collections
import json
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fuzz"))
import harness  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("modules", nargs="*", help="modules to fuzz (default: every spec)")
    ap.add_argument("--json", help="write every outcome to this file")
    ap.add_argument("--call", help="only spec entries whose name contains this")
    args = ap.parse_args(argv)
    modules = args.modules or harness.spec_modules()
    table, outcomes, missing = {}, [], {}
    warnings.simplefilter("ignore")
    for m in modules:
        t0 = time.perf_counter()
        try:
            calls = harness.load_calls(m)
        except Exception as e:      # a spec written for a newer API, run against an older release
            print(f"{m}: the spec does not load ({type(e).__name__}: {e}); skipped", file=sys.stderr)
            continue
        missing[m] = harness.coverage(m, calls)
        counts = collections.Counter()
        for c in calls:
            if args.call and args.call not in c.name:
                continue
            for o in harness.fuzz_call(c):
                counts[o.outcome] += 1
                outcomes.append(o)
        table[m] = counts
        print(f"{m}: {sum(counts.values())} calls in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    cols = list(harness.GOOD) + list(harness.DEFECTS)
    print("| module | calls | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 2) + "|")
    total = collections.Counter()
    for m, counts in table.items():
        total.update(counts)
        print(f"| {m} | {sum(counts.values())} | " + " | ".join(str(counts.get(c, 0)) for c in cols) + " |")
    print(f"| all | {sum(total.values())} | " + " | ".join(str(total.get(c, 0)) for c in cols) + " |")
    defects = [o for o in outcomes if o.outcome in harness.DEFECTS]
    if defects:
        print("\nDefects:")
        for o in defects:
            print(f"- {o.call}({o.argument}={o.value}): {o.outcome}. {o.detail}")
    for m, names in missing.items():
        if names:
            print(f"\n{m}: no spec entry for {', '.join(names)}")
    if args.json:
        Path(args.json).write_text(json.dumps([o.__dict__ for o in outcomes], indent=1))
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
