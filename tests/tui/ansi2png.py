#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Render a `tmux capture-pane -e -p` dump (text with SGR escapes) to PNG.

Usage: ansi2png.py IN.txt OUT.png [--cols N] [--rows N] [--title TEXT]

A small terminal renderer for the README screenshots: it understands the
SGR subset tmux emits (bold, dim, underline, reverse, 8/16/256 and 24-bit
colours) and draws each cell with DejaVu Sans Mono, so what you see is
what the terminal showed. Needs python3-pil and fonts-dejavu-core.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 15
FG, BG = (0xd0, 0xd0, 0xd0), (0x1c, 0x1c, 0x1c)
BASIC = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
         (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
         (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
         (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def palette(i):
    if i < 16:
        return BASIC[i]
    if i < 232:
        i -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[i // 36], steps[(i // 6) % 6], steps[i % 6])
    g = 8 + (i - 232) * 10
    return (g, g, g)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.ul = self.rev = False

    def apply(self, params):
        p = [int(x) if x else 0 for x in params.replace(":", ";").split(";")]
        i = 0
        while i < len(p):
            c = p[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 4:
                self.ul = True
            elif c == 7:
                self.rev = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 24:
                self.ul = False
            elif c == 27:
                self.rev = False
            elif 30 <= c <= 37:
                self.fg = palette(c - 30)
            elif 90 <= c <= 97:
                self.fg = palette(c - 90 + 8)
            elif 40 <= c <= 47:
                self.bg = palette(c - 40)
            elif 100 <= c <= 107:
                self.bg = palette(c - 100 + 8)
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(p):
                if p[i + 1] == 5 and i + 2 < len(p):
                    col = palette(p[i + 2])
                    i += 2
                elif p[i + 1] == 2 and i + 4 < len(p):
                    col = tuple(p[i + 2:i + 5])
                    i += 4
                else:
                    col = None
                if c == 38:
                    self.fg = col
                else:
                    self.bg = col
            i += 1

    def colours(self):
        fg = self.fg or FG
        bg = self.bg or BG
        if self.rev:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def parse(text, cols, rows):
    pen = Pen()
    grid = []
    for line in text.split("\n")[:rows]:
        cells = []
        pos = 0
        for m in SGR.finditer(line):
            for ch in line[pos:m.start()]:
                cells.append((ch, pen.colours(), pen.bold, pen.ul))
            pen.apply(m.group(1))
            pos = m.end()
        for ch in line[pos:]:
            cells.append((ch, pen.colours(), pen.bold, pen.ul))
        # tmux trims trailing default blanks: pad with the default.
        while len(cells) < cols:
            cells.append((" ", (FG, BG), False, False))
        grid.append(cells[:cols])
    while len(grid) < rows:
        grid.append([(" ", (FG, BG), False, False)] * cols)
    return grid


def render(grid, out, title=None):
    font = ImageFont.truetype(FONT, SIZE)
    bold = ImageFont.truetype(FONT_BOLD, SIZE)
    cw = round(font.getlength("M"))
    ch = SIZE + 4
    cols, rows = len(grid[0]), len(grid)
    top = ch + 8 if title else 0
    img = Image.new("RGB", (cols * cw + 16, rows * ch + 16 + top), BG)
    d = ImageDraw.Draw(img)
    if title:
        d.rectangle([0, 0, img.width, top - 2], fill=(0x30, 0x30, 0x30))
        d.text((8, 4), title, font=font, fill=(0xe0, 0xe0, 0xe0))
    for y, row in enumerate(grid):
        for x, (c, (fg, bg), b, ul) in enumerate(row):
            px, py = 8 + x * cw, 8 + top + y * ch
            d.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            if "\u2581" <= c <= "\u2588":
                # Block elements drawn as boxes: fonts leave gaps.
                h = (ord(c) - 0x2580) * ch // 8
                d.rectangle([px, py + ch - h, px + cw - 1, py + ch - 1],
                            fill=fg)
            elif c != " ":
                d.text((px, py + 1), c, font=bold if b else font, fill=fg)
            if ul:
                d.line([px, py + ch - 2, px + cw - 1, py + ch - 2], fill=fg)
    img.save(out)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    cols, rows, title = 160, 40, None
    for flag in ("--cols", "--rows", "--title"):
        if flag in args:
            i = args.index(flag)
            val = args[i + 1]
            del args[i:i + 2]
            if flag == "--cols":
                cols = int(val)
            elif flag == "--rows":
                rows = int(val)
            else:
                title = val
    with open(args[0], encoding="utf-8", errors="replace") as f:
        text = f.read()
    render(parse(text, cols, rows), args[1], title)


if __name__ == "__main__":
    main()
