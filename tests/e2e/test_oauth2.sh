#!/usr/bin/env bash
# test_oauth2.sh: OAuth 2.0 mail accounts, end to end.
#
# Dovecot runs with an oauth2 passdb that asks a token server of the
# test's own (tests/tools/token_server.py, HTTPS on 127.0.0.1 with the
# test CA) about every token; its submission service authenticates with
# the same passdb and relays to msmtpd.  The robot gets its access tokens
# from that server's token endpoint with a refresh token, which the server
# rotates on every use.  Shown:
#
#   - a poll over IMAP with XOAUTH2, the weekly digest sent over SMTP
#     with XOAUTH2 through the submission service and delivered; one
#     access token serves both logins;
#   - the rotated refresh token replaces the file (mode 600) and the next
#     run, over IMAP and SMTP with OAUTHBEARER, uses it; the old one is
#     refused by the server from then on;
#   - an access token about to expire is not used again: a new one is
#     asked for;
#   - a token the server stops accepting (revoked, or expired early) is
#     refused at login: one new token, one more try, for SMTP in a poll
#     and for IMAP in `run` after a reconnect;
#   - the client_credentials grant with client_secret_file;
#   - a wrong client secret: a clear error, exit 1, nothing fetched, the
#     refresh token file untouched;
#   - no access token, refresh token or client secret in any output, log
#     or database (the -v logs included, where libetpan hands over the
#     AUTHENTICATE line).
#
# Run from anywhere; BUILD names the build directory (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROBOT=$BUILD/robot
USER_=robot@example.edu.tr
BIDB=bidb@example.edu.tr
CLIENT_ID=nes-robot-test
SECRET=Cs-9vQ2mXk-secret
RT0=rt-first-7Hq2wLp
TICKET=tests/fixtures/story/stage1/01-bys-ticket-48213.eml

. tests/lib/check.sh
. tests/lib/servers.sh

if [ ! -x "$ROBOT" ]; then
	echo "not ok - $ROBOT is built (run make first)"
	exit 1
fi

RPID=
stop_robot_on_exit() {
	if [ -n "$RPID" ] && kill -0 "$RPID" 2>/dev/null; then
		kill -9 "$RPID" 2>/dev/null
	fi
}
trap stop_robot_on_exit EXIT

servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-oauth.XXXXXX")" "$USER_" \
    "$BIDB" mehmet.karaca@example.edu.tr ||
    { echo "not ok - servers start"; exit 1; }
O=$SRV_DIR/oauth2
mkdir -p "$O"

# settings EXPIRES_IN MAX_USES: what the token server does from now on.
settings() {
	cat >"$O/settings.json" <<EOF
{"client_id": "$CLIENT_ID", "client_secret": "$SECRET",
 "user": "$USER_", "refresh_token": "$RT0",
 "expires_in": $1, "rotate": true, "max_uses": $2}
EOF
}
settings 3600 0
servers_start_oauth2 || { echo "not ok - the token server starts"; exit 1; }

# The refresh token lives in a directory of its own: the robot replaces
# the file there.
STATE=$SRV_DIR/robot-state
mkdir -p "$STATE"
chmod 700 "$STATE"
RTF=$STATE/refresh_token
printf '%s\n' "$RT0" >"$RTF"
chmod 600 "$RTF"

