#!/usr/bin/env bash
# html.sh BINARY [--screenshots]: the HTML report (reports/html.c) in a real browser,
# Debian's headless Chromium. Each page must render with no console message (a script
# error, or a fetch its Content-Security-Policy refused: the page is meant to need
# neither), and its DOM must hold the verdict element (id="verdict"), every server's
# name, every finding's summary (from the JSON report of the same run, once it carries
# "findings") and the summary of every failing or warning check; laid out in a window
# 1280 px wide, nothing may make it scroll sideways.
#
# Without the lab (no privilege, no network): reports of recorded runs, `analyze` of
# the lab captures in fixtures/pcap/ and `local --snapshot` of fixtures/local/, and the
# golden page fixtures/reports/sample.html, whose hostile names must stay text and whose
# printed copy (PDF, read back by ghostscript) must have every check's evidence expanded.
# With root: the classic lab's `unbound` and `arp-leak` scenarios audited from the
# client (and `unbound` from the balancer) with --report html:PATH; --screenshots
# also writes doc/report-unbound.png and doc/report-arp-leak.png (1280 px wide), the
# pictures README shows. The lab is waited for, never taken from another user, and
# torn down by a trap. DSR_SKIP_INTEGRATION=1 or not being root skips that part.
#
# One line per assertion, then `N passed, M failed`; exit 0 when nothing failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=fixtures/lab/dsrcheck-lab.ini
BROWSER_LIMIT=60 # seconds: no page may hang the suite
RUN_LIMIT=60
LAB_WAIT=${LAB_WAIT:-1800}
WIDTH=1280
SHOT_HEIGHT=1400

