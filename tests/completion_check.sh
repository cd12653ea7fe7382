#!/bin/sh
# make check: the bash completion (completions/infomin-run) under bash, with
# compgen behind it: options, --describe's plugin names from --list,
# --set SECTION.KEY= from the INI's plugin and --describe, INI files, and
# infomin-report's options and --format values. Skipped without bash.
command -v bash >/dev/null || { echo "completion_check: bash not installed: skipped"; exit 77; }
src=${INFOMIN_TEST_SRCDIR:-.}
build=${INFOMIN_TEST_BUILDDIR:-.}
exec bash -c '
src=$1 build=$2
. "$src/completions/infomin-run" || exit 1
cd "$src" || exit 1
fail=0
# complete WORDS...: COMPREPLY for the last word, space-separated and sorted
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    case $1 in *report) _infomin_report ;; *) _infomin_run ;; esac
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
}
expect() {   # expect "WANTED" WORDS...
    want=$1
    shift
    got=$(complete_words "$@")
    if [ "$got" = "$want" ]; then echo "ok: $* -> $got"; else echo "FAIL: $* -> [$got], wanted [$want]"; fail=1; fi
}
run=$build/infomin-run
expect "--describe" "$run" --desc
expect "ksg" "$run" --describe ks
expect "mi-benchmark mi-estimate mi-minimize mi-staircase mine mine-f mixed" "$run" --describe mi
expect "estimator.steps=" "$run" tasks/mi-estimate/quickstart.ini --set estimator.ste
expect "dataset.dim=" "$run" tasks/mi-estimate/quickstart.ini --set dataset.di
expect "encoder. estimator." "$run" --set e
expect "tasks/mi-estimate/quickstart.ini" "$run" tasks/mi-estimate/quicks
expect "--dry-run" "$run" tasks/mi-estimate/quickstart.ini --dry
expect "--format" "$build/infomin-report" --for
expect "csv" "$build/infomin-report" --format c
expect "--runs" "$build/infomin-report" --ru
exit $fail
' completion_check "$src" "$build"