# conf NAME IMAP_AUTH SMTP_AUTH [LINE...]: $SRV_DIR/NAME.ini with its own
# database (so each poll is a first one and sends the week's digest),
# logging in with IMAP_AUTH and SMTP_AUTH, and [oauth2] with LINEs, or
# the good settings when none are given.
conf() {
	local name=$1 imap=$2 smtp=$3 f=$SRV_DIR/$1.ini
	shift 3
	if [ $# -eq 0 ]; then
		set -- "token_url = $SRV_TOKEN_URL/token" \
		    "client_id = $CLIENT_ID" "client_secret = $SECRET" \
		    "refresh_token_file = $RTF" "ca_file = $SRV_CA"
	fi
	servers_write_config "$f" "$USER_" "[oauth2]" "$@"
	sed -i -e '/^password = /d' -e "/^\[imap\]/a auth = $imap" \
	    -e "s|^path = .*|path = $SRV_DIR/$name.db|" \
	    -e "s|^url = .*|url = smtp://localhost:$SRV_SUBMISSION_PORT|" \
	    -e "/^\[smtp\]/a user = $USER_\nauth = $smtp\ntls = starttls\nca_file = $SRV_CA" \
	    "$f"
	echo "$f"
}

# poll NAME CONF [NOW]: robot -v poll; stdout in $SRV_DIR/NAME.out, the
# log in NAME.err, the exit code in NAME.rc.  A Monday after 09:00: the
# digest of the week is due.
poll() {
	ROBOT_NOW=${3:-2026-11-30T10:30:00+03:00} "$ROBOT" -v -c "$2" poll \
	    >"$SRV_DIR/$1.out" 2>"$SRV_DIR/$1.err"
	echo $? >"$SRV_DIR/$1.rc"
}

count() {	# count NAME: the token server's counter NAME
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$O/counts.json" "$1"
}

recorded() {	# recorded NAME: messages in NAME.db
	sqlite3 -batch -noheader "$SRV_DIR/$1.db" "SELECT count(*) FROM message"
}

logins() {	# logins SERVICE METHOD: Dovecot's count of such logins
	grep -c "$1-login: Info: Login: user=<$USER_>, method=$2," \
	    "$SRV_DIR/dovecot.log"
}

delivered() {	# delivered: messages in BİDB's INBOX
	servers_fetch_all "$BIDB" INBOX "$SRV_DIR/bidb.$RANDOM"
}

last_refresh_token() {
	grep '^rt-' "$O/issued" | tail -n 1
}

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

servers_append "$USER_" INBOX "$TICKET"

# --- XOAUTH2 for IMAP and SMTP -------------------------------------------

C=$(conf xoauth2 xoauth2 xoauth2)
poll xoauth2 "$C"
check_eq "a poll with XOAUTH2 exits 0" 0 "$(cat "$SRV_DIR/xoauth2.rc")"
check_eq "it fetched and recorded the message" 1 "$(recorded xoauth2)"
check_eq "Dovecot logged the robot in over IMAP with XOAUTH2" 1 \
    "$(logins imap XOAUTH2)"
check_eq "and over SMTP (submission) with XOAUTH2" 1 \
    "$(logins submission XOAUTH2)"
check_eq "the digest went through the submission service and arrived" 1 \
    "$(delivered)"
check_eq "one access token served both logins" "1 2" \
    "$(count refresh_token) $(count introspect_ok)"
check "the -v log shows the login hidden" \
    grep -qF "imap: > (LOGIN or AUTHENTICATE not logged)" \
    "$SRV_DIR/xoauth2.err"
check "and no AUTHENTICATE command" \
    bash -c "! grep -qE 'imap: > [0-9]+ AUTHENTICATE' '$SRV_DIR/xoauth2.err'"
check_eq "the rotated refresh token replaced the file" \
    "$(last_refresh_token)" "$(cat "$RTF")"
check_eq "which is still mode 600" 600 "$(stat -c %a "$RTF")"
check "the log says the file was replaced" grep -qF \
    "oauth2: the token endpoint issued a new refresh token; $RTF now holds it" \
    "$SRV_DIR/xoauth2.err"
check_eq "no temporary file is left beside it" "refresh_token" \
    "$(ls "$STATE")"

# --- OAUTHBEARER, with the refresh token the first run stored ------------

C=$(conf bearer oauthbearer oauthbearer)
poll bearer "$C"
check_eq "a poll with OAUTHBEARER exits 0" 0 "$(cat "$SRV_DIR/bearer.rc")"
check_eq "it recorded the message" 1 "$(recorded bearer)"
check_eq "IMAP login with OAUTHBEARER" 1 "$(logins imap OAUTHBEARER)"
check_eq "SMTP login with OAUTHBEARER" 1 \
    "$(logins submission OAUTHBEARER)"
check_eq "and its digest arrived" 2 "$(delivered)"
check_eq "the second run used the stored, rotated refresh token" "2 0" \
    "$(count refresh_token) $(count refused)"
check_eq "and stored the next one" "$(last_refresh_token)" "$(cat "$RTF")"

# The first refresh token is spent: a robot that had not stored the new
# one would be locked out now.
OLD=$STATE/old
mkdir -p "$OLD"
printf '%s\n' "$RT0" >"$OLD/refresh_token"
chmod 600 "$OLD/refresh_token"
C=$(conf old xoauth2 xoauth2 "token_url = $SRV_TOKEN_URL/token" \
    "client_id = $CLIENT_ID" "client_secret = $SECRET" \
    "refresh_token_file = $OLD/refresh_token" "ca_file = $SRV_CA")
poll old "$C"
check_eq "the first refresh token, rotated away, no longer works" 1 \
    "$(cat "$SRV_DIR/old.rc")"
check "the error names invalid_grant and what to do" grep -qF \
    "refused the request: invalid_grant (refresh token rotated away); the refresh token is expired, revoked or already used: get a new one and put it in [oauth2] refresh_token_file" \
    "$SRV_DIR/old.err"

# --- an access token about to expire is not used again -------------------

settings 60 0
n0=$(count refresh_token)
C=$(conf expiry xoauth2 xoauth2)
poll expiry "$C"
check_eq "a poll with 60-second tokens exits 0" 0 \
    "$(cat "$SRV_DIR/expiry.rc")"
check_eq "a new token for SMTP: the IMAP one had under 2 minutes left" \
    2 $(($(count refresh_token) - n0))
check_eq "its digest arrived" 3 "$(delivered)"

# --- a kept token the server refuses: one refresh, one retry (SMTP) ------

settings 3600 1
n0=$(count refresh_token)
r0=$(count introspect_refused)
C=$(conf revoked xoauth2 xoauth2)
poll revoked "$C"
check_eq "a poll whose kept token is refused at SMTP exits 0" 0 \
    "$(cat "$SRV_DIR/revoked.rc")"
check "the log says the kept token was refused and renewed" grep -qF \
    "smtp: localhost refused the kept access token; asking the token endpoint for a new one" \
    "$SRV_DIR/revoked.err"
check_eq "the server refused one token, the robot asked for one more" \
    "1 2" "$(($(count introspect_refused) - r0)) $(($(count refresh_token) - n0))"
check_eq "and the digest arrived" 4 "$(delivered)"

# --- the same for IMAP, in run: expired while the robot was connected ----

settings 3600 0
C=$(conf run xoauth2 xoauth2)
LOG=$SRV_DIR/run.err
ROBOT_NOW=2026-11-30T10:30:00+03:00 "$ROBOT" -c "$C" run 2>"$LOG" &
RPID=$!
check "run connects with XOAUTH2" \
    wait_for 30 grep -qF "imap: connected; waiting in IDLE on INBOX" "$LOG"
# After its first poll and the digest: from then on only IMAP asks.
check "and sends the digest" wait_for 30 grep -qF "outbox: row 1 sent" "$LOG"
n0=$(count refresh_token)
curl -s --cacert "$SRV_CA" -d now=1 "$SRV_TOKEN_URL/expire" >/dev/null
kill -HUP "$RPID"	# a reload reconnects, with the kept token
check "at the reconnect the kept token is refused and renewed" \
    wait_for 30 grep -qF \
    "imap: 127.0.0.1 refused the kept access token; asking the token endpoint for a new one" \
    "$LOG"
check "and run connects again" \
    wait_for 30 eval '[ "$(grep -c "imap: connected" "$LOG")" -ge 2 ]'
check_eq "with one new token" 1 $(($(count refresh_token) - n0))
kill -TERM "$RPID"
wait_for 20 eval '! kill -0 "$RPID"'
wait "$RPID"
check_eq "run stops with exit 0" 0 "$?"
RPID=

# --- the client_credentials grant, the secret in a file ------------------

printf '%s\n' "$SECRET" >"$STATE/client_secret"
chmod 600 "$STATE/client_secret"
C=$(conf cc xoauth2 xoauth2 "token_url = $SRV_TOKEN_URL/token" \
    "grant = client_credentials" "client_id = $CLIENT_ID" \
    "client_secret_file = $STATE/client_secret" \
    "scope = https://outlook.office365.com/.default" "ca_file = $SRV_CA")
poll cc "$C"
check_eq "a poll with the client_credentials grant exits 0" 0 \
    "$(cat "$SRV_DIR/cc.rc")"
check_eq "it recorded the message" 1 "$(recorded cc)"
check_eq "with one client_credentials token" 1 "$(count client_credentials)"

# --- a wrong client secret -----------------------------------------------

n0=$(count refresh_token)
before=$(cat "$RTF")
C=$(conf wrong xoauth2 xoauth2 "token_url = $SRV_TOKEN_URL/token" \
    "client_id = $CLIENT_ID" "client_secret = not-the-secret" \
    "refresh_token_file = $RTF" "ca_file = $SRV_CA")
poll wrong "$C"
check_eq "a wrong client secret: exit 1" 1 "$(cat "$SRV_DIR/wrong.rc")"
check_eq "with a clear error" \
    "robot: oauth2: $SRV_TOKEN_URL/token refused the request: invalid_client (client authentication failed); check [oauth2] client_id and client_secret" \
    "$(grep '^robot: oauth2' "$SRV_DIR/wrong.err")"
check_eq "nothing fetched" "0 " \
    "$(recorded wrong) $(cat "$SRV_DIR/wrong.out")"
check_eq "no token issued, the refresh token file untouched" \
    "$n0 $before" "$(count refresh_token) $(cat "$RTF")"

# --- a token endpoint whose certificate is not trusted -------------------

C=$(conf untrusted xoauth2 xoauth2 "token_url = $SRV_TOKEN_URL/token" \
    "client_id = $CLIENT_ID" "client_secret = $SECRET" \
    "refresh_token_file = $RTF" "ca_file = $SRV_WRONG_CA")
poll untrusted "$C"
check_eq "a token endpoint signed by another CA: exit 1" 1 \
    "$(cat "$SRV_DIR/untrusted.rc")"
check "the error says it cannot ask it" \
    grep -qF "robot: oauth2: cannot ask $SRV_TOKEN_URL/token:" \
    "$SRV_DIR/untrusted.err"
check_eq "and no token was asked for" "$n0" "$(count refresh_token)"

# --- no secret anywhere ----------------------------------------------------

# Every token the server issued, the first refresh token and the client
# secret, looked for in everything written here but the files that hold
# them on purpose (the server's own, the configs, the refresh token and
# secret files): as they are, and inside base64 (a SASL response is).
printf '%s\n' "$SECRET" "$RT0" >"$O/secrets"
grep -v '^$' "$O/issued" >>"$O/secrets"
leaks() {
	python3 - "$SRV_DIR" "$O/secrets" <<'EOF'
import base64, os, re, stat, sys
root, listed = sys.argv[1], sys.argv[2]
secrets = [l.strip().encode() for l in open(listed) if l.strip()]
skip = {"issued", "secrets", "settings.json", "refresh_token",
        "client_secret"}
word = re.compile(rb"[A-Za-z0-9+/]{16,}")
for d, _, files in os.walk(root):
    for f in files:
        if f in skip or f.endswith(".ini"):
            continue
        p = os.path.join(d, f)
        if not stat.S_ISREG(os.lstat(p).st_mode):
            continue        # Dovecot's sockets and FIFOs
        data = open(p, "rb").read()
        texts = [data]
        for m in word.finditer(data):
            w = m.group()
            texts.append(base64.b64decode(w[:len(w) // 4 * 4]))
        if any(s in t for s in secrets for t in texts):
            print(p)
EOF
}
check_eq "no token or secret in any output, log or database" "" "$(leaks)"
check "the -v logs and Dovecot's log were among those read" \
    test -s "$SRV_DIR/xoauth2.err" -a -s "$SRV_DIR/dovecot.log"
echo "# $(wc -l <"$O/secrets") secrets looked for"

servers_done
