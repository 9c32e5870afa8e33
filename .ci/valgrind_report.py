"""Reads valgrind memcheck XML files; fails on any error whose stack touches polyfast.

CPython (not built --with-valgrind) and NumPy produce memcheck noise of their
own (uninitialised reads in the garbage collector, the small-int cache,
dynamic loading); those stacks never pass through polyfast's extension and
are counted but not failed.  Leak records are skipped: what is still
allocated at exit (the pool's threads, the ufuncs' loop tables, which live as
long as the process) is by design, and growth is tests/test_leaks.py's job.  Any error with a frame in polyfast/_core*.so (or
a polyfast source file) fails, and is printed in full.

Usage: python valgrind_report.py FILE.xml...
"""

import sys
import xml.etree.ElementTree as ET


def frames(error):
    for frame in error.iter("frame"):
        yield {child.tag: (child.text or "") for child in frame}


def ours(frame):
    return "polyfast/_core" in frame.get("obj", "") or "/src/" in frame.get("dir", "")


def main(paths):
    total = failing = 0
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:  # a forked child killed mid-write
            print(f"{path}: unreadable ({exc})")
            continue
        for error in root.iter("error"):
            if (error.findtext("kind") or "").startswith("Leak_"):
                continue  # memory alive at exit (pool threads, ufunc tables): by design
            total += 1
            stack = list(frames(error))
            if any(ours(f) for f in stack):
                failing += 1
                kind = error.findtext("kind")
                what = error.findtext("what") or error.findtext("xwhat/text")
                print(f"--- {kind}: {what}")
                for f in stack:
                    print(f"    {f.get('fn', '?')} {f.get('file', '')}:{f.get('line', '')} "
                          f"({f.get('obj', '')})")
    print(f"valgrind: {total} memcheck errors in {len(paths)} process(es), "
          f"{failing} in polyfast's code")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
