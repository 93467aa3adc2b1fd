#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The documentation (README.md, docs/*.md, scripts/examples/*.cfg) against
# the tree and the build:
#  - every relative link [text](PATH) or [text](PATH#ANCHOR) of README.md and
#    docs/*.md (outside code blocks and code spans) names a file or
#    directory that exists, and an ANCHOR (also #ANCHOR alone) names a
#    heading of that Markdown file, as GitHub makes anchors of headings
#    (lower case, punctuation dropped, blanks to hyphens, -1, -2... for
#    repeats);
#  - README.md has at most 300 lines (a newcomer reads it in five minutes);
#  - the sizes: docs/packaging.md's table with the header "| binary | CPU |
#    libc | file | ..." is the one place that gives the binaries' sizes.
#    Each row names a binary (`build/ptpbox`, `build-aarch64/ptpbox`, ...);
#    for each one that is built, its file size is within 2 % of the row's
#    "file" cell.  build/ptpbox must have a row and be built.  Elsewhere in
#    README.md and docs/ no binary size is given (a number of bytes or
#    octets of 100 000 or more, or 100 KB/KiB or more): those refer to
#    that table;
#  - every example configuration scripts/examples/*.cfg is taken by the
#    applet its "Run: ptpbox APPLET" comment names (started on an absent
#    interface it gets past its configuration: exit 3 naming the
#    interface, where a configuration error is exit 1 with FILE:LINE), and
#    one for gm or oc either disciplines a soft clock ("clock soft") or
#    says in a comment that CLOCK_REALTIME, this machine's system clock,
#    will or may be steered.
# Prints "docs: N passed, N failed"; exit 1 when a check failed.
# Usage: test/checks/docs.sh            the checks
#        test/checks/docs.sh --sizes    the size table's rows for the binaries
#                                       built, to paste into docs/packaging.md
# (PTPBOX: the binary, default build/ptpbox)
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
export PTPBOX
exec python3 - "$top" "$@" <<'PY'
import os, re, subprocess, sys, unicodedata

top = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else ""
os.chdir(top)
passed = failed = 0

def ok():
    global passed
    passed += 1

def ko(why):
    global failed
    failed += 1
    print("FAIL: " + why)

def slug(heading):
    """GitHub's anchor of a heading's text."""
    t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # links: their text
    t = t.replace("`", "").strip().lower()
    out = []
    for ch in t:
        cat = unicodedata.category(ch)
        if ch in "-_" or cat[0] in "LN":
            out.append(ch)
        elif ch == " ":
            out.append("-")
        # everything else (punctuation, symbols such as the arrow) is dropped
    return "".join(out)

anchor_cache = {}
def anchors(path):
    if path not in anchor_cache:
        seen, res, fence = {}, set(), False
        for line in open(path, encoding="utf-8"):
            if re.match(r"^\s*(```|~~~)", line):
                fence = not fence
                continue
            m = None if fence else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                s = slug(m.group(1))
                n = seen.get(s, 0)
                seen[s] = n + 1
                res.add(s if n == 0 else "%s-%d" % (s, n))
        anchor_cache[path] = res
    return anchor_cache[path]

