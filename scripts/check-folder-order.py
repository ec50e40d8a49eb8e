#!/usr/bin/env python3
"""Checks that each folder of Sources/ImgEdge uses types only from folders before it in FOLDERS,
the order data flows in (docs/architecture.md explains it). A type is a folder's when a file
there declares it at the top level (private and fileprivate ones excepted); a use is its name in
code, comments left out. Exits 1 naming each use that looks ahead, or a folder not listed."""

import pathlib
import re
import sys

FOLDERS = [
    "Structures", "Values", "Options", "Negotiation", "Origin", "Clients", "Security", "Request",
    "Cache", "Placeholders", "Workers", "Render", "Pipeline", "Observability", "Configuration", "HTTP", "Application",
]
ROOT = pathlib.Path(__file__).resolve().parent.parent / "Sources" / "ImgEdge"
DECLARATION = re.compile(
    r"^(?:@\w+\s+)*(?:(?:public|internal|package|final|indirect)\s+)*"
    r"(?:struct|class|enum|protocol|actor|typealias)\s+([A-Z]\w*)",
    re.M,
)
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def main() -> int:
    sources = {}
    for folder in sorted(p for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.swift"))):
        for file in sorted(folder.glob("*.swift")):
            sources[file] = folder.name
    unlisted = sorted({folder for folder in sources.values()} - set(FOLDERS))
    owner = {}
    for file, folder in sources.items():
        for name in DECLARATION.findall(file.read_text()):
            owner.setdefault(name, folder)
    problems = [f"Sources/ImgEdge/{folder}/ is not in FOLDERS of {sys.argv[0]}" for folder in unlisted]
    for file, folder in sources.items():
        if folder in unlisted:
            continue
        code = STRING.sub('""', COMMENT.sub("", file.read_text()))
        for name in sorted(set(re.findall(r"\b[A-Z]\w*\b", code))):
            used = owner.get(name)
            if used in FOLDERS and FOLDERS.index(used) > FOLDERS.index(folder):
                problems.append(f"{file.relative_to(ROOT.parent.parent)} uses {name} of {used}/, which comes after {folder}/")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
