#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch.sh LABEL SUITE METAPACKAGE - a stock Debian kernel, cached.
#
# Resolves METAPACKAGE (e.g. linux-image-amd64 in bullseye) to the kernel
# package it depends on today, downloads that package with apt-get in a
# private apt state (the machine's apt configuration and lists are never
# touched), and unpacks only its ./boot. Prints the directory that holds
# vmlinuz and config; exits 77 with the reason on the last line when the
# kernel cannot be had (no mirror configured, package gone, no network).
#
# Cache: $RI_KERNEL_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/
# resource_image/kernels. A kernel once fetched is used as it is, without
# the network, until RI_KERNEL_REFRESH=1.
#
# Mirrors come from the machine's own apt sources (the Debian archive and
# its security archive); RI_DEBIAN_MIRROR and RI_DEBIAN_SECURITY_MIRROR
# override them.
set -u
label=${1:?label} suite=${2:?suite} meta=${3:?metapackage}
cache=${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}
cache=${RI_KERNEL_CACHE:-${cache:-$(dirname "$0")/../../build}/resource_image/kernels}

skip() {
	echo "$*" >&2
	exit 77
}

current=$cache/$label.current
if [ -z "${RI_KERNEL_REFRESH:-}" ] && [ -s "$current" ]; then
	dir=$cache/$(cat "$current")
	if [ -s "$dir/vmlinuz" ]; then
		echo "$dir"
		exit 0
	fi
fi

command -v apt-get >/dev/null || skip "no apt-get to fetch Debian's $label kernel"
command -v dpkg-deb >/dev/null || skip "no dpkg-deb to unpack Debian's $label kernel"

# URIs of the Debian archive and of its security archive, from the
# machine's apt sources (one-line and deb822 formats).
mirrors() {
	{
		cat /etc/apt/sources.list 2>/dev/null | awk '
			$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) {
					while (i < NF && $i !~ /\]$/)
						i++
					i++
				}
				print $i, $(i + 1)
			}'
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -e "$f" ] || continue
			awk 'BEGIN { RS = ""; FS = "\n" }
			{
				uris = ""; suites = ""; enabled = 1; deb = 0
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/) uris = substr($i, 6)
					if ($i ~ /^Suites:/) suites = substr($i, 8)
					if ($i ~ /^Types:.*deb( |$)/) deb = 1
					if ($i ~ /^Enabled: *no/) enabled = 0
				}
				if (!deb || !enabled) next
				n = split(uris, u, " "); m = split(suites, s, " ")
				for (a = 1; a <= n; a++) for (b = 1; b <= m; b++) print u[a], s[b]
			}' "$f"
		done
	} | awk '$2 ~ /^(buster|bullseye|bookworm|trixie|forky|sid|oldoldstable|oldstable|stable|testing|unstable)(-[a-z]+)?$/'
}
main=${RI_DEBIAN_MIRROR:-$(mirrors | awk '$2 !~ /-security$/ { print $1; exit }')}
security=${RI_DEBIAN_SECURITY_MIRROR:-$(mirrors | awk '$2 ~ /-security$/ { print $1; exit }')}
[ -n "$main" ] || skip "no Debian mirror in the apt sources (set RI_DEBIAN_MIRROR)"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || skip "no $keyring (package debian-archive-keyring)"

st=$cache/apt-$suite
mkdir -p "$st/lists/partial" "$st/archives/partial" "$st/empty" "$st/debs" || exit 1
: >"$st/status"
{
	echo "deb [signed-by=$keyring] $main $suite main"
	echo "deb [signed-by=$keyring] $main $suite-updates main"
	[ -n "$security" ] && echo "deb [signed-by=$keyring] $security $suite-security main"
} >"$st/sources.list"
apt=(apt-get -q
	-o "Dir::State=$st" -o "Dir::State::Lists=$st/lists"
	-o "Dir::State::status=$st/status" -o "Dir::Cache=$st"
	-o "Dir::Cache::archives=$st/archives"
	-o "Dir::Etc::SourceList=$st/sources.list" -o "Dir::Etc::SourceParts=$st/empty"
	-o "Dir::Etc::Preferences=$st/empty/none" -o "Dir::Etc::PreferencesParts=$st/empty"
	-o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
	-o "Acquire::Languages=none" -o "APT::Architecture=amd64"
	-o "APT::Architectures=amd64")
cache_apt=(apt-cache
	-o "Dir::State=$st" -o "Dir::State::Lists=$st/lists"
	-o "Dir::State::status=$st/status" -o "Dir::Cache=$st"
	-o "Dir::Etc::SourceList=$st/sources.list" -o "Dir::Etc::SourceParts=$st/empty"
	-o "Dir::Etc::Preferences=$st/empty/none" -o "Dir::Etc::PreferencesParts=$st/empty"
	-o "APT::Architecture=amd64" -o "APT::Architectures=amd64")

# apt-get update exits 0 when lists fail to download: look at the lists.
"${apt[@]}" update >"$st/update.log" 2>&1
if ! ls "$st/lists/"*"_${suite}_"*Packages* >/dev/null 2>&1; then
	skip "cannot fetch Debian $suite's package lists: $(grep -E '^(E|W):' "$st/update.log" |
		head -n 1 | sed 's/^[EW]: //')"
fi
pkg=$("${cache_apt[@]}" depends "$meta" 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || skip "$meta not found in Debian $suite"
case $pkg in
linux-image-"$label".*) ;;
*) skip "$meta in $suite is $pkg now, not Linux $label" ;;
esac

dir=$cache/$pkg
if [ ! -s "$dir/vmlinuz" ]; then
	rm -f "$st/debs/"*.deb
	(cd "$st/debs" && "${apt[@]}" download "$pkg" >"$st/download.log" 2>&1) ||
		skip "cannot download $pkg: $(grep -E '^(E|Err):' "$st/download.log" | head -n 1)"
	deb=$(ls "$st/debs/"*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || skip "cannot download $pkg: no .deb"
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" || exit 1
	# Only ./boot: the modules are hundreds of MB and not needed.
	if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" --wildcards './boot/*'; then
		skip "cannot unpack $deb"
	fi
	mv "$dir.tmp"/boot/vmlinuz-* "$dir.tmp/vmlinuz" &&
		mv "$dir.tmp"/boot/config-* "$dir.tmp/config" || skip "no vmlinuz in $pkg"
	rm -rf "$dir.tmp/boot"
	dpkg-deb -f "$deb" Package Version | awk '{ v[NR] = $2 } END { print v[1] " " v[2] }' \
		>"$dir.tmp/package"
	rm -f "$deb"
	rm -rf "$dir" && mv "$dir.tmp" "$dir" || exit 1
fi
echo "$pkg" >"$current"
echo "$dir"
