#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The .deb from a staging root that `make install` filled (make deb calls
# this): binary stripped, man page compressed, copyright and changelog,
# control with the runtime libraries found by dpkg-shlibdeps, md5sums;
# then built with root as the owner of every file, and checked by
# lintian at the warning level.
#
#   build.sh ROOT DEB VERSION
set -eu
root=$(realpath "$1") deb=$2 version=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(dirname "$deb")/meta
arch=$(dpkg --print-architecture)
doc=$root/usr/share/doc/resource-image
# The date of the last commit, so that the same tree builds the same package.
when=$(git -C "$here" log -1 --format=%aD 2>/dev/null || date -R)

strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	"$root/usr/bin/resource_image"
gzip -9nf "$root/usr/share/man/man8/resource_image.8"
install -m 0755 -d "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
sed -e "s|@VERSION@|$version|" -e "s|@DATE@|$when|" "$here/changelog.in" |
	gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# dpkg-shlibdeps reads a debian/control: a stub of one binary package.
rm -rf "$work"
mkdir -p "$work/debian" "$root/DEBIAN"
printf 'Source: resource-image\n\nPackage: resource-image\nArchitecture: any\n' \
	>"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e"$root/usr/bin/resource_image" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependency" >&2; exit 1; }
# libmicrohttpd is loaded only when --listen asks for it: recommended.
recommends=$(dpkg-query -W -f='${Package}\n' 'libmicrohttpd[0-9]*' 2>/dev/null | head -n 1)
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
	-e "s|@DEPENDS@|$depends|" -e "s|@RECOMMENDS@|${recommends:-libmicrohttpd12}|" \
	"$here/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
# (lintian says that it runs as root on stderr: not a finding.)
lintian --fail-on error,warning "$deb" 2> >(grep -v "running with root privileges" >&2)
echo "$deb"
