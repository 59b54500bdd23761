#!/usr/bin/env python3
"""Checks every tests/diagnostics pair: wrong reports its code; fixed reports no errors and not the code."""
import json, os, re, subprocess, sys, time
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
B = os.environ.get("SECOND_LOOK", os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/second-look-target")), "debug", "second-look"))
src = open(f"{ROOT}/src/scenario/diagnostic.rs").read()
codes = ["SL" + n for n in re.findall(r'^\s*\w+ = "(\d{4})", (?:Error|Warning),', src, re.M)]
def check(path):
    for _ in range(30):
        if os.path.exists(B):
            break
        time.sleep(2)
    p = subprocess.run([B, "check", path, "--format", "json"], cwd=ROOT, capture_output=True, text=True)
    [report] = json.loads(p.stdout)
    return p.returncode, report
def find(code, kind):
    for name in (f"tests/diagnostics/{code}-{kind}.ron", f"tests/diagnostics/{code}-{kind}"):
        if os.path.exists(f"{ROOT}/{name}"):
            return name
failures = 0
for code in codes:
    wrong, fixed = find(code, "wrong"), find(code, "fixed")
    if not wrong or not fixed:
        print(f"FAIL {code}: missing example"); failures += 1; continue
    rc_w, w = check(wrong)
    rc_f, f = check(fixed)
    w_codes = [d["code"] for d in w["errors"] + w["warnings"]]
    f_codes = [d["code"] for d in f["errors"] + f["warnings"]]
    ok = code in w_codes and not f["errors"] and code not in f_codes and rc_f == 0
    first = open(f"{ROOT}/{wrong}/case.ron" if os.path.isdir(f"{ROOT}/{wrong}") else f"{ROOT}/{wrong}", "rb").readline()
    ok = ok and first.startswith(b"// ")
    failures += not ok
    others = sorted(set(w_codes) - {code})
    print(f"{'ok  ' if ok else 'FAIL'} {code}: wrong -> {w_codes} (exit {rc_w}); fixed -> {f_codes or 'clean'} (exit {rc_f})"
          + (f"  [also: {', '.join(others)}]" if others else ""))
print(f"{len(codes)} codes, {failures} failures")
sys.exit(1 if failures else 0)
