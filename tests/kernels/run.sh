#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--readme] [KERNEL...] - every kernel, every probe path.
#
# KERNEL is a label of kernels.list (5.10, 6.1, 6.12) or "host" (the
# running kernel, checked in place); default: all of them. For each guest
# kernel: fetch the stock Debian package (fetch.sh, cached), boot it under
# qemu with an initramfs holding busybox, the static resource_image, the
# static workloads and check.sh, and collect the RESULT line the guest
# prints per probe path (tp_btf, raw_tp, kprobe). Prints the matrix; with
# --readme, a full run also rewrites README.md's "Tested kernels" table.
#
# Exit: 0 when nothing failed, 1 on any FAIL, 77 when every cell was
# skipped; the last line sums up (tests/run.sh shows it).
#
# Environment: RI_KERNEL_BIN (default build/static/resource_image, built
# with "make static"), RI_KERNEL_CACHE (see fetch.sh), RI_QEMU_TIMEOUT
# (seconds per guest, default 300), RI_QEMU_KVM=1 (use KVM instead of
# software emulation), RI_QEMU (the qemu binary).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/kernels
probes="tp_btf raw_tp kprobe"
qemu=${RI_QEMU:-qemu-system-x86_64}
readme=
want=()
for a in "$@"; do
	case $a in
	--readme) readme=1 ;;
	-h | --help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) want+=("$a") ;;
	esac
