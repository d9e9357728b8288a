#!/bin/bash
# The SMTP module (compose + smtp_send) against real servers on loopback:
# a Turkish multipart message through msmtpd into Dovecot, read back and
# checked (subject decoded exactly, headers, both parts, the Cc copy);
# a refused recipient is permanent, a closed port temporary, plain text to
# a remote host refused; STARTTLS + AUTH through Dovecot's submission
# service, with certificate checks and no password in any error.  Run from
# the repository root; BUILD names the build directory (default build).
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
. tests/lib/check.sh
. tests/lib/servers.sh

PROBE=$BUILD/tests/smtp_probe
make -s BUILD="$BUILD" "$PROBE" >/dev/null || {
	echo "not ok - build $PROBE"
	exit 1
}

ROBOT=robot@example.edu.tr
AYSE=ayse@example.edu.tr
BIDB=bidb@example.edu.tr
servers_start "$(mktemp -d -t nr.XXXXXX)" "$ROBOT" "$AYSE" "$BIDB" || {
	echo "not ok - start mail servers"
	exit 1
}
T=$SRV_DIR/t
mkdir -p "$T"
SMTP=smtp://127.0.0.1:$SRV_SMTP_PORT

# probe NAME ARGS...: output in $T/NAME.out (result word) and .err.
probe() {
	local name=$1
	shift
	"$PROBE" "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
result() { cat "$T/$1.out"; }

# mailpy FILE EXPR: prints EXPR evaluated over the parsed message m.
mailpy() {
	python3 - "$1" "$2" <<'EOF'
import email, email.policy, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
def part(t):
    for p in m.walk():
        if p.get_content_type() == t:
            return p.get_content()
    return ""
print(eval(sys.argv[2]))
EOF
}

SUBJ="[NES-2026-0042] NES yenileme: başvurunuzu onaylamanız bekleniyor — İĞÜŞÖÇ ığüşöç, uzun bir konu satırı"
MID="nes.e2e.1@example.edu.tr"

# --- a Turkish multipart message, To + Cc, through msmtpd into Dovecot
probe send -H -t none -s "$SUBJ" -m "$MID" -C "$BIDB" -f "$ROBOT" \
    "$SMTP" "$AYSE"
check_eq "plain SMTP to loopback is accepted" OK "$(result send)"

n=$(servers_fetch_all "$AYSE" INBOX "$T/ayse")
check_eq "the To recipient got one message" 1 "$n"
n=$(servers_fetch_all "$BIDB" INBOX "$T/bidb")
check_eq "the Cc recipient got one message" 1 "$n"
M=$T/ayse/1.eml
check_eq "subject decodes to the exact Turkish text" "$SUBJ" \
    "$(mailpy "$M" 'str(m["subject"])')"
check_eq "Message-ID is the one given" "<$MID>" \
    "$(mailpy "$M" 'm["message-id"]')"
check_eq "Auto-Submitted: auto-generated" "auto-generated" \
    "$(mailpy "$M" 'm["auto-submitted"]')"
check_eq "X-Auto-Response-Suppress: All" "All" \
    "$(mailpy "$M" 'm["x-auto-response-suppress"]')"
check_eq "From display name decodes" \
    "BİDB NES Takip Robotu <$ROBOT>" "$(mailpy "$M" 'm["from"]')"
check_eq "To and Cc as sent" "Ayşe Yılmaz <$AYSE> | $BIDB" \
    "$(mailpy "$M" 'str(m["to"]) + " | " + str(m["cc"])')"
check_eq "multipart/alternative with text and html" \
    "multipart/alternative text/plain text/html" \
    "$(mailpy "$M" '" ".join(p.get_content_type() for p in m.walk())')"
check "text part decodes to the Turkish text" \
    grep -qF "ığüşöç İĞÜŞÖÇ" <(mailpy "$M" 'part("text/plain")')
check "a line holding one dot survives (dot-stuffing)" \
    grep -qx '\.' <(mailpy "$M" 'part("text/plain")')
check "html part holds the markup" \
    grep -qF "<b>Ayşe Yılmaz</b>" <(mailpy "$M" 'part("text/html")')
check "no header line longer than 78" \
    bash -c "sed '/^\r\?$/q' '$M' | awk 'length(\$0) > 79 { exit 1 }'"

# --- a rendered template goes through as well
probe tmpl -t none -k ack_unit_head.tmpl -d templates -m nes.e2e.2@example.edu.tr \
    -f "$ROBOT" "$SMTP" "$AYSE"
check_eq "a rendered template is sent" OK "$(result tmpl)"
servers_fetch_all "$AYSE" INBOX "$T/ayse2" >/dev/null
check_eq "template subject arrives decoded" \
    "[NES-2026-0042] NES yenileme formunuz alındı: Mühendislik Fakültesi" \
    "$(mailpy "$T/ayse2/2.eml" 'str(m["subject"])')"
check "template html escapes values" \
    grep -qF "geçersiz &lt;kontrol&gt;" \
    <(mailpy "$T/ayse2/2.eml" 'part("text/html")')

# --- a recipient the server refuses: permanent
probe unknown -t none -f "$ROBOT" "$SMTP" nobody@example.edu.tr
check_eq "unknown recipient gives SMTP_PERM" PERM "$(result unknown)"
check "the error carries the server's reply" grep -q '5[0-9][0-9]' \
    "$T/unknown.err"

# --- nobody listening: temporary
CLOSED=$(_srv_free_ports 1)
probe closed -t none -f "$ROBOT" "smtp://127.0.0.1:$CLOSED" "$AYSE"
check_eq "closed port gives SMTP_TEMP" TEMP "$(result closed)"

# --- plain text to a remote host is refused before connecting
probe remote -t none -f "$ROBOT" "smtp://192.0.2.1:25" "$AYSE"
check_eq "tls = none to a non-loopback host gives SMTP_CONFIG" CONFIG \
    "$(result remote)"
# A name of digits and dots that is no IPv4 address is looked up in the
# DNS like any name: not the loopback (the check of the config's).
probe dotted -t none -f "$ROBOT" "smtp://127.0.0.1.5:25" "$AYSE"
check_eq "tls = none to 127.0.0.1.5, a name, gives SMTP_CONFIG" CONFIG \
    "$(result dotted)"

# --- STARTTLS required, server without it: not sent, no plain fallback
probe nostarttls -t starttls -c "$SRV_CA" -f "$ROBOT" "$SMTP" "$AYSE"
check_eq "STARTTLS required but not offered: not sent" TEMP \
    "$(result nostarttls)"
n=$(servers_fetch_all "$AYSE" INBOX "$T/ayse3")
check_eq "nothing was delivered in plain text" 2 "$n"

# --- Dovecot submission: STARTTLS + AUTH, relaying to msmtpd
SUB_PORT=$(_srv_free_ports 1)
cat >>"$SRV_DOVECOT_CONF" <<EOF
protocols = imap lmtp submission
submission_relay_host = 127.0.0.1
submission_relay_port = $SRV_SMTP_PORT
submission_relay_trusted = yes
service submission-login {
  # 127.0.0.2 too: the certificate does not name it.
  inet_listener submission {
    address = 127.0.0.1, 127.0.0.2
    port = $SUB_PORT
  }
}
EOF
servers_stop_dovecot
if servers_start_dovecot && _srv_wait_port "$SUB_PORT"; then
	SUB=smtp://localhost:$SUB_PORT
	export PROBE_PASSWORD=$SRV_PASSWORD
	probe sub -t starttls -c "$SRV_CA" -u "$ROBOT" \
	    -m nes.e2e.3@example.edu.tr -f "$ROBOT" "$SUB" "$AYSE"
	check_eq "STARTTLS + AUTH with the right CA is accepted" OK \
	    "$(result sub)"
	n=$(servers_fetch_all "$AYSE" INBOX "$T/ayse4")
	check_eq "and delivered" 3 "$n"

	logins() { grep -c "submission-login: .*Login: user=<$ROBOT>" \
	    "$SRV_DIR/dovecot.log"; }
	before=$(logins)
	probe subrun -n 3 -t starttls -c "$SRV_CA" -u "$ROBOT" \
	    -f "$ROBOT" "$SUB" "$AYSE"
	check_eq "three messages in a run, each accepted" "OK OK OK" \
	    "$(tr '\n' ' ' <"$T/subrun.out" | sed 's/ $//')"
	n=$(servers_fetch_all "$AYSE" INBOX "$T/ayse5")
	check_eq "all three delivered" 6 "$n"
	check_eq "over one TLS connection and one login" $((before + 1)) \
	    "$(logins)"

	probe subca -t starttls -c "$SRV_WRONG_CA" -u "$ROBOT" \
	    -f "$ROBOT" "$SUB" "$AYSE"
	check_eq "a certificate from another CA is refused" TEMP \
	    "$(result subca)"
	probe subname -t starttls -c "$SRV_CA" -u "$ROBOT" \
	    -f "$ROBOT" "smtp://127.0.0.2:$SUB_PORT" "$AYSE"
	check_eq "a name the certificate lacks is refused" TEMP \
	    "$(result subname)"
	check "and the error says why" grep -qi "certificate" \
	    "$T/subname.err"

	export PROBE_PASSWORD=wrong-Pa55word
	probe subpw -t starttls -c "$SRV_CA" -u "$ROBOT" \
	    -f "$ROBOT" "$SUB" "$AYSE"
	check_eq "a refused login gives SMTP_CONFIG" CONFIG "$(result subpw)"
	check "the password is in no error text" \
	    bash -c "! grep -r 'Pa55word' '$T'/*.err"
else
	echo "not ok - start Dovecot with the submission service"
	CHECK_FAILED=$((CHECK_FAILED + 1))
fi

servers_done
