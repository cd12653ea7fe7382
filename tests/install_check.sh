#!/bin/sh
# install_check.sh DESTDIR — the installed copy works on its own: after
# `make install DESTDIR=...`, build the example plugin of
# docs/writing-plugins.md from a file
# outside the tree with pkg-config against the installed headers and
# library, load it with --plugin-path beside the installed plugins, and run
# it on known MI (rho = 0.8: 0.5108 nats). Also checks the man page and the
# pkg-config variables.
set -eu
dest=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(sed -n 's/^prefix=//p' "$src/infomin.pc" 2>/dev/null || echo /usr/local)
[ -n "$prefix" ] || prefix=/usr/local
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PKG_CONFIG_PATH="$dest$prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
export LD_LIBRARY_PATH="$dest$prefix/lib"

# the example, verbatim from docs/writing-plugins.md
awk '/<!-- example-plugin: corr_mi.c -->/ {on = 1; next} on && /^```c/ {next} on && /^```/ {exit} on' \
    "$src/docs/writing-plugins.md" > "$work/corr_mi.c"
[ -s "$work/corr_mi.c" ] || { echo "install_check: no example plugin in docs/writing-plugins.md"; exit 1; }
mkdir "$work/myplugins"
# shellcheck disable=SC2046
cc -shared -fPIC -fvisibility=hidden -Wall -Werror -o "$work/myplugins/corr_mi.so" "$work/corr_mi.c" \
    $(pkg-config --cflags --libs infomin)
plugindir="$dest$(pkg-config --variable=plugindir infomin | sed "s|^$dest||")"
[ -d "$plugindir" ] || { echo "install_check: pkg-config plugindir $plugindir does not exist"; exit 1; }
[ -f "$dest$prefix/share/man/man1/infomin-run.1" ] || { echo "install_check: man page not installed"; exit 1; }

cat > "$work/task.ini" <<'INI'
[task]
plugin = mi-estimate
[dataset]
plugin = gaussian
dim = 1
rho = 0.8
n_train = 1000
n_test = 20000
[estimator]
plugin = corr-mi
INI
out=$("$dest$prefix/bin/infomin-run" "$work/task.ini" -q -o "$work/r.jsonl" --plugin-path "$plugindir:$work/myplugins")
echo "$out"
echo "$out" | grep -q "^corr-mi on gaussian" || { echo "install_check: the example plugin did not run"; exit 1; }
est=$(echo "$out" | sed -n 's/^corr-mi on gaussian[^:]*: \([0-9.]*\) nats.*/\1/p')
awk -v e="$est" 'BEGIN { d = e - 0.5108; exit !(d < 0.03 && d > -0.03) }' ||
    { echo "install_check: estimate $est is not within 0.03 of 0.5108"; exit 1; }
echo "install_check: example plugin built with pkg-config against $dest$prefix, loaded and run: $est nats (true 0.5108)"