done
all=0
if [ ${#want[@]} -eq 0 ]; then
	want=($(awk '!/^#/ && NF { print $1 }' "$here/kernels.list") host)
	all=1
fi

mkdir -p "$out/results" "$out/logs" || exit 1
t_start=$(date +%s)

# ---- what goes into the guest --------------------------------------------

bin=${RI_KERNEL_BIN:-$root/build/static/resource_image}
if [ -z "${RI_KERNEL_BIN:-}" ]; then
	make -s -C "$root" static >"$out/logs/build.log" 2>&1 ||
		{ cat "$out/logs/build.log"; echo "FAIL: make static failed"; exit 1; }
fi
[ -x "$bin" ] || { echo "FAIL: no static resource_image at $bin"; exit 1; }

# Static copies of the workloads: the guest has no C library.
wl=$out/workloads
mkdir -p "$wl"
for w in burn churn writer grow net states; do
	src=$root/tests/workloads/$w.c
	if [ ! -x "$wl/$w" ] || [ "$src" -nt "$wl/$w" ] ||
		[ "$root/tests/workloads/wl.h" -nt "$wl/$w" ]; then
		${CC:-cc} -static -O2 -std=gnu11 -Wall -Wextra -Werror -pthread \
			-o "$wl/$w" "$src" || { echo "FAIL: cannot build static $w"; exit 1; }
	fi
done

initramfs() {
	local stage=$out/initramfs img=$out/initramfs.cpio.gz bb
	bb=$(command -v busybox) || { echo "no busybox (package busybox-static)"; return 1; }
	if readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
		echo "$bb is not statically linked (package busybox-static)"
		return 1
	fi
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,ri/workloads} &&
		cp "$bb" "$stage/bin/busybox" &&
		cp "$here/guest-init.sh" "$stage/init" &&
		cp "$here/check.sh" "$stage/ri/check.sh" &&
		cp "$bin" "$stage/ri/resource_image" &&
		cp "$wl"/{burn,churn,writer,grow,net,states} "$stage/ri/workloads/" || return 1
	strip "$stage/ri/resource_image" "$stage"/ri/workloads/* 2>/dev/null
	chmod 0755 "$stage/init"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$img" || return 1
	echo "$img"
}

# ---- one row of the matrix ---------------------------------------------------

# record LABEL PROBE STATUS DETAIL
record() { echo "$2 $3 $4" >>"$out/results/$1"; }

# say_how LOG PROBE: what the tool said (-v) it counts of socket bytes and
# thread states, and where the limits check ran, as lines of the .info file.
say_how() {
	grep -m1 "^  info $2 .*socket bytes: " "$1" | sed -e "s/.*socket bytes: /net_$2 /" \
		-e 's/; thread states: .*//'
	grep -m1 "^  info $2 .*thread states: " "$1" | sed "s/.*thread states: /states_$2 /"
	grep -m1 "^  info limits " "$1" | sed "s/^  info limits /cgv2_$2 /"
}

run_host() {
	local k=host rel p line rc
	rel=$(uname -r)
	: >"$out/results/$k"
	echo "release $rel" >"$out/results/$k.info"
	echo "== host: Linux $rel, checked in place"
	for p in $probes; do
		if [ "$(id -u)" != 0 ]; then
			record $k "$p" SKIP "needs root"
			continue
		fi
		if [ ! -r /sys/kernel/btf/vmlinux ]; then
			record $k "$p" SKIP "no /sys/kernel/btf/vmlinux"
			continue
		fi
		RI_BIN=$bin RI_WORKLOADS=$wl RI_TMP=${TMPDIR:-/tmp} \
			sh "$here/check.sh" "$k" "$p" >"$out/logs/host-$p.log" 2>&1
		sed 's/^/   /' "$out/logs/host-$p.log"
		say_how "$out/logs/host-$p.log" "$p" >>"$out/results/$k.info"
		line=$(grep '^RESULT ' "$out/logs/host-$p.log" | tail -n 1)
		if [ -n "$line" ]; then
			set -- $line
			shift 3
			record $k "$p" "$1" "${*:2}"
		else
			record $k "$p" FAIL "check.sh printed no result"
		fi
	done
}

run_guest() {
	local k=$1 suite=$2 meta=$3 dir log rc p line pkg img
	: >"$out/results/$k"
	: >"$out/results/$k.info"
	echo "== $k: Debian $suite, $meta"
	skip_all() {
		local p
		echo "   SKIP: $1"
		for p in $probes; do record "$k" "$p" SKIP "$1"; done
	}
	if ! command -v "$qemu" >/dev/null; then
		skip_all "no $qemu (package qemu-system-x86)"
		return
	fi
	dir=$(bash "$here/fetch.sh" "$k" "$suite" "$meta" 2>"$out/logs/fetch-$k.log")
	rc=$?
	if [ $rc -eq 77 ]; then
		skip_all "kernel not available: $(tail -n 1 "$out/logs/fetch-$k.log")"
		return
	elif [ $rc -ne 0 ] || [ ! -s "$dir/vmlinuz" ]; then
		echo "   FAIL: fetch.sh: $(tail -n 1 "$out/logs/fetch-$k.log")"
		for p in $probes; do
			record "$k" "$p" FAIL "fetch.sh failed: $(tail -n 1 "$out/logs/fetch-$k.log")"
		done
		return
	fi
	pkg=$(cat "$dir/package" 2>/dev/null || basename "$dir")
	echo "package $pkg" >>"$out/results/$k.info"
	img=$initrd
	log=$out/logs/guest-$k.log
	# Software emulation: a /dev/kvm that exists may still not work (nested
	# virtualisation), so KVM is opt-in (RI_QEMU_KVM=1).
	local accel="-accel tcg,thread=multi -cpu max" how="software emulation"
	if [ -n "${RI_QEMU_KVM:-}" ]; then
		accel="-accel kvm -cpu host" how=KVM
	fi
	local boot
	for boot in 1 2; do
		echo "   booting $pkg (qemu, $how, 2 vCPUs, 1 GiB)"
		# -no-reboot with panic=-1: a kernel panic ends qemu instead of looping;
		# oops=panic: an oops too, at once, rather than a hang until the timeout.
		timeout "${RI_QEMU_TIMEOUT:-300}" "$qemu" \
			-machine q35 $accel -smp 2 -m 1024 \
			-kernel "$dir/vmlinuz" -initrd "$img" \
			-append "console=ttyS0 quiet loglevel=3 oops=panic panic=-1 rdinit=/init ri.kernel=$k" \
			-display none -monitor none -serial "file:$log.raw" -nodefaults -no-reboot \
			</dev/null >"$out/logs/qemu-$k.log" 2>&1
		rc=$?
		# The serial line carries terminal escapes and CRs: strip them.
		sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1b[()][A-Z0-9]//g' -e 's/\r//g' \
			"$log.raw" >"$log" 2>/dev/null
		# Software emulation with a thread per vCPU sometimes executes a
		# half-patched instruction while the guest kernel rewrites its own
		# text (a static key of the tracepoint we attach to, patched with
		# int3): "Oops: int3" in __schedule, then a panic, in a guest whose
		# other runs pass; or, the same patching seen half done by the
		# other vCPU, a call to address 0 from __schedule or, in a new
		# task, from schedule_tail (both call finish_task_switch, where the
		# kprobe goes) ("RIP: 0010:0x0"). That is the emulator's, not the
		# tool's: boot once more, and say so. Any other end of the guest
		# stands.
		if [ $boot -eq 1 ] && [ -z "${RI_QEMU_KVM:-}" ] &&
			{ grep -q 'Oops: int3' "$log" ||
				{ grep -q 'RIP: 0010:0x0$' "$log" &&
					grep -Eq ' (__schedule|schedule_tail)\+' "$log"; }; }; then
			cp "$log" "$log.first"
			echo "   the guest oopsed in the scheduler while patching its text (emulator; log: build/kernels/logs/guest-$k.log.first): booting again"
			continue
		fi
		break
	done
	grep -E '^(INFO|RESULT|DONE|  (ok|FAIL|info) )' "$log" | sed 's/^/   /'
	grep '^INFO ' "$log" | tail -n 1 >>"$out/results/$k.info"
	for p in $probes; do
		say_how "$log" "$p" >>"$out/results/$k.info"
	done
	for p in $probes; do
		line=$(grep "^RESULT $k $p " "$log" | tail -n 1)
		if [ -n "$line" ]; then
			set -- $line
			shift 3
			record "$k" "$p" "$1" "${*:2}"
		elif [ $rc -eq 124 ]; then
			record "$k" "$p" FAIL "guest timed out after ${RI_QEMU_TIMEOUT:-300} s (log: build/kernels/logs/guest-$k.log)"
		else
			record "$k" "$p" FAIL "no result from the guest, qemu exit $rc (log: build/kernels/logs/guest-$k.log)"
		fi
	done
}

initrd=
for k in "${want[@]}"; do
	if [ "$k" = host ]; then
		run_host
		continue
	fi
	spec=$(awk -v k="$k" '!/^#/ && $1 == k { print $2, $3; exit }' "$here/kernels.list")
	if [ -z "$spec" ]; then
		echo "FAIL: unknown kernel '$k' (see tests/kernels/kernels.list)"
		exit 1
	fi
	if [ -z "$initrd" ] && ! initrd=$(initramfs); then
		echo "FAIL: cannot build the initramfs: $initrd"
		exit 1
	fi
	run_guest "$k" $spec
done

# ---- the matrix --------------------------------------------------------------

status_of() { awk -v p="$2" '$1 == p { print $2; exit }' "$out/results/$1"; }
detail_of() { awk -v p="$2" '$1 == p { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' "$out/results/$1"; }
info_of() { # label key
	awk -v key="$2" '
		$1 == key { $1 = ""; sub(/^ /, ""); print; exit }
		$1 == "INFO" { for (i = 3; i <= NF; i++) if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit } }
	' "$out/results/$1.info" 2>/dev/null
}

