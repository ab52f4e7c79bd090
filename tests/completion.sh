#!/usr/bin/env bash
# Tests of contrib/bash-completion/dsrcheck: calls _dsrcheck the way bash does
# (COMP_LINE, COMP_POINT, COMP_WORDS split at COMP_WORDBREAKS, COMP_CWORD) and
# compares COMPREPLY with what readline should insert. Also checks that every
# option of `dsrcheck -h` is offered. No privilege, no network.
#
#   bash tests/completion.sh [path/to/dsrcheck]    (default ./dsrcheck, or $DSRCHECK)
#
# Prints "ok - ..." / "not ok - ..." per test and "N passed, M failed[, K skipped]";
# exits 1 when a test failed.
set -u

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-${DSRCHECK:-$root/dsrcheck}}
[[ $bin == /* ]] || bin=$PWD/$bin # the tests run in a temporary directory
passed=0 failed=0 skipped=0

# shellcheck source=SCRIPTDIR/../contrib/bash-completion/dsrcheck
source "$root/contrib/bash-completion/dsrcheck" || {
    echo "not ok - contrib/bash-completion/dsrcheck sources"
    echo "0 passed, 1 failed"
    exit 1
}

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {
    echo "not ok - $1"
    shift
    printf '#   %s\n' "$@"
    failed=$((failed + 1))
}
skip() { echo "ok - $1 # SKIP $2"; skipped=$((skipped + 1)); }

# complete LINE: what _dsrcheck offers with the cursor at the end of LINE,
# sorted, one per line. COMP_WORDS is split as bash splits it.
complete_line() {
    local line=$1 word words=() tok i ch
    # Whitespace first, then each run of word-break characters is a word.
    read -r -a toks <<<"$line"
    for tok in "${toks[@]}"; do
        word=""
        for ((i = 0; i < ${#tok}; i++)); do
            ch=${tok:i:1}
            if [[ $ch == [=:@] ]]; then
                [[ -n $word ]] && words+=("$word")
                word=$ch
                while [[ ${tok:i+1:1} == [=:@] ]]; do
                    i=$((i + 1))
                    word+=${tok:i:1}
                done
                words+=("$word")
                word=""
            else
                word+=$ch
            fi
        done
        [[ -n $word ]] && words+=("$word")
    done
    [[ $line == *' ' ]] && words+=("")
    COMP_LINE=$line COMP_POINT=${#line}
    COMP_WORDS=("${words[@]}") COMP_CWORD=$((${#words[@]} - 1))
    COMPREPLY=()
    _dsrcheck dsrcheck "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]-}"
    ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort -u
    unset COMP_LINE COMP_POINT
}

# expect LINE WANT...: exactly these candidates.
expect() {
    local line=$1 got want
    shift
    got=$(complete_line "$line")
    want=$( ((${#})) && printf '%s\n' "$@" | LC_ALL=C sort -u)
    if [[ $got == "$want" ]]; then
        ok "'$line' -> ${*:-(nothing)}"
    else
        not_ok "'$line'" "want: ${want//$'\n'/ }" "got:  ${got//$'\n'/ }"
    fi
}

# expect_has LINE [+WORD | !WORD]...: these among the candidates, those not.
expect_has() {
    local line=$1 got spec bad=()
    shift
    got=$'\n'$(complete_line "$line")$'\n'
    for spec in "$@"; do
        case $spec in
        +*) [[ $got == *$'\n'"${spec#+}"$'\n'* ]] || bad+=("missing ${spec#+}") ;;
        !*) [[ $got != *$'\n'"${spec#!}"$'\n'* ]] || bad+=("unexpected ${spec#!}") ;;
        esac
    done
    if ((${#bad[@]} == 0)); then
        ok "'$line' offers/omits $*"
    else
        not_ok "'$line'" "${bad[@]}" "got: ${got//$'\n'/ }"
    fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir sub
: >cap1.pcap
: >cap2.pcapng
: >notes.txt
: >sub/x.pcap
cat >lab.ini <<'EOF'
[service web]
vip = 198.18.0.100
ports = 80
servers = rs1, rs2
[server rs1]
address = 198.18.0.11
  [server  rs-2.b ]   ; a comment
address = 198.18.0.12
EOF

# The call from the README of this test: COMP_WORDS alone, no COMP_LINE.
got=$(bash -c 'source "$1"; COMP_WORDS=(dsrcheck -f ""); COMP_CWORD=2; _dsrcheck; printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$root/contrib/bash-completion/dsrcheck" | LC_ALL=C sort)
if [[ ${got//$'\n'/ } == "html json junit nagios prometheus text" ]]; then
    ok "direct call with COMP_WORDS=(dsrcheck -f \"\") -> the six formats"
else
    not_ok "direct call with COMP_WORDS=(dsrcheck -f \"\")" "got: ${got//$'\n'/ }"
fi
COMP_WORDS=(dsrcheck --format j) COMP_CWORD=2
COMPREPLY=()
_dsrcheck
if [[ ${COMPREPLY[*]} == "json junit" ]]; then
    ok "direct call with COMP_WORDS=(dsrcheck --format j) -> json junit"
else
    not_ok "direct call with COMP_WORDS=(dsrcheck --format j)" "got: ${COMPREPLY[*]}"
fi

if [[ $(complete -p dsrcheck 2>/dev/null) == "complete -F _dsrcheck dsrcheck" ]]; then
    ok "complete -F _dsrcheck dsrcheck is registered"
else
    not_ok "complete -F _dsrcheck dsrcheck is registered" "got: $(complete -p dsrcheck 2>&1)"
fi

# Formats.
expect "dsrcheck -f " text json junit prometheus nagios html
expect "dsrcheck -f n" nagios
expect "dsrcheck --format=" text json junit prometheus nagios html
expect "dsrcheck --format=pr" prometheus
# --report FMT:PATH: the format with its colon first, then files after it.
expect "dsrcheck --report " text: json: junit: prometheus: nagios: html:
expect "dsrcheck --report pr" prometheus:
expect "dsrcheck --report json:" cap1.pcap cap2.pcapng lab.ini notes.txt sub
expect "dsrcheck --report prometheus:su" sub
expect "dsrcheck --report=json:c" cap1.pcap cap2.pcapng
expect "dsrcheck --report=ju" junit:
# Files.
expect "dsrcheck -c " cap1.pcap cap2.pcapng lab.ini notes.txt sub
expect "dsrcheck -c la" lab.ini
expect "dsrcheck --config=la" lab.ini
expect "dsrcheck --pcap no" notes.txt
expect "dsrcheck analyze " cap1.pcap cap2.pcapng sub
expect "dsrcheck analyze sub/" sub/x.pcap
expect "dsrcheck analyze c" cap1.pcap cap2.pcapng
expect "dsrcheck analyze cap1.pcap -c l" lab.ini
# Subcommands, only as the first word.
expect "dsrcheck " analyze local watch
expect "dsrcheck l" local
expect "dsrcheck local --snap" --snapshot
expect "dsrcheck local --snapshot no" notes.txt
expect "dsrcheck local --ti" --time-limit
expect "dsrcheck w" watch
expect "dsrcheck -c lab.ini "
expect "dsrcheck --vip "
expect "dsrcheck --server rs1="
# Interfaces from /sys/class/net.
ifaces=()
for d in /sys/class/net/*; do [[ -e $d ]] && ifaces+=("${d##*/}"); done
if ((${#ifaces[@]})); then
    expect "dsrcheck -i " "${ifaces[@]}"
    expect "dsrcheck --interface=${ifaces[0]}" "${ifaces[0]}"
else
    skip "dsrcheck -i offers interfaces" "no /sys/class/net"
fi
# Options per mode.
expect "dsrcheck --ti" --time-limit --timeout
expect "dsrcheck --no" --no-color
expect_has "dsrcheck -" +-c +-t +--only-server +--nagios +--pcap +--seed !analyze !watch
expect_has "dsrcheck watch --" +--interval +--syslog +--config +--interface +--report !--pcap !--only-server !--nagios !--seed
expect_has "dsrcheck analyze cap1.pcap --" +--format +--report +--config +--vip !--timeout !--pcap !--interval !--syslog
# --only-server: server names of the -c file, or of --server.
expect "dsrcheck -c lab.ini --only-server " rs1 rs-2.b
expect "dsrcheck --config=lab.ini -q --only-server r" rs1 rs-2.b
expect "dsrcheck --vip 198.18.0.100 --port 80 --server web1=198.18.0.11 --server 198.18.0.12@02:00:00:00:00:12 --only-server " web1 198.18.0.12
expect "dsrcheck -c missing.ini --only-server "
# Durations.
expect_has "dsrcheck -t " +3s +500ms
expect_has "dsrcheck watch --interval " +300s +0

# The same through real readline: an interactive bash in a pseudo-terminal,
# TAB pressed, the line read back. Proves that what COMPREPLY holds is what
# readline inserts after ':' and '='.
readline_line() { # TYPED WANT -> the line after one TAB (waits up to 5 s for WANT to show)
    python3 - "$root/contrib/bash-completion/dsrcheck" "$1" "$2" <<'PY'
import os, pty, select, sys, time
completion, typed, want = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "dumb"
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
def read(until, timeout=3.0):
    out, end = b"", time.time() + timeout
    while time.time() < end and until not in out:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out
os.write(fd, b"bind 'set bell-style none'; PS1='READY> '; source '" + completion.encode() + b"'\n")
read(b"READY> ")
os.write(fd, b"echo SYNC\n")
read(b"SYNC\r\nREADY> ")
os.write(fd, typed + b"\t")
# Until the wanted line shows, or 5 s: a loaded machine (CI) may take a while to complete.
out = read(want, 5.0)
os.write(fd, b"\x15exit\n")
line = out.replace(b"\x07", b"").split(b"\r")[-1]
sys.stdout.write(line.decode(errors="replace").rstrip("\n"))
PY
}
expect_readline() { # TYPED WANT
    local got
    got=$(readline_line "$1" "$2")
    if [[ $got == "$2" ]]; then
        ok "readline: '$1<TAB>' -> '$2'"
    else
        not_ok "readline: '$1<TAB>'" "want: '$2'" "got:  '$got'"
    fi
}
if command -v python3 >/dev/null; then
    expect_readline "dsrcheck --report json:no" "dsrcheck --report json:notes.txt "
    expect_readline "dsrcheck --report prom" "dsrcheck --report prometheus:"
    expect_readline "dsrcheck --report=junit:su" "dsrcheck --report=junit:sub/"
    expect_readline "dsrcheck --format=pro" "dsrcheck --format=prometheus "
    expect_readline "dsrcheck analyze cap1" "dsrcheck analyze cap1.pcap "
    expect_readline "dsrcheck wa" "dsrcheck watch "
else
    skip "readline: completion in an interactive bash" "no python3"
fi

# Every option the binary documents is offered (by the audit or a
# subcommand), and none that it does not know.
if [[ -x $bin ]]; then
    mapfile -t documented < <("$bin" -h | grep -oE '(^|[[:space:],[])--?[A-Za-z][A-Za-z-]*' |
        sed -E 's/^[[:space:],[]//' | LC_ALL=C sort -u)
    offered=$( (complete_line "dsrcheck -"; complete_line "dsrcheck watch -"
        complete_line "dsrcheck analyze cap1.pcap -"; complete_line "dsrcheck local -") |
        LC_ALL=C sort -u)
    missing=() extra=()
    for o in "${documented[@]}"; do
        [[ $'\n'$offered$'\n' == *$'\n'"$o"$'\n'* ]] || missing+=("$o")
    done
    for o in $offered; do
        [[ " ${documented[*]} " == *" $o "* ]] || extra+=("$o")
    done
    if ((${#documented[@]} > 10 && ${#missing[@]} == 0)); then
        ok "every option of 'dsrcheck -h' (${#documented[@]}) is offered"
    else
        not_ok "every option of 'dsrcheck -h' is offered" "missing: ${missing[*]:-(none)}" \
            "documented: ${documented[*]}"
    fi
    if ((${#extra[@]} == 0)); then
        ok "no option is offered that 'dsrcheck -h' does not document"
    else
        not_ok "no option is offered that 'dsrcheck -h' does not document" "extra: ${extra[*]}"
    fi
else
    skip "every option of 'dsrcheck -h' is offered" "no $bin (make dsrcheck)"
    skip "no option is offered that 'dsrcheck -h' does not document" "no $bin"
fi

if ((skipped)); then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
((failed == 0))
