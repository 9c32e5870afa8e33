#!/usr/bin/env bash
# apt.sh PACKAGE...: makes sure these Debian packages are installed, installing
# the missing ones with --no-install-recommends, so that a stage gets exactly
# what it names and nothing a Recommends would have brought by luck (the
# aarch64 cross C library is only a Recommends of the cross compiler: a stage
# that relied on it passed only where someone had installed it by hand).
# Stages may run side by side (.ci/run), so apt and dpkg are taken under one
# lock.  Quiet when it succeeds; apt's output when it fails.
set -euo pipefail
missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q 'ok installed' ||
        missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
exec 9> /tmp/polyfast-ci-apt.lock
flock 9
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "apt.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
update() { apt-get -o DPkg::Lock::Timeout=600 update -qq > "$log" 2>&1 || { cat "$log"; exit 1; }; }
install() {
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" \
        > "$log" 2>&1
}
# Lists a fresh machine lacks, or that are too old to know a package, are
# fetched; lists whose files have gone from the mirror since, on a failure.
apt-cache show "${missing[@]}" > /dev/null 2>&1 || update
install || { update; install; } || { tail -30 "$log"; exit 1; }