table() {
	local k p name rel sym st
	printf '| kernel | package / release | tp_btf | raw_tp | kprobe | finish_task_switch in kallsyms | socket bytes (tp_btf run) | thread states | cgroup v2 alone: limits (tp_btf run) |\n'
	printf '|---|---|---|---|---|---|---|---|---|\n'
	for k in "${want[@]}"; do
		rel=$(info_of "$k" package)
		[ -n "$rel" ] || rel=$(info_of "$k" release)
		sym=$(info_of "$k" switch_symbol)
		if [ "$k" = host ]; then
			name="$(uname -r | cut -d. -f1-2) (our machines)"
			rel=$(uname -r | cut -d- -f1)
			sym=$(grep -E ' [tT] (__pfx_)?finish_task_switch(\.[^ ]*)?$' /proc/kallsyms 2>/dev/null |
				awk '{ printf "%s%s", n++ ? "," : "", $3 }')
		else
			name=$k
		fi
		set -- $rel
		printf '| %s | %s |' "$name" "${1:+\`$1\`}${2:+ $2}"
		for p in $probes; do
			st=$(status_of "$k" "$p")
			case $st in
			SKIP) printf ' SKIP (%s) |' "$(detail_of "$k" "$p")" ;;
			*) printf ' %s |' "${st:-?}" ;;
			esac
		done
		# The symbol the kprobe takes; a __pfx_ padding twin is only noted.
		printf ' %s |' "$(echo "$sym" | tr ',' '\n' | awk '
			/^__pfx_/ { pfx = 1; next }
			NF { printf "%s`%s`", n++ ? ", " : "", $0 }
			END { if (pfx) printf " (and a `__pfx_` twin)" }')"
		# How the tool said it counts socket bytes, and what it counted.
		printf ' %s |' "$(net_of "$k")"
		printf ' %s | %s |\n' "$(states_of "$k")" "$(cgv2_of "$k")"
	done
}

