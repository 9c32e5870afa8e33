#!/usr/bin/env bash
# fresh: README's promise checked from nothing.  A minimal Debian 12 root
# (debootstrap --variant=minbase: no compiler, no Python), into which go only
# the prerequisites README's "What you need" names for Debian (its apt-get
# line, read from README, run with --no-install-recommends), then a copy of
# this clone; inside it (chroot) README's two commands run verbatim, each in
# a new venv as README advises: the main job (`python -m polyfast`, its full
# run) and the whole test suite.  A README that forgot a prerequisite, a
# build that needs something a fresh machine lacks, a test that depends on
# this machine's extras: each fails here.
#
# The chroot gets from this machine only what its network needs (resolv.conf,
# the CA bundle and pip's configuration) and the kernel's file systems (/proc,
# /sys, /dev with /dev/shm for multiprocessing), all bind-mounted read-only
# where they can be and unmounted on every exit before anything is deleted.
#
# Cache: the bare debootstrap root, as a tarball in ~/.cache/polyfast-ci
# (POLYFAST_FRESH_CACHE=0: not used), saves ~5 min on a second local run; the
# prerequisites are installed into it fresh each time.  CI passes without it.
# Cost: debootstrap ~5 min (network), prerequisites ~1 min, the first command
# ~3 min, the second ~6 min; each step's time is printed.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/fresh"
root="$work/root"
mirror="${POLYFAST_FRESH_MIRROR:-http://deb.debian.org/debian}"
cache_dir="${POLYFAST_CI_CACHE:-$HOME/.cache/polyfast-ci}"
cache="$cache_dir/fresh-bookworm-minbase.tar"

step_start=$SECONDS
step() {  # step NAME: print the previous step's time and start the next
    [ -n "${step_name:-}" ] && printf 'fresh: %-28s %4ds\n' "$step_name" $((SECONDS - step_start))
    step_name=$1 step_start=$SECONDS
}

unmount_all() {
    # Deepest first; a lazy unmount for anything a stray process still holds.
    local m
    for m in $(findmnt -rn -o TARGET | grep -F "$root/" | sort -r); do
        umount "$m" 2> /dev/null || umount -l "$m"
    done
}
cleanup() {
    local status=$?
    unmount_all
    if findmnt -rn -o TARGET | grep -qF "$root/"; then
        echo "fresh: mounts remain under $root: not deleting it" >&2
        exit 1
    fi
    if [ $status -eq 0 ]; then
        rm -rf --one-file-system "$work"
    else
        echo "fresh: FAILED; the root is left in $work" >&2
    fi
}
unmount_all  # a previous run's, killed before its cleanup
rm -rf --one-file-system "$work"
mkdir -p "$work"
trap cleanup EXIT

# What README asks of a Debian user, from README itself.
prereq=$(python3 - "$repo" <<'PY'
import pathlib, re, sys
repo = pathlib.Path(sys.argv[1])
texts = [repo / "README.md", *sorted((repo / "docs").rglob("*.md"))]
for path in texts:
    if path.exists():
        m = re.search(r"`(?:sudo )?apt-get install ([^`]*python3-dev[^`]*)`", path.read_text("utf-8"))
        if m:
            print(m.group(1))
            break
else:
    sys.exit("fresh: README names no Debian apt-get line with python3-dev")
PY
)
# README's two commands, character for character.
mapfile -t commands < <(grep -E "^python -m pip install (\.|'\.\[test\]') && python -I -m " \
                         "$repo/README.md")
[ ${#commands[@]} -eq 2 ] || { echo "fresh: README's two commands not found" >&2; exit 1; }
echo "fresh: prerequisites: $prereq"
printf 'fresh: command: %s\n' "${commands[@]}"

step "debootstrap"
bash "$repo/.ci/apt.sh" debootstrap
if [ "${POLYFAST_FRESH_CACHE:-1}" != 0 ] && [ -s "$cache" ]; then
    mkdir -p "$root" && tar -xf "$cache" -C "$root"
    echo "fresh: root from the cache $cache"
else
    debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
        || { tail -30 "$work/debootstrap.log"; exit 1; }
    if [ "${POLYFAST_FRESH_CACHE:-1}" != 0 ]; then
        mkdir -p "$cache_dir"
        tar -cf "$cache.part" -C "$root" . && mv "$cache.part" "$cache"
    fi
fi
# Nothing of a compiler or of Python before README's line.
for tool in gcc cc python3; do
    if chroot "$root" /bin/sh -c "command -v $tool" > /dev/null; then
        echo "fresh: the bare root already has $tool" >&2; exit 1
    fi
done

step "mounts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
for fs in sys dev; do
    mount --rbind "/$fs" "$root/$fs"
    mount --make-rslave "$root/$fs"
done
in_root() {  # in_root COMMAND: a login-like shell in the root, nothing of ours in its environment
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive /bin/bash -euo pipefail -c "$1"
}

step "prerequisites"
in_root "apt-get update -qq && apt-get install -y -qq --no-install-recommends $prereq" \
    > "$work/prereq.log" 2>&1 || { tail -30 "$work/prereq.log"; exit 1; }
in_root "python3 -VV; gcc --version | head -1"
# This machine's CA bundle and pip configuration (pip reaches PyPI through
# them here), copied after the prerequisites: their ca-certificates would
# have rebuilt the bundle without this machine's authorities.
for f in /etc/ssl/certs/ca-certificates.crt /etc/pip.conf; do
    if [ -f "$f" ]; then mkdir -p "$root$(dirname "$f")" && cp "$f" "$root$f"; fi
done

step "copy the clone"
git clone --quiet --no-hardlinks "$repo" "$root/root/polyfast"
# The clone runs with ../shared beside it, as in CI, when there is one.
[ -d "$repo/../shared" ] && cp -r "$repo/../shared" "$root/root/shared"

step "README command 1"
in_root "cd /root/polyfast && python3 -m venv /root/venv1 && . /root/venv1/bin/activate \
         && ${commands[0]}" > "$work/command1.log" 2>&1 \
    || { tail -60 "$work/command1.log"; exit 1; }
grep -E 'poly|speed' "$work/command1.log" | tail -12

step "README command 2"
in_root "cd /root/polyfast && python3 -m venv /root/venv2 && . /root/venv2/bin/activate \
         && ${commands[1]}" > "$work/command2.log" 2>&1 \
    || { tail -80 "$work/command2.log"; exit 1; }
tail -3 "$work/command2.log"
step "done"
