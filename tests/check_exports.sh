#!/bin/sh
# check_exports.sh — libinfomin exports exactly the functions its installed
# headers declare with IM_API: nothing internal leaks (the library is built
# with -fvisibility=hidden), and nothing declared is missing.
set -eu
lib="${INFOMIN_TEST_BUILDDIR:-.}/.libs/libinfomin.so"
inc="${INFOMIN_TEST_SRCDIR:-.}/include/infomin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -ohE 'IM_API [^;(]*\bim_[A-Za-z0-9_]+ ?[([]' "$inc"/*.h | grep -oE 'im_[A-Za-z0-9_]+ ?[([]$' |
    tr -d '([ ' | sort -u > "$tmp/declared"
# names with a leading "__" are the toolchain's (AddressSanitizer adds
# __odr_asan.<global> beside each exported global)
nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^__' | sort -u > "$tmp/exported"
status=0
if comm -13 "$tmp/declared" "$tmp/exported" | grep .; then
    echo "check_exports: exported by $lib but declared IM_API in no header (above)"
    status=1
fi
if comm -23 "$tmp/declared" "$tmp/exported" | grep .; then
    echo "check_exports: declared IM_API but not exported (above)"
    status=1
fi
[ $status -eq 0 ] && echo "check_exports: $(wc -l < "$tmp/exported") symbols exported, each declared IM_API"
exit $status