def links(path):
    """(line number, target) of each Markdown link outside code."""
    fence = False
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
            continue
        if fence or line.startswith("    ") and not line.lstrip().startswith(("-", "|", "[")):
            continue
        line = re.sub(r"`[^`]*`", "", line)          # code spans
        for m in re.finditer(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", line):
            yield no, m.group(1)

docs = ["README.md"] + sorted("docs/" + f for f in os.listdir("docs") if f.endswith(".md"))

def size_rows():
    """The rows of docs/packaging.md's size table: (line, cells)."""
    rows, header = [], None
    for no, line in enumerate(open("docs/packaging.md", encoding="utf-8"), 1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if header[:2] == ["binary", "cpu"] and "file" in header:
            rows.append((no, dict(zip(header, cells))))
    return rows

def number(cell):
    n = re.sub(r"[\s\u00a0\u202f\u2009,]", "", cell)
    return int(n) if n.isdigit() else None

def size_of(binary):
    """file, text, data, bss of a built binary (None where size cannot tell)."""
    f = os.path.getsize(binary)
    try:
        out = subprocess.run(["size", binary], capture_output=True, text=True).stdout.split("\n")[1].split()
        return f, int(out[0]), int(out[1]), int(out[2])
    except Exception:
        return f, None, None, None

def grouped(n):
    return "{:,}".format(n).replace(",", " ") if n is not None else "?"

if mode == "--sizes":
    for no, r in size_rows():
        b = r["binary"].strip("`")
        if os.path.exists(b):
            f, t, d, s = size_of(b)
            print("| `%s` | %s | %s | %s | %s | %s | %s |" % (b, r["cpu"], r["libc"], grouped(f),
                  grouped(t), grouped(d), grouped(s)))
    sys.exit(0)

# --- links
for doc in docs:
    for no, target in links(doc):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):     # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        if not os.path.exists(dest):
            ko("%s:%d: link %s: no file %s" % (doc, no, target, dest))
            continue
        if anchor and dest.endswith(".md"):
            if anchor not in anchors(dest):
                ko("%s:%d: link %s: no heading with the anchor #%s in %s" % (doc, no, target, anchor, dest))
                continue
        ok()

# --- README's length
n = sum(1 for _ in open("README.md", encoding="utf-8"))
ok() if n <= 300 else ko("README.md: %d lines, more than 300" % n)

# --- sizes
rows = size_rows()
names = [r["binary"].strip("`") for _, r in rows]
ok() if "build/ptpbox" in names else ko("docs/packaging.md: no size row for build/ptpbox")
ok() if os.path.exists("build/ptpbox") else ko("build/ptpbox not built (./build.sh -s)")
for no, r in rows:
    b = r["binary"].strip("`")
    doc_size = number(r["file"])
    if doc_size is None:
        ko("docs/packaging.md:%d: %s: file size '%s' is not a number" % (no, b, r["file"]))
        continue
    if not os.path.exists(b):
        print("docs: %s not built: its size not checked" % b)
        continue
    f = size_of(b)
    off = abs(f[0] - doc_size) / doc_size
    if off <= 0.02:
        ok()
        print("docs: %s %d bytes, documented %d (%.1f %%)" % (b, f[0], doc_size, 100 * off))
    else:
        ko("docs/packaging.md:%d: %s is %d bytes, documented %d (%.1f %% off, more than 2 %%); "
           "sh test/checks/docs.sh --sizes prints the rows" % (no, b, f[0], doc_size, 100 * off))
big = re.compile(r"\b(\d{1,3}(?:[ \u00a0\u202f,]\d{3})+|\d{6,})\s*(bytes|octets)\b|\b(\d{3,})(?:[.,]\d+)?\s*(KB|KiB|kB)\b")
for doc in docs:
    if doc == "docs/packaging.md":
        continue
    for no, line in enumerate(open(doc, encoding="utf-8"), 1):
        m = big.search(line)
        if m and (m.group(1) is None or number(m.group(1)) >= 100000):
            ko("%s:%d: '%s': binary sizes are given in docs/packaging.md#sizes only" % (doc, no, m.group(0)))
ok()

# --- example configurations
ptpbox = os.environ.get("PTPBOX")
ex = "scripts/examples"
for cfg in sorted(f for f in os.listdir(ex) if f.endswith(".cfg")):
    path = os.path.join(ex, cfg)
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^#.*\bRun: ptpbox (\w+)", text, re.M)
    if not m:
        ko("%s: no '# Run: ptpbox APPLET' comment" % path)
        continue
    applet = m.group(1)
    if applet in ("gm", "oc"):
        comments = "\n".join(l for l in text.split("\n") if l.lstrip().startswith("#"))
        soft = re.search(r"^\s*clock\s+soft\b", text, re.M)
        ok() if soft or "CLOCK_REALTIME" in comments else \
            ko("%s: neither 'clock soft' nor a comment saying CLOCK_REALTIME may be steered" % path)
    if not os.access(ptpbox, os.X_OK):
        ko("%s: %s not built" % (path, ptpbox))
        continue
    args = [ptpbox, applet, "-f", path, "-q", "--uds_address=none"]
    if applet != "tc":
        args += ["-i", "ptpbox-nosuch0"]
    else:
        # its ports are the file's sections; the first must not exist
        first = re.search(r"^\[(?!global\])([^\]]+)\]", text, re.M)
        if first and os.path.exists("/sys/class/net/" + first.group(1)):
            print("docs: %s: interface %s exists here: not started" % (path, first.group(1)))
            continue
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        ko("%s: ptpbox %s did not stop within 10 s on an absent interface" % (path, applet))
        continue
    err = p.stderr.strip()
    if p.returncode == 3 and cfg + ":" not in err:
        ok()
    else:
        ko("%s: ptpbox %s exit %d: %s" % (path, applet, p.returncode, err))

print("docs: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
