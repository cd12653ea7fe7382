#!/bin/sh
# deb_check.sh — the Debian package from a clean copy of the tree: built
# with dpkg-buildpackage (tests skipped: make check ran on the tree),
# installed with apt, the quickstart run from the installed files (no build
# tree, no build tools needed), then removed. Run as root (CI).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$src" archive --format=tar --prefix=infomin/ HEAD | tar -x -C "$work"
cd "$work/infomin"
DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -b -us -uc >"$work/build.log" 2>&1 ||
    { tail -n 60 "$work/build.log"; exit 1; }
cd "$work"
ls -1 ./*.deb
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./infomin_*.deb ./libinfomin0_*.deb ./libinfomin-dev_*.deb \
    ./python3-infomin_*.deb >/dev/null
cd /tmp
infomin-run --version
infomin-run --list | grep -c '^  ' | sed 's/^/plugins found by the installed infomin-run: /'
pkg-config --modversion infomin
infomin-run /usr/share/infomin/tasks/mi-estimate/quickstart.ini -q -o "$work/quickstart.jsonl"
grep -q '"status":"ok"' "$work/quickstart.jsonl" || { echo "deb_check: the installed quickstart did not finish"; exit 1; }
/usr/bin/python3 -c "import infomin; print('python3-infomin', infomin.__version__, 'KSG %.3f' % infomin.mi([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 0, 3, 2, 5, 4, 7, 6, 9, 8], k=2))"
[ -f /usr/share/bash-completion/completions/infomin-run ] || { echo "deb_check: no bash completion"; exit 1; }
man -w infomin-run >/dev/null 2>&1 || [ -f /usr/share/man/man1/infomin-run.1.gz ] || { echo "deb_check: no man page"; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq python3-infomin infomin libinfomin-dev libinfomin0 >/dev/null
[ ! -e /usr/bin/infomin-run ] || { echo "deb_check: /usr/bin/infomin-run still installed"; exit 1; }
[ ! -e /usr/lib/python3/dist-packages/infomin ] || { echo "deb_check: the Python package is still installed"; exit 1; }
echo "deb_check: built, installed, ran the quickstart and the Python module, removed"
