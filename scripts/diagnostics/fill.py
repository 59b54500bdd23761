#!/usr/bin/env python3
# Run from anywhere after `cargo build`: regenerates docs/diagnostics.md from doc.tmpl.md with the
# checker's real output for every example in tests/diagnostics/, then checks every snippet.
"""Fills docs/diagnostics.md from the template with real checker output, then checks the snippets."""
import os, re, subprocess, sys
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
B = os.environ.get("SECOND_LOOK", os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/second-look-target")), "debug", "second-look"))
def path_of(code):
    for name in (f"tests/diagnostics/{code}-wrong.ron", f"tests/diagnostics/{code}-wrong"):
        if os.path.exists(f"{ROOT}/{name}"):
            return name
def run(code, fmt):
    args = [B, "check", path_of(code)] + (["--format", "json"] if fmt == "JSON" else [])
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True).stdout.rstrip("\n")
    assert ROOT not in out and os.path.expanduser("~") not in out
    return f"```{'json' if fmt == 'JSON' else ''}\n{out}\n```"
tmpl = open(os.path.join(os.path.dirname(__file__), "doc.tmpl.md"), encoding="utf-8").read()
doc = re.sub(r"@@(OUT|JSON) (SL\d{4})@@", lambda m: run(m.group(2), m.group(1)), tmpl)
open(f"{ROOT}/docs/diagnostics.md", "w", encoding="utf-8").write(doc)

# Check headings against the codes! block, and every snippet line against its example file.
src = open(f"{ROOT}/src/scenario/diagnostic.rs").read()
codes = re.findall(r'^\s*\w+ = "(\d{4})", (Error|Warning), "([^"]+)";', src, re.M)
problems = []
sections = re.split(r"^## (?=SL\d{4} )", doc, flags=re.M)[1:]
if [s[:6] for s in sections] != ["SL" + n for n, _, _ in codes]:
    problems.append("sections do not match the codes! block")
for (num, sev, title), sec in zip(codes, sections):
    code = "SL" + num
    if not sec.startswith(f"{code} \u2014 {title}\n"):
        problems.append(f"{code}: heading is {sec.splitlines()[0]!r}")
    if f"**Severity:** {sev.lower()}" not in sec:
        problems.append(f"{code}: severity")
    if f"Example: {path_of(code)}" not in sec or "### The checker says" not in sec:
        problems.append(f"{code}: example line or checker output missing")
    for kind in ("wrong", "fixed"):
        p = f"{ROOT}/tests/diagnostics/{code}-{kind}"
        files = [f"{p}/{f}" for f in sorted(os.listdir(p))] if os.path.isdir(p) else [p + ".ron"]
        lines = set()
        for f in files:
            lines |= {l.strip() for l in open(f, "rb").read().decode("utf-8", "replace" if kind == "wrong" else "strict").splitlines()}
        if code == "SL0003" and kind == "wrong":
            lines = {l.replace("\ufffd", "£") for l in lines}
        m = re.search(r"\*\*%s[^*]*\*\*.*?\n\n```ron\n(.*?)```" % kind.capitalize(), sec, re.S)
        if not m:
            problems.append(f"{code}: no {kind} snippet"); continue
        for l in m.group(1).splitlines():
            if l.strip() and not l.strip().startswith("//") and l.strip() not in lines:
                problems.append(f"{code}: {kind} snippet line not in file: {l.strip()}")
print("\n".join(problems) or f"docs/diagnostics.md: {len(sections)} sections, all headings, severities, examples and snippets match")
sys.exit(1 if problems else 0)
