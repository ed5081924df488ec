#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The header as htop's: a meter per CPU, as many as the machine has (the
# summary line says the same count), load averages equal to
# /proc/loadavg's, uptime within two seconds of /proc/uptime's, memory
# and swap meters, tasks, and PSI where /proc/pressure exists.
# The selected row's sparkline stays readable: on every theme and in both
# the block and the braille style, each of its glyphs has a foreground
# colour different from its background (it used to be a block of the
# selection's colour).
. "$(dirname "$0")/lib.sh"
need_basics
[ -x "$RI_WORKLOADS/burn" ] || skip "no burn workload (make workloads)"
command -v python3 >/dev/null || skip "no python3"

name=rihd$(($$ % 10000))
"$RI_WORKLOADS/burn" --name "$name" --seconds 120 --thread "$name:60" \
	>/dev/null 2>&1 &
WL_PIDS+=($!)
ncpu=$(nproc --all 2>/dev/null || getconf _NPROCESSORS_CONF)

start_tool 200 50 -- -d 0.5 -t default
wait_for 'Load average:' 15 || fail "no load average in the header"

# Every CPU has its meter (this machine is small enough for one each).
settle || fail "the screen never settled"
scr=$SCREEN
grep -qE "busy of $ncpu CPUs" <<<"$scr" || fail "the summary does not say $ncpu CPUs"
if [ "$ncpu" -le 8 ]; then
	for ((c = 0; c < ncpu; c++)); do
		grep -qE "^ *$c\[" <<<"$scr" || fail "no meter for CPU $c"
	done
	grep -qE "^ *$ncpu\[" <<<"$scr" && fail "a meter for CPU $ncpu, which does not exist"
fi
for m in 'Mem\[' 'Swp\[' 'Tasks: [0-9]+, [0-9]+ thr' 'Uptime: '; do
	grep -qE "$m" <<<"$scr" || fail "the header lacks '$m'"
done
if [ -r /proc/pressure/cpu ]; then
	grep -qE 'PSI some: cpu [0-9.]+%' <<<"$scr" || fail "no PSI though /proc/pressure exists"
fi

# Load average as the kernel says it. It changes every 5 s, and the
# screen shows it as of the last refresh: until a screen shows what
# /proc/loadavg said both just before and just after it was captured.
load_as_kernel() {
	a=$(cut -d' ' -f1-3 /proc/loadavg)
	shown=$(cap | grep -oE 'Load average: [0-9.]+ [0-9.]+ [0-9.]+' | cut -d' ' -f3-)
	b=$(cut -d' ' -f1-3 /proc/loadavg)
	[ "$a" = "$b" ] && [ "$shown" = "$a" ]
}
wait_until 10 load_as_kernel || fail "load average shown '$shown', /proc/loadavg '$b'"

# Uptime within 2.5 s of the kernel's, as of the screen's last refresh.
uptime_as_kernel() {
	up=$(cap | grep -oE 'Uptime: ([0-9]+ days?, )?[0-9:]+' | head -n 1)
	real=$(cut -d' ' -f1 /proc/uptime)
	python3 - "$up" "$real" <<'EOF'
import re, sys
m = re.match(r'Uptime: (?:(\d+) days?, )?(\d+):(\d+):(\d+)', sys.argv[1])
if not m:
    sys.exit(1)
d, h, mi, s = (int(x or 0) for x in m.groups())
sys.exit(abs(((d * 24 + h) * 60 + mi) * 60 + s - float(sys.argv[2])) > 2.5)
EOF
}
wait_until 5 uptime_as_kernel || fail "uptime shown '$up', /proc/uptime $real"

# The selected row's sparkline: foreground differs from background in
# every glyph cell, on every theme, block and braille.
check_sel() { # LABEL
	cap_e | python3 -c '
import re, sys
label, name = sys.argv[1], sys.argv[2]
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
GLYPH = lambda c: 0x2801 <= ord(c) <= 0x28ff or 0x2581 <= ord(c) <= 0x2588
rows = [l for l in sys.stdin.read().split("\n")
        if re.match(r"\s*\d+ .*" + name, SGR.sub("", l))]
if len(rows) != 1:
    print(f"{label}: {len(rows)} rows name {name}, want the one selected"); sys.exit(1)
fg = bg = None; rev = False; cells = 0; line = rows[0]; i = 0
while i < len(line):
    m = SGR.match(line, i)
    if m:
        p = [x for x in re.split("[;:]", m.group(1))] or ["0"]
        j = 0
        while j < len(p):
            x = int(p[j] or 0)
            if x == 0: fg = bg = None; rev = False
            elif x == 7: rev = True
            elif x == 27: rev = False
            elif 30 <= x <= 37 or 90 <= x <= 97: fg = ("i", x % 10 + (8 if x >= 90 else 0))
            elif 40 <= x <= 47 or 100 <= x <= 107: bg = ("i", x % 10 + (8 if x >= 100 else 0))
            elif x == 39: fg = None
            elif x == 49: bg = None
            elif x in (38, 48):
                if p[j + 1] == "5": c = ("i", int(p[j + 2])); j += 2
                else: c = ("rgb", tuple(int(v) for v in p[j + 2:j + 5])); j += 4
                if x == 38: fg = c
                else: bg = c
            j += 1
        i = m.end(); continue
    ch = line[i]; i += 1
    if not GLYPH(ch):
        continue
    f, b = fg or "default-fg", bg or "default-bg"
    if rev: f, b = b, f
    cells += 1
    if f == b:
        print(f"{label}: glyph {ch!r} drawn in {f} on {b}"); sys.exit(1)
if cells < 3:
    print(f"{label}: only {cells} sparkline glyphs on the selected row"); sys.exit(1)
' "$1" "$name"
}

themes=$(ls "$root/themes" | sed -n 's/\.theme$//p' | wc -l)
next_theme() {
	th=$(grep -oE 'theme: [a-z-]+' <<<"$SCREEN" | tail -n 1)
	[ -n "$th" ] && [ "$th" != "$was" ]
}
for style in block braille; do
	mkdir -p "$scratch/$style/resource_image"
	echo "spark_style = $style" >"$scratch/$style/resource_image/config"
	start_tool 200 50 XDG_CONFIG_HOME="$scratch/$style" -- -d 0.3 -t default
	wait_for 'PID +USER' 15 || fail "tool did not start ($style)"
	keys '\' "$name" Enter
	wait_for "filter: $name" 5 || fail "filter not applied"
	wait_clock 3 || fail "the tool did not refresh ($style)" # some history
	th=
	for ((t = 0; t < themes; t++)); do
		settle || fail "$style ${th:-theme: default}: the screen never settled"
		out=$(check_sel "$style ${th:-theme: default}") || fail "$out"
		keys C
		# The next theme, said in the footer and drawn in the same frame.
		was=$th
		wait_until 5 next_theme || fail "$style: C did not change the theme from ${was:-default}"
	done
	keys q
	wait_for 'EXIT=0' 10 || fail "q did not exit 0"
done
pass "$ncpu CPU meters, load '$shown' as /proc/loadavg, uptime, PSI;" \
	"selected sparkline readable on $themes themes, block and braille"
