#!/bin/sh
# python_check.sh — the Python package from the build tree: its pytest suite
# and the examples under examples/python (small sizes). Skipped (exit 77)
# with the reason when the configured Python lacks NumPy or pytest
# (Debian: apt-get install python3-numpy python3-pytest; bootstrap does).
set -u
src="${INFOMIN_TEST_SRCDIR:-.}"
build="${INFOMIN_TEST_BUILDDIR:-.}"
py="${INFOMIN_TEST_PYTHON:-/usr/bin/python3}"
if [ "$py" = ":" ] || ! command -v "$py" >/dev/null 2>&1; then
    echo "python_check: skipped: configure found no python3"
    exit 77
fi
for module in numpy pytest; do
    if ! "$py" -c "import $module" 2>/dev/null; then
        echo "python_check: skipped: $py cannot import $module (apt-get install python3-$module)"
        exit 77
    fi
done
INFOMIN_LIBRARY="$build/.libs/libinfomin.so.0"
if ldd "$INFOMIN_LIBRARY" 2>/dev/null | grep -q libasan; then
    echo "python_check: skipped: a sanitizer build (python3 would need libasan preloaded); test_mi covers the handle API"
    exit 77
fi
INFOMIN_RUN="$build/infomin-run"
PYTHONPATH="$src/python${PYTHONPATH:+:$PYTHONPATH}"
INFOMIN_EXAMPLE_SIZE=small
export INFOMIN_LIBRARY INFOMIN_RUN PYTHONPATH INFOMIN_EXAMPLE_SIZE
cd "${TMPDIR:-/tmp}" || exit 1
"$py" -m pytest -q -p no:cacheprovider "$src/python/tests" || exit 1
for example in "$src"/examples/python/*.py; do
    echo "=== $example"
    "$py" "$example" || { echo "python_check: $example failed"; exit 1; }
done
echo "python_check: pytest and $(ls "$src"/examples/python/*.py | wc -l) examples passed"
