#!/usr/bin/env python3
"""Keeps README.md true to the tree and the binary.

    check-readme.py ROOT [AGORA_BINARY]

- The Layout table names every top-level folder of the repository, and every folder holding C++
  sources outside tests/ has its own row whose description names each of its file pairs (a stem
  such as `order_router` for order_router.hpp/.cpp).
- With the binary: the Configuration table names every option `agora --help` lists.

Prints what is missing and exits 1 when anything is.
"""
import os
import re
import subprocess
import sys


def section(text, title):
    """The lines of the README section with this `## ` title."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == title
            continue
        if inside:
            lines.append(line)
    return lines


def table_rows(lines):
    """First cell (without backticks and slashes at the end) -> the rest of the row."""
    rows = {}
    for line in lines:
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        key = cells[0].strip("`").rstrip("/")
        rows[key] = " | ".join(cells[1:])
    return rows


def tracked(root):
    out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                         check=True).stdout.split()
    return [f for f in out if os.path.exists(os.path.join(root, f))]


def main():
    root = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else ""
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    problems = []
    layout = table_rows(section(readme, "Layout"))
    if not layout:
        problems.append("README.md has no Layout table")
    files = tracked(root)
    for top in sorted({f.split("/")[0] for f in files if "/" in f and not f.startswith(".")}):
        if top not in layout:
            problems.append(f"Layout: no row for the folder {top}/")
    sources = {}
    for f in files:
        if f.endswith((".cpp", ".hpp")) and not f.startswith("tests/"):
            folder, name = os.path.split(f)
            sources.setdefault(folder, set()).add(os.path.splitext(name)[0])
    for folder, stems in sorted(sources.items()):
        row = layout.get(folder)
        if row is None:
            problems.append(f"Layout: no row for the source folder {folder}/")
            continue
        for stem in sorted(stems):
            if not re.search(r"(?<![\w/])" + re.escape(stem) + r"(?![\w])", row):
                problems.append(f"Layout: the row of {folder}/ does not name {stem}")
    if binary:
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        config = "\n".join(section(readme, "Configuration"))
        for flag in re.findall(r"^  (--[a-z0-9-]+)=", help_text, re.M):
            if f"`{flag}`" not in config:
                problems.append(f"Configuration: the table does not name {flag}")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} thing(s) README.md does not say")
        return 1
    print("README.md names every folder, file pair and option")
    return 0


if __name__ == "__main__":
    sys.exit(main())
