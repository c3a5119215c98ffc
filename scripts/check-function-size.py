#!/usr/bin/env python3
"""Lists the C++ functions longer than a limit (lines from the opening to the closing brace).

    check-function-size.py ROOT LIMIT DIR [DIR...]

Scans every .cpp and .hpp file under ROOT/DIR. A function is a brace block opened at namespace or
class scope whose header (the text since the previous ';', '{' or '}') holds a parameter list and
is not a class, namespace, enum or initialiser; lambdas and blocks inside a function count toward
that function. Comments, string and character literals (raw strings too) and preprocessor lines are
skipped. Prints one line per offender and exits 1 when there is any.
"""
import os
import re
import sys

SCOPE_WORDS = re.compile(r"^\s*(template\s*<.*>\s*)?(namespace|class|struct|union|enum)\b")
CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\s*$")


def strip(text):
    """The text with comments, literals and preprocessor lines blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # A preprocessor line, with its continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append("\n")
                    i += 2
                    continue
                i += 1
            continue
        if c == "\n":
            out.append(c)
            line_start = True
            i += 1
            continue
        if not c.isspace():
            line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
            continue
        raw = re.match(r'R"([^(\s]*)\(', text[i:i + 20])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + raw.end())
            end = n if end < 0 else end + len(close)
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def is_function(header):
    header = header.strip()
    if not header or "(" not in header or SCOPE_WORDS.match(header) or CONTROL.search(header):
        return False
    if header.endswith("="):
        return False  # an initialiser: T x[] = {...}
    before_paren = header.split("(", 1)[0]
    return "=" not in before_paren and not before_paren.rstrip().endswith("extern")


def functions(text):
    """(name, first line, last line) of every function defined at namespace or class scope."""
    code = strip(text)
    stack = []  # scope kinds: "scope" (namespace, class) or "function" / "block"
    header_start = 0
    found = []
    line = 1
    open_line = []
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c in ";{}":
            in_function = any(kind != "scope" for kind in stack)
            if c == "{":
                header = code[header_start:i]
                if in_function:
                    kind = "block"
                elif is_function(header):
                    kind = "function"
                    name = re.findall(r"([~\w:]+)\s*\(", header)
                    open_line.append((name[0] if name else "?", line))
                else:
                    kind = "scope"
                stack.append(kind)
            elif c == "}" and stack:
                kind = stack.pop()
                if kind == "function":
                    name, first = open_line.pop()
                    found.append((name, first, line))
            if c != ";" or not in_function:
                header_start = i + 1
    return found


def main():
    root, limit, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    offenders = 0
    for d in dirs:
        for folder, _, files in sorted(os.walk(os.path.join(root, d))):
            for f in sorted(files):
                if not f.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(folder, f)
                with open(path, encoding="utf-8") as src:
                    for name, first, last in functions(src.read()):
                        size = last - first + 1
                        if size > limit:
                            offenders += 1
                            print(f"{os.path.relpath(path, root)}:{first}: {name} is {size} lines "
                                  f"(over {limit})")
    if offenders:
        print(f"{offenders} function(s) over {limit} lines")
        return 1
    print(f"no function over {limit} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
