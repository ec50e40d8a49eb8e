#!/usr/bin/env python3
"""Checks that every relative link in README.md, BENCHMARKS.md and docs/*.md names a file or
directory that exists and, with a #fragment, a heading of that file (GitHub's anchors).

Usage: scripts/check-doc-links.py   (from anywhere; exits 1 and lists the broken links)
"""
import glob, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def prose(path):
    """The file's lines outside fenced code blocks."""
    fenced = False
    for line in open(path, encoding="utf-8"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield line


def anchors(path):
    """GitHub's anchors for the headings of a Markdown file."""
    seen, result = {}, set()
    for line in prose(path):
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        slug = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def main():
    pages = ["README.md", "BENCHMARKS.md"] + sorted(glob.glob("docs/*.md", root_dir=ROOT))
    broken = []
    for page in pages:
        for number, line in enumerate(prose(os.path.join(ROOT, page)), 1):
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"[a-z]+:", target):
                    continue
                path, _, fragment = target.partition("#")
                resolved = os.path.normpath(os.path.join(ROOT, os.path.dirname(page), path)) if path else os.path.join(ROOT, page)
                if not os.path.exists(resolved):
                    broken.append(f"{page}: {target}: no such file")
                elif fragment and resolved.endswith(".md") and fragment not in anchors(resolved):
                    broken.append(f"{page}: {target}: no such heading")
    print("\n".join(broken) if broken else f"{len(pages)} pages, every relative link resolves")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
