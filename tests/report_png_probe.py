"""What a screenshot shows, as JSON, for test_report_html.cpp (standard library only).

Usage: report_png_probe.py FILE.png X0 Y0 X1 Y1. Prints {"width", "height",
"nonwhite": fraction of all pixels that are not near-white, "region_nonwhite": the
same inside the box [X0, X1) x [Y0, Y1), "right_edge_background": fraction of rows
whose right-most pixel is near-white, "corner": [r, g, b] of pixel (5, 5)}.
Decodes 8-bit RGB or RGBA non-interlaced PNGs (what Chromium writes).
"""
import json
import struct
import sys
import zlib
def read_png(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise SystemExit('not a PNG')
    at, idat = 8, b''
    while at < len(data):
        length = struct.unpack('>I', data[at:at + 4])[0]
        kind, chunk = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        at += 12 + length
        if kind == b'IHDR':
            width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', chunk)
        elif kind == b'IDAT':
            idat += chunk
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise SystemExit('unsupported PNG: depth %d colour %d interlace %d' % (depth, colour, interlace))
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + left) & 255
            elif kind == 2: line[i] = (line[i] + up) & 255
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def near_white(line, x, channels):
    at = x * channels
    return line[at] >= 235 and line[at + 1] >= 235 and line[at + 2] >= 235


def main():
    width, height, channels, rows = read_png(sys.argv[1])
    x0, y0, x1, y1 = (int(value) for value in sys.argv[2:6])
    x1, y1 = min(x1, width), min(y1, height)
    total = region = region_size = 0
    for y, line in enumerate(rows):
        for x in range(0, width):
            if not near_white(line, x, channels):
                total += 1
                if x0 <= x < x1 and y0 <= y < y1:
                    region += 1
    region_size = max(1, (x1 - x0) * (y1 - y0))
    right = sum(1 for line in rows if near_white(line, width - 1, channels))
    corner = list(rows[5][5 * channels:5 * channels + 3]) if height > 5 and width > 5 else []
    print(json.dumps({'width': width, 'height': height, 'nonwhite': total / float(width * height),
                      'region_nonwhite': region / float(region_size), 'right_edge_background': right / float(height),
                      'corner': corner}))


if __name__ == '__main__':
    main()