# The thread states: what the tp_btf run measured (CPU of a spinner, SLEEP
# of a nanosleep loop, OTHER of a pipe reader, the worst row's distance
# from 100%), "n/a" with the reason on the probe paths that do not
# measure them.
states_of() {
	local p how got na="" res=""
	for p in $probes; do
		how=$(info_of "$1" "states_$p")
		case $how in
		"") ;;
		measured)
			got=$(detail_of "$1" "$p" | tr ' ' '\n' | sed -n 's/^states=//p' |
				sed -e 's/^cpu\([0-9.]*\)\/sleep\([0-9.]*\)\/other\([0-9.]*\)\/sum+-\([0-9.]*\)$/CPU \1%, SLEEP \2%, OTHER \3%, rows 100% +- \4/')
			res="$res${res:+; }$p: ${got:-?}" ;;
		*) na="$na${na:+, }$p" ;;
		esac
	done
	# One reason per kernel: the paths that do not measure them, with why
	# tp_btf does not where it does not.
	how=$(info_of "$1" states_tp_btf)
	case $how in
	"") [ -n "$res$na" ] || res="?" ;;
	measured) ;;
	*) res="n/a: ${how#not measured }" ;;
	esac
	if [ -n "$na" ] && [ "$how" = measured ]; then
		res="$res; n/a on $na"
	fi
	echo "${res:-?}"
}

# The limits of a cgroup v2 mounted alone: the throttled hog's share of
# throttled periods (tool / cpu.stat) and CPU%; or where it was not checked.
cgv2_of() {
	local got why
	got=$(detail_of "$1" tp_btf | tr ' ' '\n' | sed -n 's/^cgv2=//p')
	why=$(info_of "$1" cgv2_tp_btf)
	case $got in
	"") echo "?" ;;
	n/a) echo "${why:-?}" ;;
	*) echo "$got" | sed 's/^thr\([0-9.]*\)\/\([0-9.]*\),cpu\([0-9.]*\)$/PASS: throttled \1% (cpu.stat \2%), CPU \3% of a 20% quota/' ;;
	esac
}

