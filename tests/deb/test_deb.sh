#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make test-deb: the package installed by apt-get into a fresh Debian 12
# root, its runtime libraries pulled in by its dependencies, then run
# (resource_image -b -n 1) and removed, leaving none of its files.
#
# The root is made by debootstrap (minbase) once and kept as a tarball
# (RI_DEB_CACHE, default build/deb/cache); each run unpacks it afresh, in
# a mount namespace of its own, so that nothing stays mounted whatever
# happens. Needs root and, the first time and for the dependencies, a
# Debian mirror (RI_DEB_MIRROR).
#
#   test_deb.sh DEB DIR
set -u
deb=$(realpath "$1") dir=$2
mirror=${RI_DEB_MIRROR:-http://deb.debian.org/debian}
cache=${RI_DEB_CACHE:-$dir/cache}
tarball=$cache/bookworm-minbase.tar
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (debootstrap, chroot)"; exit 77; }
command -v debootstrap >/dev/null || fail "debootstrap missing: make deps-deb"

if [ ! -s "$tarball" ]; then
	echo "making a Debian 12 root with debootstrap (once; kept in $tarball)"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/root.XXXXXX")
	debootstrap --variant=minbase bookworm "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -n 5 "$cache/debootstrap.log"; rm -rf "$tmp"; fail "debootstrap"; }
	tar -C "$tmp" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
	rm -rf "$tmp"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/ri-deb-root.XXXXXX")
trap 'rm -rf "$root"' EXIT
tar -C "$root" -xf "$tarball" || fail "unpacking $tarball"
cp "$deb" "$root/tmp/"
name=$(basename "$deb")

# Everything in the chroot runs in a mount namespace of its own.
unshare --mount --propagation private bash -s "$root" "$name" <<'INNER'
set -u
root=$1 name=$2
fail() { echo "FAIL: $*"; exit 1; }
inroot() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"; }
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"

inroot dpkg-query -W resource-image >/dev/null 2>&1 && fail "the fresh root already has the package"
inroot apt-get update -qq >$root/tmp/ri-deb-apt.log 2>&1 || { tail -n 5 $root/tmp/ri-deb-apt.log; fail "apt-get update"; }
inroot apt-get install -y -qq --no-install-recommends "./tmp/$name" >$root/tmp/ri-deb-apt.log 2>&1 ||
	{ tail -n 10 $root/tmp/ri-deb-apt.log; fail "apt-get install ./$name"; }
echo "ok   apt-get install ./$name: $(inroot dpkg-query -W -f='${Package} ${Version} ${Status}' resource-image)"
for lib in libbpf1 libelf1 libzstd1; do
	inroot dpkg-query -W -f='${Status}' $lib 2>/dev/null | grep -q "install ok installed" ||
		fail "the dependency $lib was not pulled in"
done
echo "ok   its runtime libraries pulled in by its dependencies"
out=$(inroot resource_image -b -n 1 2>$root/tmp/ri-deb-err.log); rc=$?
[ $rc = 0 ] || { cat $root/tmp/ri-deb-err.log; fail "resource_image -b -n 1: exit $rc"; }
echo "$out" | grep -q "PID" || fail "resource_image -b -n 1 printed no table: $(echo "$out" | head -n 3)"
echo "ok   resource_image -b -n 1: exit 0, $(echo "$out" | wc -l) lines, stderr: $(head -c 120 $root/tmp/ri-deb-err.log)"
inroot sh -c 'ls /usr/share/resource_image/themes/*.theme /usr/share/resource_image/resource_image.rules.yml \
	/usr/share/man/man8/resource_image.8.gz /lib/systemd/system/resource_image-record.service' \
	>/dev/null || fail "a file of the package is missing"
echo "ok   themes, rules, man page and the recorder's unit installed"
files=$(inroot dpkg-query -L resource-image)
inroot apt-get remove --purge -y -qq resource-image >$root/tmp/ri-deb-apt.log 2>&1 ||
	{ tail -n 5 $root/tmp/ri-deb-apt.log; fail "apt-get remove --purge"; }
inroot dpkg-query -W -f='${Status}' resource-image 2>/dev/null | grep -q installed &&
	fail "still installed after the removal"
left=
for f in $files; do
	[ -f "$root$f" ] && left="$left $f"
done
[ -z "$left" ] || fail "files left after the removal:$left"
echo "ok   removed with --purge: none of its files left"
INNER
rc=$?
[ $rc = 0 ] && echo "PASS: $(basename "$deb") installs, runs and goes in a fresh Debian 12"
exit $rc
