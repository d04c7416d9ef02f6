#!/usr/bin/env bash
# A 4-shard campaign on this machine, the shards side by side as four CI jobs would run them, then
# merged: the figures and files of README "Campaigns across machines".
#   bash bench/campaign.sh [LAYER] [RUNS per op class per shard] [OUT dir] [SHARDS]
#   bash bench/campaign.sh completion-log 500 bench/campaign
set -euo pipefail
layer=${1:-completion-log}
runs=${2:-500}
out=${3:-bench/campaign}
shards=${4:-4}
cd "$(dirname "$0")/.."
# Always: a dist/ older than the sources would campaign with the old checker.
npm run build >/dev/null
mkdir -p "$out"
rm -f "$out"/shard*.json "$out"/shard*.log "$out"/merged.*
pids=()
for i in $(seq 1 "$shards"); do
  # Exit 1 (violations found) is a result, not a failure of the campaign.
  (node dist/src/cli/main.js audit "$layer" --runs "$runs" --shard "$i/$shards" --format json > "$out/shard$i.json.tmp" 2> "$out/shard$i.log" || [ $? -eq 1 ]) &
  pids+=($!)
done
# Wait for every shard before judging any: set -e would leave the others running on the first failure.
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$?; done
if [ "$failed" -ne 0 ]; then
  echo "bench/campaign.sh: a shard failed (exit $failed); see $out/shard*.log" >&2
  exit "$failed"
fi
for i in $(seq 1 "$shards"); do mv "$out/shard$i.json.tmp" "$out/shard$i.json"; done
node dist/src/cli/main.js merge "$out"/shard*.json > "$out/merged.txt" || [ $? -eq 1 ]
node dist/src/cli/main.js merge "$out"/shard*.json --format json > "$out/merged.json" || [ $? -eq 1 ]
head -2 "$out/merged.txt"