# "kprobes on ... (100.0%)": the tp_btf run's path and its count of the
# bytes moved; "n/a" with the reason where it counts none.
net_of() {
	local how got
	how=$(info_of "$1" net_tp_btf)
	got=$(detail_of "$1" tp_btf | tr ' ' '\n' | sed -n 's/^net=//p')
	case $how in
	"") echo "?" ;;
	"not counted"*) echo "n/a: ${how#not counted }" ;;
	*) echo "$how: ${got:-?} of the bytes" ;;
	esac
}

echo
echo "== matrix (kernel x probe path)"
npass=0 nfail=0 nskip=0
printf '%-52s %-6s %-6s %-6s\n' kernel $probes
for k in "${want[@]}"; do
	rel=$(info_of "$k" package)
	[ -n "$rel" ] || rel=$(info_of "$k" release)
	row=$(printf '%-52s' "$k ${rel:+($rel)}")
	for p in $probes; do
		st=$(status_of "$k" "$p")
		row+=$(printf ' %-6s' "${st:-?}")
		case $st in
		PASS) npass=$((npass + 1)) ;;
		SKIP) nskip=$((nskip + 1)) ;;
		*) nfail=$((nfail + 1)) ;;
		esac
	done
	echo "$row"
done
for k in "${want[@]}"; do
	for p in $probes; do
		st=$(status_of "$k" "$p")
		[ "$st" = PASS ] || echo "  $k $p ${st:-?}: $(detail_of "$k" "$p")"
	done
	echo "  $k socket bytes: $(net_of "$k")"
	echo "  $k thread states: $(states_of "$k")"
	echo "  $k cgroup v2 alone: $(cgv2_of "$k")"
done
secs=$(($(date +%s) - t_start))

if [ -n "$readme" ] && [ $all -eq 0 ]; then
	echo "README.md left as it is: only a full run (no KERNEL given) rewrites its table"
elif [ -n "$readme" ]; then
	tbl=$out/tested-kernels.md
	{
		echo "Last run: $(date -u +%Y-%m-%d), ${secs} s."
		echo
		table
		echo
		cat <<'EOT'
One BPF object for all of them: `task_struct.state` (5.10) against `__state`,
`task_struct.cpu` (before 5.16) against `thread_info.cpu`, and the mm's `rss_stat`
(atomic counters before 6.2, per-CPU counters after) are told apart with CO-RE
field and type checks when the object loads; the kprobe finds
`finish_task_switch` or its compiler clone in `/proc/kallsyms` at run time.
EOT
	} >"$tbl"
	if grep -q '<!-- tested-kernels:begin -->' "$root/README.md"; then
		awk -v tbl="$tbl" '
			/<!-- tested-kernels:begin -->/ { print; while ((getline l < tbl) > 0) print l; skip = 1; next }
			/<!-- tested-kernels:end -->/ { skip = 0 }
			!skip' "$root/README.md" >"$tbl.readme" &&
			cat "$tbl.readme" >"$root/README.md" && rm -f "$tbl.readme"
		echo "README.md: Tested kernels table rewritten"
	else
		echo "README.md has no <!-- tested-kernels:begin --> marker; table in $tbl"
	fi
fi

summary="kernels: $npass cells passed, $nfail failed, $nskip skipped in ${secs} s"
if [ ${#want[@]} -eq 1 ]; then
	k=${want[0]}
	reasons=$(for p in $probes; do
		[ "$(status_of "$k" "$p")" = PASS ] || detail_of "$k" "$p"; done | sort -u)
	if [ $npass -eq 0 ] && [ $nfail -eq 0 ] && [ "$(echo "$reasons" | wc -l)" -eq 1 ]; then
		summary="$k: SKIP: $reasons"
	else
		summary="$k:"
		for p in $probes; do summary+=" $p $(status_of "$k" "$p")"; done
		summary+=" in ${secs} s"
		for p in $probes; do
			st=$(status_of "$k" "$p")
			[ "$st" = PASS ] || summary+="; $p: $(detail_of "$k" "$p")"
		done
	fi
fi
echo "$summary"
[ $nfail -eq 0 ] || exit 1
[ $npass -gt 0 ] || exit 77
exit 0
