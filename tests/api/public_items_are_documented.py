#!/usr/bin/env python3
"""Every public item of include/klefr/*.h (and version.h.in) carries its
documentation as doc/api-conventions.md asks: a doc comment right before it
that says since which version it exists (@since), and, for a function that
returns klefr_err, which errors it gives (@retval). Every @param in the
headers gives a direction ([in], [out] or [in,out]); a function or callback
type whose comment has any @param documents each of its parameters, only
those, in the prototype's order. Every @defgroup comment links (@ref) a program of examples/
that exists. Prints each item that breaks a rule and fails.
Usage: public_items_are_documented.py [INCLUDE_DIR [EXAMPLES_DIR]]"""
import pathlib
import re
import sys

SINCE = re.compile(r"@since\s+\d+\.\d+")
# "@param" then its direction, if any, then the name(s): "a" or "a,b".
PARAM = re.compile(r"@param(\[[^\]]*\])?\s+([\w,]+)")
DIRECTIONS = {"[in]", "[out]", "[in,out]"}
# A public function, or a typedef of a struct, enum or function pointer.
ITEM = re.compile(r"^(KLEFR_API\b.*|typedef\s+(struct|enum|union)\s+\w+\s*\{|typedef\s+\w[\w\s\*]*\(\s*\*\s*\w+\s*\).*)")


def doc_before(lines, index):
    """The lines (start, end) of the /** ... */ comment that ends on the line
    before @p index, or None."""
    end = index - 1
    while end >= 0 and lines[end].strip() == "":
        end -= 1
    if end < 0 or not lines[end].rstrip().endswith("*/"):
        return None
    start = end
    while start >= 0 and "/**" not in lines[start]:
        if start < end and "*/" in lines[start]:
            return None
        start -= 1
    return (start, end) if start >= 0 else None


def declaration(lines, index):
    """The declaration starting on line @p index, up to its ';', on one line."""
    text = ""
    for line in lines[index:]:
        text += " " + line.strip()
        if ";" in line:
            break
    return text


def arguments(decl):
    """Parameter names of a function prototype or a function pointer typedef
    (None when @p decl is neither)."""
    if re.match(r"\s*typedef\s+(struct|enum|union)\b", decl):
        return None
    pointer = re.search(r"\(\s*\*\s*\w+\s*\)\s*\(", decl)
    function = re.search(r"\bklefr_\w+\s*\(", decl)
    match = pointer if decl.lstrip().startswith("typedef") else function
    if not match:
        return None
    depth, start = 1, match.end()
    for end in range(start, len(decl)):
        depth += {"(": 1, ")": -1}.get(decl[end], 0)
        if depth == 0:
            break
    names = []
    for arg in split_top_level(decl[start:end]):
        arg = re.sub(r"\[[^\]]*\]", "", arg).strip()
        if arg in ("", "void", "..."):
            continue
        inner = re.search(r"\(\s*\*\s*(\w+)\s*\)", arg)  # a function pointer argument
        names.append(inner.group(1) if inner else re.search(r"(\w+)\s*$", arg).group(1))
    return names


def split_top_level(text):
    """@p text split at the commas that are not inside brackets."""
    parts, depth, current = [], 0, ""
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    return parts + [current]


def param_problems(doc, decl):
    """The @param rules for one item's comment against its declaration."""
    documented = []
    for direction, names in PARAM.findall(doc):
        if direction not in DIRECTIONS:
            yield f"@param {names} has no direction ([in], [out] or [in,out])"
        documented += [n for n in names.split(",") if n]
    args = arguments(decl)
    if args is None or not documented:
        return
    for name in sorted(set(documented), key=documented.index):
        if name not in args:
            yield f"@param {name} is no parameter of it"
        elif documented.count(name) > 1:
            yield f"@param {name} documented twice"
    for name in args:
        if name not in documented:
            yield f"parameter {name} has no @param"
    if sorted(set(documented)) == sorted(args) and documented != args:
        yield f"@param order {', '.join(documented)} is not the prototype's"


def stray_params(lines):
    """@param lines without a direction anywhere in the file (for example in
    the comment of a struct member), as (line number, text)."""
    for i, line in enumerate(lines):
        for direction, names in PARAM.findall(line):
            if direction not in DIRECTIONS:
                yield i, f"@param {names} has no direction ([in], [out] or [in,out])"


def group_problems(lines, examples):
    """The example rule for each @defgroup comment of a header."""
    for i, line in enumerate(lines):
        group = re.search(r"@defgroup\s+(\w+)", line)
        if not group:
            continue
        start = max(j for j in range(i + 1) if "/**" in lines[j])
        end = min(j for j in range(i, len(lines)) if "*/" in lines[j])
        refs = re.findall(r"@ref\s+(\w+\.c)\b", "\n".join(lines[start : end + 1]))
        where = f"{i + 1}: group {group.group(1)}"
        if not refs:
            yield where, "links no example (@ref a program of examples/)"
        for name in refs:
            if not (examples / name).is_file():
                yield where, f"links {name}, which examples/ does not have"


def problems(path, examples):
    lines = path.read_text().split("\n")
    for where, p in group_problems(lines, examples):
        yield f"{path.name}:{where}: {p}"
    in_item_docs = set()
    for i, line in enumerate(lines):
        if not ITEM.match(line):
            continue
        where = f"{path.name}:{i + 1}: {line.strip()[:70]}"
        span = doc_before(lines, i)
        if not span:
            yield f"{where}: no doc comment"
            continue
        doc = "\n".join(lines[span[0] : span[1] + 1])
        in_item_docs.update(range(span[0], span[1] + 1))
        if not SINCE.search(doc):
            yield f"{where}: no @since"
        if line.startswith("KLEFR_API klefr_err") and "@retval" not in doc:
            yield f"{where}: returns klefr_err but names no @retval"
        for p in param_problems(doc, declaration(lines, i)):
            yield f"{where}: {p}"
    for j, p in stray_params(lines):
        if j not in in_item_docs:
            yield f"{path.name}:{j + 1}: {p}"


def main():
    include = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "include/klefr")
    examples = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else include / ".." / ".." / "examples")
    headers = sorted(include.glob("*.h")) + sorted(include.glob("*.h.in"))
    found = [p for h in headers for p in problems(h, examples)]
    for p in found:
        print(p)
    print(f"{len(found)} documentation problems in the public headers")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
