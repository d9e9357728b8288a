#!/bin/bash
# test_demo.sh: `make demo` shows what it promises.  Runs tests/demo/run
# and checks its output: the four stages, then five weeks in which the
# robot sends reminders (the last ones marked), escalations, the Monday
# digests and the unit heads' own, and the person's last reminder and
# BİDB's last digest as they arrived in their mailboxes.  Run from the
# repository root; BUILD names the build directory.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
. tests/lib/check.sh

[ -x "$BUILD/robot" ] || make -s BUILD="$BUILD" "$BUILD/robot" >/dev/null || {
	echo "not ok - build $BUILD/robot"
	exit 1
}
T=$(mktemp -d "${TMPDIR:-/tmp}/nr-demo-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

BUILD=$BUILD tests/demo/run >"$T/out" 2>&1
check_eq "the demo runs to its end" 0 "$?"
o=$T/out
check "it plays the four stages" grep -q "^== Stage 4, " "$o"
check "it shows where everything stands" grep -q "^VAKALAR" "$o"
check "weeks pass" grep -q "^== Five weeks pass" "$o"
check "a unit head is reminded" grep -qE \
    "^    [0-9.]+  reminder +hasan.koc@example.edu.tr +\[BYS #48520\]" "$o"
check "... the last time saying so" grep -qE \
    "^    [0-9.]+  LAST reminder +hasan.koc@.*\(son hatırlatma\)$" "$o"
check "the person is reminded, the unit head in Cc from the 2nd" grep -qE \
    "^    [0-9.]+  reminder +elif.kara@example.edu.tr, me" "$o"
check "BİDB is reminded to follow Kamu SM up" grep -qE \
    "^    [0-9.]+  reminder +bidb@.*NES sertifika gönderimi görülmedi" "$o"
check "an escalation" grep -qE \
    "^    [0-9.]+  ESCALATION +bidb@.*\[BYS #48520\] NES yenileme ilerlemiyor" \
    "$o"
check_eq "a digest every Monday of the five weeks" 5 \
    "$(grep -cE '^    [0-9.]+  digest +bidb@' "$o")"
check "the unit heads' digests" grep -qE \
    "^    [0-9.]+  unit head digest mehmet.karaca@" "$o"
sed -n "/^== Elif Kara's last reminder/,/^== BİDB/p" "$o" >"$T/elif"
check "the last reminder as it arrived: replies reach BİDB" grep -q \
    "^    Reply-To: BİDB <bidb@example.edu.tr>, NES Yenileme Robotu" \
    "$T/elif"
check "... with the Online İşlemler link" grep -q \
    "Online İşlemler: https://onlineislemler.kamusm.gov.tr/landing" \
    "$T/elif"
check "... saying it is the last" grep -q "3. ve son hatırlatmadır" "$T/elif"
sed -n "/^== BİDB's last weekly digest/,\$p" "$o" >"$T/digest"
check "the last digest as it arrived: escalated cases marked" grep -q \
    "! Hatırlatmalar sonuçsuz kaldı: 06.01.2027 tarihinde BİDB'ye devredildi." \
    "$T/digest"
check "... cases waiting on Kamu SM shown as such" grep -q \
    "Kamu SM'de bekliyor (takip: BİDB)" "$T/digest"
check "... the request without a form in the unit table" grep -q \
    "Fen Fakültesi: 0 kayıt, 1 talep formu bekleniyor" "$T/digest"
check "no poll failed" bash -c "! grep -q 'poll failed' $o"

check_done
