#!/bin/sh
# CI: the guide's sweep commands (docs/guide.md) on a shortened ablation: a dry run, a
# --jobs 2 run killed part-way by SIGTERM, --resume, and the report.
set -eu
out=/tmp/infomin-sweep-check
rm -rf "$out"
mkdir -p "$out"
ini=tasks/mi-estimate/ablation.ini
short="--set estimator.steps=300 --set dataset.n_train=2000 --set dataset.n_test=1000 --set estimator.smi.slices=5"
./infomin-run $ini --dry-run > "$out/plan.txt"
head -3 "$out/plan.txt"
grep -q "165 cells, 165 to compute" "$out/plan.txt"
# 55 cells: 11 estimators x 5 levels, one seed
./infomin-run $ini $short --set task.seed=1 --jobs 2 -q -o "$out/a.jsonl" > /dev/null 2> "$out/a.err" &
pid=$!
while [ "$(cat "$out/a.jsonl" 2>/dev/null | wc -l)" -lt 5 ]; do sleep 0.2; done
kill -TERM $pid
wait $pid || true
kept=$(wc -l < "$out/a.jsonl")
echo "killed with $kept of 55 records written"
# Exit status 1 is right when a cell failed with its reason recorded (at 300
# steps JSD's readout on 6-10 nats falls below the estimate floor); anything
# else, or a cell missing, is not.
rc=0
./infomin-run $ini $short --set task.seed=1 --jobs 2 -o "$out/a.jsonl" --resume > "$out/b.out" 2> "$out/b.err" || rc=$?
failed=$(grep -c '"status":"failed"' "$out/a.jsonl" || true)
with_reason=$(grep '"status":"failed"' "$out/a.jsonl" | grep -c '"error":"' || true)
echo "resumed: exit status $rc, $(wc -l < "$out/a.jsonl") records, $failed failed with a reason recorded in $with_reason"
want=0; [ "$failed" -eq 0 ] || want=1
if [ "$rc" -ne "$want" ] || [ "$failed" -ne "$with_reason" ]; then
    tail -n 20 "$out/b.err"; exit 1
fi
grep "resume:" "$out/b.err"
test "$(wc -l < "$out/a.jsonl")" -eq 55
if grep -q '"status":"interrupted"' "$out/a.jsonl"; then echo "an interrupted record survived --resume"; exit 1; fi
./infomin-report "$out/a.jsonl" --metric bias --metric estimate --plot "$out/a.png" --y estimate --reference true_mi
test -s "$out/a.png"
