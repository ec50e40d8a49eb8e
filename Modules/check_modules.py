#!/usr/bin/env python3
"""Checks built imgedge filter modules against ABI v1 (stdlib only): no imports at all, an
exported memory with a declared maximum (at most 64 MiB), and exactly the common exports plus
one kind's exports (strip filters may add imgedge_halo / imgedge_finalize; any module may add
the pair imgedge_describe / imgedge_describe_length, both or neither).

usage: check_modules.py build/*.wasm
"""
import sys

COMMON = {"memory", "imgedge_abi_version", "imgedge_alloc", "imgedge_reset"}
DESCRIBE = {"imgedge_describe", "imgedge_describe_length"}  # optional, any kind, both or neither
KINDS = {
    "lut": ({"imgedge_lut"}, set()),
    "matrix": ({"imgedge_matrix"}, set()),
    "kernel": ({"imgedge_kernel"}, set()),
    "strip": ({"imgedge_strip"}, {"imgedge_halo", "imgedge_finalize"}),
    "transform": ({"imgedge_transform_input", "imgedge_transform_chunk", "imgedge_transform_finish",
                   "imgedge_transform_output", "imgedge_transform_output_length"}, set()),
}
MAX_PAGES = 1024  # 64 MiB


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(data):
    if data[:8] != b"\0asm\1\0\0\0":
        raise ValueError("not a wasm 1.0 module")
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(data, pos + 1)
        yield sid, data[pos:pos + size]
        pos += size


def check(path):
    data = open(path, "rb").read()
    imports, exports, memory = 0, {}, None
    for sid, body in sections(data):
        if sid == 2:
            imports, _ = leb(body, 0)
        elif sid == 5:
            count, pos = leb(body, 0)
            flags = body[pos]
            initial, pos = leb(body, pos + 1)
            maximum = leb(body, pos)[0] if flags & 1 else None
            memory = (initial, maximum)
        elif sid == 7:
            count, pos = leb(body, 0)
            for _ in range(count):
                length, pos = leb(body, pos)
                name = body[pos:pos + length].decode()
                kind = body[pos + length]
                _, pos = leb(body, pos + length + 1)
                exports[name] = kind
    problems = []
    if imports:
        problems.append(f"{imports} imports")
    if memory is None or exports.get("memory") != 2:
        problems.append("no exported memory")
    elif memory[1] is None or memory[1] > MAX_PAGES:
        problems.append(f"memory maximum {memory[1]} pages")
    names = set(exports)
    kinds = [k for k, (required, _) in KINDS.items() if names & required]
    if len(kinds) != 1:
        problems.append(f"kinds {kinds}")
    else:
        required, optional = KINDS[kinds[0]]
        if not (COMMON | required) <= names or names - COMMON - DESCRIBE - required - optional:
            problems.append(f"exports {sorted(names)}")
    if names & DESCRIBE and not DESCRIBE <= names:
        problems.append(f"only {sorted(names & DESCRIBE)} of {sorted(DESCRIBE)}")
    status = "ok" if not problems else "FAIL " + "; ".join(problems)
    kind = kinds[0] if len(kinds) == 1 else "?"
    pages = f"{memory[0]}..{memory[1]} pages" if memory else "-"
    print(f"{path}: {kind}, {len(data)} bytes, memory {pages}, exports {sorted(names - COMMON)}: {status}")
    return not problems


if __name__ == "__main__":
    results = [check(path) for path in sys.argv[1:]]
    sys.exit(0 if results and all(results) else 1)
