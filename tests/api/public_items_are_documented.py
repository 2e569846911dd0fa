#!/usr/bin/env python3
"""Every public item of include/klefr/*.h carries its documentation as
doc/api-conventions.md asks: a doc comment right before it that says since
which version it exists (@since), and, for a function that returns klefr_err,
which errors it gives (@retval). Prints each item that lacks one and fails."""
import pathlib
import re
import sys

SINCE = re.compile(r"@since\s+\d+\.\d+")
# A public function, or a typedef of a struct, enum or function pointer.
ITEM = re.compile(r"^(KLEFR_API\b.*|typedef\s+(struct|enum|union)\s+\w+\s*\{|typedef\s+\w[\w\s\*]*\(\s*\*\s*\w+\s*\).*)")


def doc_before(lines, index):
    """The /** ... */ comment that ends on the line before @p index, or ''."""
    end = index - 1
    while end >= 0 and lines[end].strip() == "":
        end -= 1
    if end < 0 or not lines[end].rstrip().endswith("*/"):
        return ""
    start = end
    while start >= 0 and "/**" not in lines[start]:
        if start < end and "*/" in lines[start]:
            return ""
        start -= 1
    return "\n".join(lines[start : end + 1]) if start >= 0 else ""


def problems(path):
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        if not ITEM.match(line):
            continue
        doc = doc_before(lines, i)
        name = re.findall(r"(klefr_\w+)\s*\(|typedef\s+\w+\s+(\w+)", line)
        where = f"{path.name}:{i + 1}: {line.strip()[:70]}"
        if not doc:
            yield f"{where}: no doc comment"
            continue
        if not SINCE.search(doc):
            yield f"{where}: no @since"
        if line.startswith("KLEFR_API klefr_err") and "@retval" not in doc:
            yield f"{where}: returns klefr_err but names no @retval"


def main():
    include = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "include/klefr")
    found = [p for h in sorted(include.glob("*.h")) for p in problems(h)]
    for p in found:
        print(p)
    print(f"{len(found)} public items lack documentation")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
