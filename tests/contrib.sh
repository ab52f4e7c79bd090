#!/usr/bin/env bash
# Tests of what ships beside the binary: the man page (groff, mandoc, man),
# the Prometheus alerting rules (promtool), the systemd units
# (systemd-analyze), the bash completion (tests/completion.sh), the ldirectord
# wrapper and the keepalived example of doc/health-checks.md. No privilege,
# no network.
#
#   bash tests/contrib.sh [path/to/dsrcheck]     (default ./dsrcheck, or $DSRCHECK)
#
# A tool that is not installed skips its tests; CONTRIB_STRICT=1 fails them
# instead. Prints "ok - ..." / "not ok - ..." and "N passed, M failed[, K skipped]";
# exits 1 when a test failed.
set -u

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-${DSRCHECK:-$root/dsrcheck}}
[[ $bin == /* ]] || bin=$PWD/$bin
cd "$root" || exit 1
passed=0 failed=0 skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {
    echo "not ok - $1"
    shift
    (($#)) && printf '%s\n' "$@" | head -n 20 | sed 's/^/#   /'
    failed=$((failed + 1))
}
skip() {
    if [[ ${CONTRIB_STRICT:-0} == 1 ]]; then
        not_ok "$1" "$2 (CONTRIB_STRICT=1)"
    else
        echo "ok - $1 # SKIP $2"
        skipped=$((skipped + 1))
    fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# check NAME CMD...: passes when CMD exits 0 and prints nothing.
quiet() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1) && [[ -z $out ]]; then
        ok "$name"
    else
        not_ok "$name" "$out"
    fi
}

man8=doc/dsrcheck.8

# ---- man page ---------------------------------------------------------------
if have groff; then
    quiet "groff -man -ww: $man8 renders without warnings" groff -man -Tutf8 -ww -z "$man8"
else
    skip "groff -man -ww: $man8 renders without warnings" "no groff"
fi
if have mandoc; then
    quiet "mandoc -T lint: $man8 is clean" mandoc -T lint "$man8"
else
    skip "mandoc -T lint: $man8 is clean" "no mandoc"
fi
if have man; then
    out=$(MANWIDTH=80 man -l "$man8" 2>&1 >/dev/null)
    if [[ -z $out ]] && MANWIDTH=80 man -l "$man8" 2>/dev/null | grep -q '^SEE ALSO'; then
        ok "man -l: $man8 formats at 80 columns without warnings"
    else
        not_ok "man -l: $man8 formats at 80 columns without warnings" "$out"
    fi
else
    skip "man -l: $man8 formats at 80 columns without warnings" "no man"
fi
missing_sections=()
for section in NAME SYNOPSIS DESCRIPTION OPTIONS CONFIGURATION CHECKS "EXIT STATUS" \
    "REPORT FORMATS" PRIVILEGES EXAMPLES FILES "SEE ALSO"; do
    grep -qx "\.SH \"\?$section\"\?" "$man8" || missing_sections+=("$section")
done
if ((${#missing_sections[@]} == 0)); then
    ok "$man8 has every section"
else
    not_ok "$man8 has every section" "missing: ${missing_sections[*]}"
fi

# What the binary says it has, the man page must document: options (written
# \-\-name in roff), check ids and formats.
if [[ -x $bin ]]; then
    help=$("$bin" -h)
    mapfile -t options < <(grep -oE '(^|[[:space:],[])--?[A-Za-z][A-Za-z-]*' <<<"$help" |
        sed -E 's/^[[:space:],[]//' | sort -u)
    mapfile -t ids < <(sed -n '/^Checks:/,/^Exit/p' <<<"$help" | grep -oE '[a-z_0-9]+\.[a-z_0-9.]+')
    mapfile -t formats < <(grep -oE 'report on standard output: [a-z, ]+' <<<"$help" |
        sed 's/.*: //; s/ *$//; s/, */\n/g')
    missing=()
    for o in "${options[@]}"; do
        grep -qF -- "${o//-/\\-}" "$man8" || missing+=("$o")
    done
    if ((${#missing[@]} == 0)); then ok "$man8 documents every option of 'dsrcheck -h'"; else
        not_ok "$man8 documents every option of 'dsrcheck -h'" "missing: ${missing[*]}"; fi
    missing=()
    for id in "${ids[@]}"; do
        grep -qE "^\.BR? $id( |$)" "$man8" || missing+=("$id")
    done
    if ((${#missing[@]} == 0)); then ok "$man8 has an entry for every check id of 'dsrcheck -h'"; else
        not_ok "$man8 has an entry for every check id of 'dsrcheck -h'" "missing: ${missing[*]}"; fi
    missing=()
    for f in "${formats[@]}"; do
        grep -qx "\.B $f" "$man8" || missing+=("$f")
    done
    if ((${#missing[@]} == 0)); then ok "$man8 describes every report format"; else
        not_ok "$man8 describes every report format" "missing: ${missing[*]}"; fi
else
    skip "$man8 documents what 'dsrcheck -h' lists" "no $bin (make dsrcheck)"
fi

# ---- Prometheus rules -------------------------------------------------------
rules=contrib/prometheus/dsrcheck-alerts.yml
if have promtool; then
    if out=$(promtool check rules "$rules" 2>&1); then ok "promtool check rules $rules"; else
        not_ok "promtool check rules $rules" "$out"; fi
    if out=$(promtool test rules contrib/prometheus/dsrcheck-alerts.test.yml 2>&1); then
        ok "promtool test rules contrib/prometheus/dsrcheck-alerts.test.yml"
    else
        not_ok "promtool test rules contrib/prometheus/dsrcheck-alerts.test.yml" "$out"
    fi
else
    skip "promtool check rules $rules" "no promtool (Debian package prometheus)"
    skip "promtool test rules contrib/prometheus/dsrcheck-alerts.test.yml" "no promtool"
fi
# The rules use the names the writer emits (its golden output).
missing=()
mapfile -t metrics < <(grep -oE 'dsrcheck_[a-z_]+' "$rules" | sort -u)
for m in "${metrics[@]}"; do
    grep -q "^# TYPE $m gauge" fixtures/reports/sample.prom || missing+=("$m")
done
if ((${#missing[@]} == 0)); then ok "every metric in $rules is one fixtures/reports/sample.prom has"; else
    not_ok "every metric in $rules is one fixtures/reports/sample.prom has" "unknown: ${missing[*]}"; fi

# ---- systemd units ----------------------------------------------------------
# In a scratch root that has the binary where the units expect it and the
# system's units (sysinit.target, ...), so that only our files are judged;
# verify warns without failing, so any output fails the test.
units=(dsrcheck-watch.service dsrcheck-audit.service dsrcheck-audit.timer)
if have systemd-analyze && [[ -d /lib/systemd/system && -x $bin ]]; then
    r=$tmp/root
    mkdir -p "$r/usr/local/sbin" "$r/etc/systemd/system" "$r/usr/lib/systemd"
    cp "$bin" "$r/usr/local/sbin/dsrcheck"
    cp -a /lib/systemd/system "$r/usr/lib/systemd/"
    cp contrib/systemd/* "$r/etc/systemd/system/"
    quiet "systemd-analyze verify ${units[*]}" systemd-analyze verify --root="$r" --man=no "${units[@]}"
    for u in dsrcheck-watch.service dsrcheck-audit.service; do
        level=$(systemd-analyze security --offline=true --root="$r" "$u" 2>&1 | sed -n 's/.*exposure level for [^:]*: \([0-9.]*\).*/\1/p')
        if [[ -n $level ]] && awk -v l="$level" 'BEGIN { exit !(l <= 2.5) }'; then
            ok "systemd-analyze security: $u exposure $level (at most 2.5)"
        else
            not_ok "systemd-analyze security: $u exposure ${level:-unknown} (at most 2.5)"
        fi
    done
else
    skip "systemd-analyze verify ${units[*]}" "no systemd-analyze, /lib/systemd/system or $bin"
fi
if grep -q '^SuccessExitStatus=1$' contrib/systemd/dsrcheck-audit.service &&
    grep -q '^AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN$' contrib/systemd/dsrcheck-watch.service &&
    grep -q '^CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN$' contrib/systemd/dsrcheck-audit.service; then
    ok "units: exit 1 is success for the audit; two capabilities, ambient and bounding"
else
    not_ok "units: exit 1 is success for the audit; two capabilities, ambient and bounding"
fi

# ---- bash completion --------------------------------------------------------
if out=$(bash tests/completion.sh "$bin" 2>&1); then
    ok "tests/completion.sh: $(tail -n 1 <<<"$out")"
else
    not_ok "tests/completion.sh: $(tail -n 1 <<<"$out")" "$(grep '^not ok\|^#' <<<"$out")"
fi

# ---- ldirectord wrapper -----------------------------------------------------
wrapper=contrib/ldirectord/dsrcheck-ldirectord
stub=$tmp/stub-dsrcheck
cat >"$stub" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$STUB_ARGV"
exit "${STUB_RC:-0}"
EOF
export STUB_ARGV=$tmp/argv
chmod +x "$stub"
want=$'-q\n--no-color\n--vip\n198.18.0.100\n--port\n443\n--server\n198.18.0.11\n--only-server\n198.18.0.11\n--timeout\n500ms\n--listen\n1s\n-t\n3s\n-i\neth1'
rm -f "$tmp/argv"
if DSRCHECK=$stub DSRCHECK_OPTS="-i eth1" "$wrapper" 198.18.0.100 443 198.18.0.11 443 &&
    [[ $(cat "$tmp/argv" 2>/dev/null) == "$want" ]]; then
    ok "$wrapper VIP PORT RIP RPORT runs dsrcheck --vip VIP --port PORT --server RIP --only-server RIP"
else
    not_ok "$wrapper VIP PORT RIP RPORT runs dsrcheck --vip VIP --port PORT --server RIP --only-server RIP" \
        "got: $(tr '\n' ' ' <"$tmp/argv" 2>/dev/null)"
fi
DSRCHECK=$stub STUB_RC=1 "$wrapper" 198.18.0.100 80 198.18.0.11 80 2>/dev/null
rc=$?
if ((rc == 1)); then ok "$wrapper passes on dsrcheck's exit status 1 (down)"; else
    not_ok "$wrapper passes on dsrcheck's exit status 1 (down)" "rc=$rc"; fi
bad=0
for args in "198.18.0.100 80 198.18.0.11" "7 0 198.18.0.11 0" "[2001:db8::1] 80 [2001:db8::11] 80" \
    "198.18.0.100 http 198.18.0.11 80" "198.18.0.100 70000 198.18.0.11 80" "198.18.0.100 80 300.0.0.1 80"; do
    rm -f "$tmp/argv"
    # shellcheck disable=SC2086 # one test case a string
    DSRCHECK=$stub "$wrapper" $args 2>/dev/null
    rc=$?
    if ((rc != 2)) || [[ -e $tmp/argv ]]; then
        bad=1
        echo "#   '$args': rc=$rc"
    fi
done
if ((bad == 0)); then ok "$wrapper refuses bad arguments, firewall marks and IPv6 with exit 2"; else
    not_ok "$wrapper refuses bad arguments, firewall marks and IPv6 with exit 2"; fi

# ---- keepalived example -----------------------------------------------------
# The virtual_server block and the INI of doc/health-checks.md, as written.
if have keepalived && have python3; then
    python3 - doc/health-checks.md "$tmp" "$bin" <<'PY'
import re, sys
md, tmp, binary = sys.argv[1:]
blocks = re.findall(r"```\n(.*?)```", open(md).read(), re.S)
vs = next(b for b in blocks if b.startswith("virtual_server"))
ini = next(b for b in blocks if b.startswith("[service web]"))
vs = vs.replace("/usr/local/sbin/dsrcheck", binary).replace("/etc/dsrcheck/web.ini", tmp + "/web.ini")
open(tmp + "/keepalived.conf", "w").write("global_defs {\n    script_user root\n    enable_script_security\n}\n" + vs)
open(tmp + "/web.ini", "w").write(ini)
PY
    if out=$(keepalived -t -f "$tmp/keepalived.conf" 2>&1); then
        ok "keepalived -t accepts the MISC_CHECK example of doc/health-checks.md"
    else
        not_ok "keepalived -t accepts the MISC_CHECK example of doc/health-checks.md" "$out"
    fi
    # Its INI loads and names rs1 (an unknown server would be exit 2 first).
    if [[ -x $bin ]]; then
        out=$("$bin" -q -c "$tmp/web.ini" --only-server rs9 2>&1)
        rc=$?
        out2=$("$bin" -q -c "$tmp/web.ini" --only-server rs1 -i dsrcheck-no-such-if 2>&1)
        rc2=$?
        if ((rc == 2 && rc2 == 3)); then
            ok "the INI of doc/health-checks.md loads and knows rs1 (and not rs9)"
        else
            not_ok "the INI of doc/health-checks.md loads and knows rs1 (and not rs9)" \
                "rs9: rc=$rc $out" "rs1: rc=$rc2 $out2"
        fi
    fi
else
    skip "keepalived -t accepts the MISC_CHECK example of doc/health-checks.md" "no keepalived or python3"
fi

# ---- shell style ------------------------------------------------------------
if have shellcheck; then
    quiet "shellcheck: completion, wrapper and these tests" shellcheck -x \
        -s bash contrib/bash-completion/dsrcheck tests/completion.sh tests/contrib.sh
    # Every other script of the project: tests, lab, benchmarks, tools, CI.
    quiet "shellcheck: every project script" shellcheck -x tests/*.sh tests/integration/*.sh \
        tests/fuzz/*.sh bench/*.sh fixtures/*.sh fixtures/lab/*.sh tools/*.sh .ci/run
    quiet "shellcheck -s sh: $wrapper" shellcheck -s sh "$wrapper"
    quiet "shellcheck -s sh: the Debian package's maintainer scripts" shellcheck -s sh \
        debian/dsrcheck.postinst debian/dsrcheck.postrm
else
    skip "shellcheck: completion, wrapper and these tests" "no shellcheck"
fi

if ((skipped)); then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
((failed == 0))
