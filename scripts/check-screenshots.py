#!/usr/bin/env python3
"""Fails when a screenshot is blank: every PNG in the folder must exist, decode, and not be one colour.

Usage: check-screenshots.py DIR [MIN_COUNT]
Standard library only (zlib), so CI needs nothing else installed.
"""
import struct, sys, zlib
from pathlib import Path


def pixels(path):
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header[:4]
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"unexpected PNG format (depth {depth}, colour type {colour})")
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def distinct_colours(path, step=7):
    width, height, bpp, rows = pixels(path)
    seen = set()
    for y in range(0, height, step):
        row = rows[y]
        for x in range(0, width, step):
            seen.add(row[x * bpp:x * bpp + 3])
    return seen


def main():
    folder = Path(sys.argv[1])
    need = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    shots = sorted(folder.glob("*.png"))
    failures = 0
    for shot in shots:
        try:
            colours = len(distinct_colours(shot))
        except Exception as e:  # a broken file is a failure, not a crash
            print(f"FAIL {shot.name}: {e}")
            failures += 1
            continue
        verdict = "ok  " if colours > 8 else "FAIL"
        failures += verdict == "FAIL"
        print(f"{verdict} {shot.name}: {colours} colours")
    if len(shots) < need:
        print(f"FAIL only {len(shots)} screenshots, expected at least {need}")
        failures += 1
    print(f"{len(shots) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
