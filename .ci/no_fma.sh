#!/usr/bin/env bash
# No fused multiply-add in any object: usage  no_fma.sh CC OBJDUMP FILE_OR_DIR...
# (directories are searched for *.o, *.obj, *.so, *.dll, *.exe, *.a).  A fused
# a*b+c rounds once where the scalar reference rounds twice, so one FMA in a
# kernel would break "the same bits at every level".  x86: vfmadd/vfmsub/
# vfnmadd/vfnmsub (FMA3) and FMA4's forms; arm64: fmadd/fmsub/fnmadd/fnmsub
# (scalar) and fmla/fmls (vector).  A positive control first: a small function
# compiled by CC with contraction forced on must be caught, so a pattern that
# does not match this objdump's spelling cannot pass silently.
set -euo pipefail
cc=$1 objdump=$2
shift 2
pattern='[[:space:]](vfn?m(add|sub)[a-z0-9]*|fn?m(add|sub)|fml[as])[[:space:]]'
work="$(mktemp -d)"
printf 'double f(double a, double b, double c) { return a * b + c; }\n' > "$work/fma.c"
case "$($cc -dumpmachine)" in
    x86_64*) control_flags="-mfma" ;;
    *) control_flags="" ;;
esac
# shellcheck disable=SC2086
$cc -O2 $control_flags -ffp-contract=fast -c "$work/fma.c" -o "$work/fma.o"
"$objdump" -d "$work/fma.o" | grep -Eq "$pattern" \
    || { echo "no_fma.sh: the pattern misses $cc's FMA in the control"; exit 1; }
files=()
for path in "$@"; do
    if [ -d "$path" ]; then
        while IFS= read -r f; do files+=("$f"); done < <(
            find "$path" -type f \( -name '*.o' -o -name '*.obj' -o -name '*.so' \
                 -o -name '*.dll' -o -name '*.exe' -o -name '*.a' \) | sort)
    else
        files+=("$path")
    fi
done
[ ${#files[@]} -gt 0 ] || { echo "no_fma.sh: no object found in $*"; exit 1; }
found=0
for f in "${files[@]}"; do
    hits=$("$objdump" -d "$f" 2>/dev/null | grep -Ec "$pattern" || true)
    if [ "$hits" != 0 ]; then
        echo "no_fma.sh: $hits fused multiply-add instruction(s) in $f"
        found=1
    fi
done
[ $found = 0 ] || exit 1
echo "no_fma.sh: ${#files[@]} files ($cc, $objdump): no FMA instruction"
