#!/usr/bin/env bash
# lane.sh STAGE...: run .ci/STAGE.sh one after another (a lane of stages that
# .ci/run starts beside its main line), printing each one's wall time; stops
# at the first that fails.
set -euo pipefail
here="$(dirname "$0")"
times=()
for name in "$@"; do
    echo "::: $name"
    t0=$SECONDS
    bash "$here/$name.sh"
    times+=("$(printf '%-10s %4ds' "$name" $((SECONDS - t0)))")
done
echo "::: lane: wall time per stage"
printf '  %s\n' "${times[@]}"