(($# == 1 || $# == 2)) || { echo "usage: html.sh BINARY [--screenshots]" >&2; exit 2; }
SHOTS=0
if (($# == 2)); then
	[[ $2 == --screenshots ]] || { echo "usage: html.sh BINARY [--screenshots]" >&2; exit 2; }
	SHOTS=1
fi
# The lab's helpers (binary path, prerequisites, waiting, teardown); its root check
# is applied only to the lab part below.
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"
LAB_TEST_NAME=html.sh
lab_test_binary "$1"
lab_test_need jq timeout
BROWSER=
for b in chromium chromium-browser; do
	command -v "$b" >/dev/null && BROWSER=$b && break
done
[[ -n $BROWSER ]] || { echo "html.sh: chromium is missing: run 'sudo make deps'" >&2; exit 1; }

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

cd "$ROOT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsrcheck-html.XXXXXX")
LAB_USED=0
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	((LAB_USED)) && { bash "$LAB" down >/dev/null 2>&1 || echo "html.sh: warning: lab teardown failed" >&2; }
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# browse PAGE OUT ARGS...: Chromium headless on file://PAGE, as root in CI: no
# sandbox, a profile of its own that is thrown away; its standard error (with the
# page's console, --enable-logging) in OUT.err.
browse() {
	local page=$1 out=$2 profile rc=0
	shift 2
	profile=$(mktemp -d "$WORK/profile.XXXXXX")
	timeout "$BROWSER_LIMIT" "$BROWSER" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 --hide-scrollbars \
		--window-size="$WIDTH,$SHOT_HEIGHT" "$@" "file://$page" >"$out" 2>"$out.err" || rc=$?
	rm -rf "$profile"
	return "$rc"
}

# page_width PAGE: "width W of 1280", how wide PAGE lays out in a window 1280 px wide.
# The page runs no script (its CSP forbids it), so a page of our own holds it in a
# frame of that width and measures it; file:// pages may read each other only with
# --allow-file-access-from-files, in this throwaway profile.
page_width() {
	local page=$1 wrap
	wrap=$(mktemp "$WORK/width.XXXXXX.html")
	cat >"$wrap" <<EOF
<!DOCTYPE html><html><head><style>body{margin:0}iframe{border:0;display:block}</style></head><body>
<iframe id="f" width="$WIDTH" height="900" src="file://$page"></iframe><pre id="out">not loaded</pre>
<script>
document.getElementById('f').addEventListener('load', function () {
  var out = document.getElementById('out');
  try {
    var d = this.contentDocument.documentElement;
    out.textContent = 'width ' + d.scrollWidth + ' of ' + d.clientWidth;
  } catch (e) { out.textContent = 'error ' + e; }
});
</script></body></html>
EOF
	browse "$wrap" "$wrap.dom" --allow-file-access-from-files --dump-dom || true
	sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p' "$wrap.dom"
}

# What a console message looks like in Chromium's log: anything the page said or did
# wrong (a script error, a refused load).
console_messages() {
	grep -E 'CONSOLE|Uncaught|Refused to|violates the following Content Security' "$1" || true
}

# html_escape TEXT: as the serialised DOM writes text.
html_escape() {
	local s=$1
	s=${s//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	printf '%s' "$s"
}

# check_page NAME PAGE JSON: the page in the browser against the JSON report of the
# same run (JSON "-": only what the page itself must have).
check_page() {
	local name=$1 page=$2 json=$3 dom=$WORK/$1.dom missing=() s n want
	if ! browse "$page" "$dom" --dump-dom; then
		fail "$name: chromium renders the page" "$(tail -5 "$dom.err")"
		return
	fi
	assert_eq "$name: no console message" "" "$(console_messages "$dom.err")"
	if grep -q 'id="verdict"[^>]*>dsrcheck: \(PASS\|FAIL\) (' "$dom"; then
		pass "$name: the verdict element"
	else
		fail "$name: the verdict element" "$(grep -o 'id="verdict".\{0,80\}' "$dom" || echo none)"
	fi
	# Readable in a window 1280 px wide: nothing makes it scroll sideways.
	assert_eq "$name: fits a window $WIDTH px wide" "width $WIDTH of $WIDTH" "$(page_width "$page")"
	# Markup only html.c writes: anything else came from the data.
	assert_eq "$name: no script, image, frame or object element" "" \
		"$(grep -oiE '<(script|img|iframe|object|embed|link)[ >]' "$dom" || true)"
	[[ $json == - ]] && return
	want=$(jq -r '.verdict | ascii_upcase' "$json")
	assert "$name: the verdict is the JSON report's ($want)" "" grep -q "id=\"verdict\"[^>]*>dsrcheck: $want" "$dom"
	while IFS= read -r s; do
		[[ -n $s ]] && ! grep -qF -- "$(html_escape "$s")" "$dom" && missing+=("$s")
	done < <(jq -r '[.checks[].server | select(. != null)] | unique[]' "$json")
	assert_eq "$name: every server in the DOM" "" "${missing[*]}"
	missing=()
	while IFS= read -r s; do
		[[ -n $s ]] && ! grep -qF -- "$(html_escape "$s")" "$dom" && missing+=("$s")
	done < <(jq -r '.checks[] | select(.status == "fail" or .status == "warn") | .summary' "$json")
	assert_eq "$name: every failing or warning check's summary in the DOM" "" "${missing[*]}"
	if jq -e 'has("findings")' "$json" >/dev/null; then
		missing=()
		while IFS= read -r s; do
			[[ -n $s ]] && ! grep -qF -- "$(html_escape "$s")" "$dom" && missing+=("$s")
		done < <(jq -r '.findings[].summary' "$json")
		assert_eq "$name: every finding's summary in the DOM" "" "${missing[*]}"
		n=$({ grep -o '<li id="finding-' "$dom" || true; } | wc -l)
		assert_eq "$name: one list item per finding" "$(jq '.findings | length' "$json")" "$n"
	fi
}

# report NAME CMD...: runs dsrcheck CMD... writing NAME.json and NAME.html, then checks
# the page. Exit statuses 0 and 1 (pass, fail) are reports; anything else is not.
report() {
	local name=$1 rc=0
	shift
	"$@" -f json --report "html:$WORK/$name.html" >"$WORK/$name.json" 2>"$WORK/$name.stderr" || rc=$?
	if ((rc > 1)) || [[ ! -s $WORK/$name.html ]]; then
		fail "$name: dsrcheck wrote the report (exit $rc)" "$(cat "$WORK/$name.stderr")"
		return
	fi
	check_page "$name" "$WORK/$name.html" "$WORK/$name.json"
}

# ---- the checker itself sees what it must --------------------------------------
cat >"$WORK/bad.html" <<'EOF'
<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
<body><p id="verdict">x</p><script>undefined_function()</script><img src="http://198.18.0.1/x.png"></body></html>
EOF
if browse "$WORK/bad.html" "$WORK/bad.dom" --dump-dom && [[ -n $(console_messages "$WORK/bad.dom.err") ]]; then
	pass "a page that runs a script or fetches an image shows up as console messages"
else
	fail "a page that runs a script or fetches an image shows up as console messages" "$(tail -5 "$WORK/bad.dom.err")"
fi

echo '<!DOCTYPE html><html><body><div style="width:2000px">wide</div></body></html>' >"$WORK/wide.html"
assert_eq "a page wider than the window measures so" "width 2008 of $WIDTH" "$(page_width "$WORK/wide.html")"

# ---- recorded runs: no lab ---------------------------------------------------------
check_page sample "$ROOT/fixtures/reports/sample.html" -
# On paper every check's evidence is expanded: the summary of a passing check (its
# <details> closed on screen, and only there) is in the printed text. Ghostscript reads
# the PDF back.
if command -v gs >/dev/null; then
	if browse "$ROOT/fixtures/reports/sample.html" "$WORK/print.log" --no-pdf-header-footer \
		--print-to-pdf="$WORK/sample.pdf" &&
		gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=txtwrite -sOutputFile="$WORK/sample.txt" "$WORK/sample.pdf" &&
		grep -q 'SYN-ACK from 198.18.0.100' "$WORK/sample.txt"; then
		pass "sample: printed, a closed check's evidence is expanded"
	else
		fail "sample: printed, a closed check's evidence is expanded" "$(tail -5 "$WORK/print.log.err")"
	fi
else
	echo "# print check skipped: no gs (ghostscript)"
fi
for pcap in arp-leak-client garp-client vip-squatter-client wrong-source-client healthy-client; do
	report "analyze-$pcap" "$BIN" analyze -c "$CONFIG" "fixtures/pcap/$pcap.pcap"
done
# The dual-stack deployment: the widest matrix, both families' checks.
report analyze-dual-wrong-source6 "$BIN" analyze -c fixtures/lab/dsrcheck-lab6.ini \
	fixtures/pcap/wrong-source6-client-any.pcap
report analyze-ha-split-brain "$BIN" analyze -c fixtures/lab/dsrcheck-ha.ini fixtures/pcap/ha-split-brain.pcap
report analyze-inventory "$BIN" analyze fixtures/pcap/arp-table.pcap
for snap in lab-unbound-rs1 lab-arp-leak-rs2 win-weakhost-off; do
	report "local-$snap" "$BIN" local --snapshot "fixtures/local/$snap.snap" --vip 198.18.0.100 --port 80 --port 8080
done

# ---- the lab: live audits, and the screenshots -------------------------------------
lab_audit() { # SCENARIO VANTAGE NAME
	report "$3" timeout "$RUN_LIMIT" ip netns exec "dsrlab-$2" "$BIN" -c "$CONFIG" -q
}
if [[ ${DSR_SKIP_INTEGRATION:-0} == 1 || $EUID -ne 0 ]]; then
	echo "# lab part skipped (needs root; DSR_SKIP_INTEGRATION=${DSR_SKIP_INTEGRATION:-0})"
	((SHOTS == 0)) || { echo "html.sh: --screenshots needs the lab (root)" >&2; exit 1; }
else
	lab_test_need ip nft python3
	lab_test_wait_for_lab "$LAB_WAIT"
	LAB_USED=1
	for s in unbound arp-leak; do
		if ! bash "$LAB" up "$s" >"$WORK/lab-$s.log" 2>&1; then
			fail "lab up $s" "$(tail -5 "$WORK/lab-$s.log")"
			continue
		fi
		lab_audit "$s" client "lab-$s"
		[[ $s == unbound ]] && lab_audit "$s" lb "lab-$s-lb"
		if ((SHOTS)) && [[ -s $WORK/lab-$s.html ]]; then
			if browse "$WORK/lab-$s.html" "$WORK/shot-$s.log" --screenshot="$ROOT/doc/report-$s.png" &&
				[[ -s $ROOT/doc/report-$s.png ]]; then
				pass "screenshot doc/report-$s.png"
			else
				fail "screenshot doc/report-$s.png" "$(tail -5 "$WORK/shot-$s.log.err")"
			fi
		fi
	done
fi
tap_summary
