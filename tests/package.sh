#!/usr/bin/env bash
# package.sh: the Debian package as an operator meets it (`make package`, part of
# `make integration`): `make deb`, lintian with no error and no warning, `dpkg -i`, every
# file where it belongs and the capabilities postinst set, then the INSTALLED
# /usr/sbin/dsrcheck auditing the healthy lab (fixtures/lab) with the package's example
# configuration as the package's own unprivileged user, holding only those file
# capabilities; then `dpkg --purge`, after which nothing the package made is left: its
# files, its user and group, the units' state directory, debhelper's unit state.
#
# The machine is left as it was: an installed dsrcheck package stops the test before
# anything changes (it would be replaced, then purged), a dsrcheck user that was there
# before is neither expected to go nor removed, and the teardown purges the package
# however the test ends. The .deb files stay in the tree, as `make deb` leaves them.
#
# One line per assertion (`ok - ...` / `not ok - ...`), then `N passed, M failed`.
# Needs root; DSR_SKIP_INTEGRATION=1 skips. Tears the lab down on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/integration/lab-test.sh
. "$ROOT/tests/integration/lab-test.sh"

lab_test_begin package.sh "package tests" "sudo make package"
(($# == 0)) || lab_test_usage "package.sh"
lab_test_need make dpkg-buildpackage dh lintian dpkg dpkg-query getcap setpriv getent jq timeout

status=$(dpkg-query -W -f='${db:Status-Status}' dsrcheck 2>/dev/null || true)
if [[ -n $status && $status != not-installed ]]; then
	echo "package.sh: a dsrcheck package is on this machine ($status): the test would replace and purge it; remove it first (dpkg --purge dsrcheck)" >&2
	exit 1
fi
HAD_USER=0
getent passwd dsrcheck >/dev/null && HAD_USER=1
HAD_STATE=0
[[ -e /var/lib/dsrcheck || -e /var/lib/private/dsrcheck ]] && HAD_STATE=1

INSTALLED=0
lab_test_stop_own() { if ((INSTALLED)); then dpkg --purge dsrcheck >/dev/null 2>&1 || true; fi; }
lab_test_start dsrcheck-package

# shellcheck source=tests/tap.sh
source "$ROOT/tests/tap.sh"

VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
DEB=dsrcheck_${VERSION}_$(dpkg --print-architecture).deb
EXAMPLES=/usr/share/doc/dsrcheck/examples

# ------------------------------------------------------------------- build, lint
rm -f "$DEB"
if make --no-print-directory deb >"$WORK/deb.log" 2>&1 && [[ -f $DEB ]]; then
	pass "make deb builds $DEB"
else
	fail "make deb builds $DEB" "$(tail -20 "$WORK/deb.log")"
	tap_summary
	exit
fi
# As root lintian says so on stderr; the tags go to stdout.
lintian --fail-on error,warning "$DEB" >"$WORK/lintian.out" 2>"$WORK/lintian.err" && rc=0 || rc=$?
assert "lintian: no error and no warning" "rc=$rc $(cat "$WORK/lintian.out" "$WORK/lintian.err")" \
	bash -c "[[ $rc -eq 0 ]] && ! grep -qE '^[EW]: ' '$WORK/lintian.out'"
depends=$(dpkg-deb -f "$DEB" Depends)
assert "Depends names the shared libraries (libpcap, libnet)" "Depends: $depends" \
	bash -c "[[ '$depends' == *libpcap* && '$depends' == *libnet* ]]"

# ---------------------------------------------------------------------- install
INSTALLED=1
if dpkg -i "$DEB" >"$WORK/install.log" 2>&1; then
	pass "dpkg -i $DEB"
else
	fail "dpkg -i $DEB" "$(tail -20 "$WORK/install.log")"
fi
dpkg -L dsrcheck 2>/dev/null | while read -r f; do [[ -d $f ]] || echo "$f"; done >"$WORK/files"

missing=""
for f in /usr/sbin/dsrcheck /usr/sbin/dsrcheck-ldirectord /usr/share/man/man8/dsrcheck.8.gz \
	/usr/share/man/man8/dsrcheck-ldirectord.8.gz /usr/share/bash-completion/completions/dsrcheck \
	/lib/systemd/system/dsrcheck-audit.service /lib/systemd/system/dsrcheck-audit.timer \
	/lib/systemd/system/dsrcheck-watch.service "$EXAMPLES/dsrcheck.ini" \
	"$EXAMPLES/dsrcheck-alerts.yml" "$EXAMPLES/dsrcheck-alerts.test.yml"; do
	[[ -e $f ]] || missing+=" $f"
done
assert "binary, helper, man pages, completion, units, examples installed" "missing:$missing" \
	test -z "$missing"
bad=""
for u in dsrcheck-audit.service dsrcheck-watch.service; do
	grep -q '^ExecStart=/usr/sbin/dsrcheck ' "/lib/systemd/system/$u" &&
		grep -qx 'User=dsrcheck' "/lib/systemd/system/$u" || bad+=" $u"
done
assert "the services run /usr/sbin/dsrcheck as User=dsrcheck" "wrong:$bad" test -z "$bad"
enabled=$(find /etc/systemd/system -name 'dsrcheck*' 2>/dev/null)
assert "no unit enabled" "$enabled" test -z "$enabled"
helper=$(grep -c '/usr/local/' /usr/sbin/dsrcheck-ldirectord || true)
assert "dsrcheck-ldirectord names /usr/sbin/dsrcheck" "/usr/local/ $helper times" test "$helper" -eq 0

caps=$(getcap /usr/sbin/dsrcheck 2>&1)
assert "postinst set cap_net_admin,cap_net_raw=ep" "getcap: $caps" \
	bash -c "[[ '$caps' == *' cap_net_admin,cap_net_raw=ep' ]]"
user=$(getent passwd dsrcheck || true)
assert "postinst created the system user dsrcheck (no login, no home)" "passwd: $user" \
	bash -c "[[ '$user' == *:/nonexistent:/usr/sbin/nologin && \$(cut -d: -f3 <<<'$user') -lt 1000 ]]"
version=$(/usr/sbin/dsrcheck --version | head -1)
assert_eq "the installed dsrcheck --version" "dsrcheck $VERSION" "$version"

# --------------------------------------------------------- audit, as dsrcheck
# The example configuration describes the lab's deployment.
if bash "$LAB" up healthy >"$WORK/lab.log" 2>&1; then
	out=$(timeout 60 ip netns exec dsrlab-client setpriv --reuid=dsrcheck --regid=dsrcheck --clear-groups \
		/usr/sbin/dsrcheck -q -c "$EXAMPLES/dsrcheck.ini" -f json 2>"$WORK/audit.err") && rc=0 || rc=$?
	assert "installed dsrcheck as user dsrcheck, file capabilities only: healthy lab passes (exit 0)" \
		"rc=$rc $(head -c 400 "$WORK/audit.err") $(head -c 300 <<<"$out")" \
		bash -c "[[ $rc -eq 0 ]] && jq -e '.verdict == \"pass\"' >/dev/null <<<'$out'"
else
	fail "lab up healthy" "$(tail -5 "$WORK/lab.log")"
fi

# ------------------------------------------------------------------------ purge
# What the audit unit's StateDirectory= makes when it runs, made here as systemd would
# for the static user.
if ((!HAD_STATE)); then
	install -d -o dsrcheck -g dsrcheck -m 0755 /var/lib/dsrcheck
	echo '{}' >/var/lib/dsrcheck/last.json
fi
if dpkg --purge dsrcheck >"$WORK/purge.log" 2>&1; then
	INSTALLED=0
	pass "dpkg --purge dsrcheck"
else
	fail "dpkg --purge dsrcheck" "$(tail -20 "$WORK/purge.log")"
fi
status=$(dpkg-query -W -f='${db:Status-Status}' dsrcheck 2>/dev/null || true)
assert "dpkg knows nothing of dsrcheck" "status: $status" bash -c "[[ -z '$status' || '$status' == not-installed ]]"
left=$(while read -r f; do [[ ! -e $f && ! -L $f ]] || echo "$f"; done <"$WORK/files")
assert "none of the package's $(wc -l <"$WORK/files") files left" "$left" test -z "$left"
if ((HAD_USER)); then
	assert "the dsrcheck user that was there before is kept" "" getent passwd dsrcheck
else
	left=$(getent passwd dsrcheck; getent group dsrcheck) || true
	assert "no dsrcheck user or group left" "$left" test -z "$left"
fi
if ((!HAD_STATE)); then
	left=$(ls -d /var/lib/dsrcheck /var/lib/private/dsrcheck 2>/dev/null || true)
	assert "no state directory left" "$left" test -z "$left"
fi
left=$(find /etc/systemd /var/lib/systemd -name '*dsrcheck*' 2>/dev/null)
assert "no unit state left (deb-systemd-helper, /etc/systemd)" "$left" test -z "$left"

tap_summary
