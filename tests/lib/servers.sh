# servers.sh: a private Dovecot (IMAP, IMAPS, LMTP) and an msmtpd SMTP
# server on 127.0.0.1, for the e2e tests and the demo.  Source it, then:
#
#	servers_start "$(mktemp -d /tmp/nr.XXXXXX)" robot@example.edu.tr ...
#	servers_append robot@example.edu.tr INBOX tests/fixtures/x.eml
#	    (stamped as the institution's MX does: servers_stamp)
#	servers_write_config "$SRV_DIR/robot.ini" robot@example.edu.tr
#	...
#	(servers_stop runs on exit)
#
# Everything lives under one directory: config, TLS files, state, logs,
# maildirs.  Ports are picked free at start, so several scripts can run at
# once.  Processes are stopped by their PID files, never by name.
#
# SRV_KEEP=1 keeps DIR after the stop.
#
# Exports: SRV_DIR SRV_IMAPS_PORT SRV_IMAP_PORT SRV_LMTP_PORT SRV_SMTP_PORT
# SRV_CA SRV_WRONG_CA SRV_DOVECOT_CONF SRV_PASSWORD.  Every user's password
# is $SRV_PASSWORD unless given otherwise to servers_add_user: a word found
# nowhere else, so tests/run can look for it in everything the tests wrote.

SRV_PASSWORD=${SRV_PASSWORD:-Nes-Pw4f9K2x}
export SRV_PASSWORD

# Prints N distinct free TCP ports on 127.0.0.1, one a line.
_srv_free_ports() {
	python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

# Waits up to 15 s until 127.0.0.1:PORT accepts a connection.
_srv_wait_port() {
	local i
	for i in $(seq 150); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "servers: port $1 did not open" >&2
	return 1
}

# A daemon that exited stays a zombie until init reaps it, and kill -0
# still finds it: only a live process counts.
_srv_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# Waits up to 10 s for PID to exit, then kills it hard.
_srv_kill_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		_srv_alive "$pid" || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

_srv_make_tls() {
	local d=$SRV_DIR/tls
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		# EC keys: quick to make, and the tests make many.
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout ca.key -out ca.pem -days 3650 \
		    -subj "/CN=NES Robot Test CA" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout wrong-ca.key -out wrong-ca.pem -days 3650 \
		    -subj "/CN=Unrelated Test CA" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout server.key -out server.csr \
		    -subj "/CN=localhost" &&
		printf '%s\n' \
		    "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		    "basicConstraints=CA:FALSE" \
		    "keyUsage=critical,digitalSignature,keyEncipherment" \
		    "extendedKeyUsage=serverAuth" >server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -out server.pem -days 825 \
		    -extfile server.ext
	) >"$SRV_DIR/openssl.log" 2>&1 || {
		echo "servers: openssl failed, see $SRV_DIR/openssl.log" >&2
		return 1
	}
	cp "$d/ca.pem" "$SRV_DIR/ca.pem"
	cp "$d/wrong-ca.pem" "$SRV_DIR/wrong-ca.pem"
	chmod 600 "$d"/*.key
}

_srv_write_dovecot_conf() {
	local d=$SRV_DIR
	cat >"$SRV_DOVECOT_CONF" <<EOF
# Private test instance; everything under $d.
instance_name = nr-$(basename "$d")
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
info_log_path = $d/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$d/tls/server.pem
ssl_key = <$d/tls/server.key
mail_location = maildir:$d/mail/%u/Maildir
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
first_valid_gid = 8
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = no
mail_max_userip_connections = 100
postmaster_address = postmaster@example.edu.tr
hostname = mail.example.edu.tr
# No statistics: at shutdown the stats service goes first and every other
# process then waits 5 s for its handshake.
stats_writer_socket_path =
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$d/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $SRV_IMAP_PORT
  }
  # 127.0.0.2 too: the certificate does not name it, for the
  # wrong-host-name test.
  inet_listener imaps {
    address = 127.0.0.1, 127.0.0.2
    port = $SRV_IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $SRV_LMTP_PORT
  }
}
service auth {
  user = root
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
}

# servers_add_user NAME [PASSWORD]: NAME is a full address.  Dovecot reads
# the passwd-file again at most once a second, so after start this waits.
servers_add_user() {
	local name=$1 pass=${2:-$SRV_PASSWORD}
	printf '%s:{PLAIN}%s::::::\n' "$name" "$pass" >>"$SRV_DIR/passwd"
	if [ -f "$SRV_DIR/run/master.pid" ]; then
		# Also move the mtime so a same-second edit is noticed.
		sleep 1.1
		touch "$SRV_DIR/passwd"
	fi
}

servers_start_dovecot() {
	rm -rf "$SRV_DIR/run"
	mkdir -p "$SRV_DIR/run" "$SRV_DIR/state" "$SRV_DIR/mail"
	chown mail:mail "$SRV_DIR/mail"
	dovecot -c "$SRV_DOVECOT_CONF" || {
		echo "servers: dovecot did not start:" >&2
		tail -n 20 "$SRV_DIR/dovecot.log" >&2
		return 1
	}
	_srv_wait_port "$SRV_IMAPS_PORT" && _srv_wait_port "$SRV_IMAP_PORT" &&
	    _srv_wait_port "$SRV_LMTP_PORT"
}

servers_stop_dovecot() {
	local f=$SRV_DIR/run/master.pid pid i kids
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	# The master's children, listed before it goes: once it has gone they
	# belong to init, and an imap process left alive would keep serving
	# a client's connection as if the server had never stopped.
	kids=$(ps -o pid= --ppid "$pid")
	kill "$pid" 2>/dev/null
	# A login process that saw a bare TCP probe keeps the master waiting
	# about 6 s after SIGTERM; after a second, end the master's own
	# children so tests do not wait.
	for i in $(seq 10); do
		_srv_alive "$pid" || break
		sleep 0.1
	done
	for i in $kids; do
		kill -9 "$i" 2>/dev/null
	done
	_srv_kill_pid "$pid"
	rm -f "$f"
}

servers_start_smtp() {
	local lmtp="msmtp --protocol=lmtp --host=127.0.0.1"
	lmtp="$lmtp --port=$SRV_LMTP_PORT --remove-bcc-headers=off -f %F --"
	msmtpd --interface=127.0.0.1 --port="$SRV_SMTP_PORT" \
	    --log="$SRV_DIR/msmtpd.log" --command="$lmtp" \
	    </dev/null >>"$SRV_DIR/msmtpd.out" 2>&1 &
	echo $! >"$SRV_DIR/msmtpd.pid"
	_srv_wait_port "$SRV_SMTP_PORT"
}

servers_stop_smtp() {
	local f=$SRV_DIR/msmtpd.pid
	[ -f "$f" ] || return 0
	_srv_kill_pid "$(cat "$f")"
	rm -f "$f"
}

# Stops both servers (and the token server, when started); removes DIR
# too when servers_start made it, unless SRV_KEEP is set (to look at logs
# and maildirs afterwards).
servers_stop() {
	[ -n "${SRV_DIR:-}" ] || return 0
	servers_stop_oauth2
	servers_stop_smtp
	servers_stop_dovecot
	if [ -n "${SRV_MADE_DIR:-}" ] && [ -z "${SRV_KEEP:-}" ]; then
		rm -rf "$SRV_DIR"
		SRV_MADE_DIR=
	fi
}

# Ends a test script: stops the servers, removes their directory unless a
# check failed (then it is kept and named for a look), and prints the
# script's summary (check_done, tests/lib/check.sh).
servers_done() {
	if [ "$CHECK_FAILED" -eq 0 ]; then
		servers_stop
		rm -rf "$SRV_DIR"
	else
		SRV_KEEP=1 servers_stop
		echo "# kept for a look: $SRV_DIR"
	fi
	check_done
}

# Runs servers_stop on exit, before whatever EXIT trap was there.
# shellcheck disable=SC2120
servers_trap() {
	local prev
	prev=$(trap -p EXIT)
	if [ -n "$prev" ]; then
		eval "set -- $prev"
		prev=$3
	fi
	case $prev in
	*servers_stop*) return 0 ;;
	esac
	# shellcheck disable=SC2064
	trap "servers_stop${prev:+; $prev}" EXIT
}

# servers_start DIR [USER...]: creates DIR, the TLS files, the users (with
# password $SRV_PASSWORD), starts Dovecot and msmtpd, and stops them on exit.
servers_start() {
	local u ports
	SRV_DIR=$1
	shift
	SRV_MADE_DIR=
	# mktemp's empty directory counts as made here.
	if [ ! -d "$SRV_DIR" ] || [ -z "$(ls -A "$SRV_DIR")" ]; then
		SRV_MADE_DIR=1
	fi
	mkdir -p "$SRV_DIR" || return 1
	SRV_DIR=$(cd "$SRV_DIR" && pwd)
	# Dovecot's processes run as mail/dovecot/dovenull and must reach
	# their files below DIR.
	chmod 755 "$SRV_DIR"
	ports=$(_srv_free_ports 4) || return 1
	{
		read -r SRV_IMAPS_PORT
		read -r SRV_IMAP_PORT
		read -r SRV_LMTP_PORT
		read -r SRV_SMTP_PORT
	} <<<"$ports"
	SRV_CA=$SRV_DIR/ca.pem
	SRV_WRONG_CA=$SRV_DIR/wrong-ca.pem
	SRV_DOVECOT_CONF=$SRV_DIR/dovecot.conf
	export SRV_DIR SRV_IMAPS_PORT SRV_IMAP_PORT SRV_LMTP_PORT \
	    SRV_SMTP_PORT SRV_CA SRV_WRONG_CA SRV_DOVECOT_CONF

	_srv_make_tls || return 1
	: >"$SRV_DIR/passwd"
	for u in "$@"; do
		servers_add_user "$u"
	done
	_srv_write_dovecot_conf
	servers_trap
	servers_start_dovecot || return 1
	servers_start_smtp || return 1
}

# servers_start_oauth2: OAuth 2.0 on top of servers_start.  Starts the
# token server (tests/tools/token_server.py) in $SRV_DIR/oauth2, with
# HTTPS on 127.0.0.1 and the test CA's certificate, then restarts Dovecot
# with an oauth2 passdb that asks that server about each token (SASL
# XOAUTH2 and OAUTHBEARER, for IMAP and for the submission service, which
# relays to msmtpd).  Write $SRV_DIR/oauth2/settings.json first (see the
# token server).  Exports SRV_OAUTH2_DIR, SRV_TOKEN_URL (the server's
# base URL) and SRV_SUBMISSION_PORT.  Passwords keep working as before.
servers_start_oauth2() {
	local top i
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	SRV_OAUTH2_DIR=$SRV_DIR/oauth2
	mkdir -p "$SRV_OAUTH2_DIR"
	rm -f "$SRV_OAUTH2_DIR/port"
	python3 "$top/tests/tools/token_server.py" "$SRV_OAUTH2_DIR" \
	    "$SRV_DIR/tls/server.pem" "$SRV_DIR/tls/server.key" \
	    </dev/null >>"$SRV_OAUTH2_DIR/server.out" 2>&1 &
	echo $! >"$SRV_OAUTH2_DIR/server.pid"
	for i in $(seq 150); do
		[ -s "$SRV_OAUTH2_DIR/port" ] && break
		sleep 0.1
	done
	[ -s "$SRV_OAUTH2_DIR/port" ] || {
		echo "servers: the token server did not start" >&2
		return 1
	}
	SRV_TOKEN_URL=https://127.0.0.1:$(cat "$SRV_OAUTH2_DIR/port")
	SRV_SUBMISSION_PORT=$(_srv_free_ports 1)
	export SRV_OAUTH2_DIR SRV_TOKEN_URL SRV_SUBMISSION_PORT
	cat >"$SRV_DIR/dovecot-oauth2.conf.ext" <<EOF
introspection_mode = post
introspection_url = $SRV_TOKEN_URL/introspect
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
tls_ca_cert_file = $SRV_CA
EOF
	cat >>"$SRV_DOVECOT_CONF" <<EOF
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $SRV_DIR/dovecot-oauth2.conf.ext
}
protocols = imap lmtp submission
submission_relay_host = 127.0.0.1
submission_relay_port = $SRV_SMTP_PORT
submission_relay_trusted = yes
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $SRV_SUBMISSION_PORT
  }
}
EOF
	servers_stop_dovecot
	servers_start_dovecot && _srv_wait_port "$SRV_SUBMISSION_PORT"
}

servers_stop_oauth2() {
	local f=$SRV_DIR/oauth2/server.pid
	[ -f "$f" ] || return 0
	_srv_kill_pid "$(cat "$f")"
	rm -f "$f"
}

_srv_doveadm() {
	doveadm -c "$SRV_DOVECOT_CONF" "$@"
}

# servers_stamp FILE: FILE on stdout as the institution's MX would hand
# it on: with an Authentication-Results of mx.example.edu.tr (auth=pass
# for a sender of example.edu.tr, as after an authenticated submission;
# dkim, spf and dmarc pass for the From's domain otherwise; "none" when
# the From names no address) and that MX's Received below it, both on
# top.  In a real deployment every message reaches the robot's mailbox
# through that MX, and the robot believes no role without its stamp.  A
# message that already carries an Authentication-Results of
# mx.example.edu.tr is a trust fixture and comes out as written.  The
# stamp is the same bytes every time, so a file stamped twice is still
# one message to the ledger.
servers_stamp() {
	LC_ALL=C awk '
	function out(s) { printf "%s%s\n", s, eol }
	function stamp(   a, d, n, i, w) {
		a = from
		if (a ~ /</) {
			sub(/.*</, "", a)
			sub(/>.*/, "", a)
		} else {
			n = split(a, w, /[ \t]+/)
			a = ""
			for (i = 1; i <= n; i++)
				if (w[i] ~ /@/) { a = w[i]; break }
		}
		gsub(/[ \t"]/, "", a)
		d = a
		sub(/.*@/, "", d)
		d = tolower(d)
		if (a !~ /.@./)
			out("Authentication-Results: mx.example.edu.tr; none")
		else if (d == "example.edu.tr" || d ~ /\.example\.edu\.tr$/)
			out("Authentication-Results: mx.example.edu.tr; " \
			    "auth=pass smtp.auth=" a)
		else
			out("Authentication-Results: mx.example.edu.tr; " \
			    "dkim=pass header.d=" d "; spf=pass " \
			    "smtp.mailfrom=" a "; dmarc=pass header.from=" d)
		out("Received: from mail.example.edu.tr " \
		    "(mail.example.edu.tr [192.0.2.25])")
		out("\tby mx.example.edu.tr (Postfix) with ESMTPS id " \
		    "4T2B9x0A1Bz1;")
		out("\tTue, 01 Dec 2026 09:00:00 +0300")
	}
	function flush(   i) {
		if (!stamped)
			stamp()
		for (i = 1; i <= nh; i++)
			print h[i]
		inhead = 0
	}
	BEGIN { inhead = 1; nh = 0; infrom = 0; from = ""; stamped = 0 }
	inhead {
		if (nh == 0)
			eol = /\r$/ ? "\r" : ""
		h[++nh] = $0
		line = $0
		sub(/\r$/, "", line)
		if (line == "") {
			flush()
			next
		}
		if (line ~ /^[ \t]/) {
			if (infrom)
				from = from " " line
			next
		}
		infrom = 0
		if (tolower(line) ~ /^from:/ && from == "") {
			from = substr(line, 6)
			infrom = 1
		}
		if (tolower(line) ~ \
		    /^authentication-results:[ \t]*mx\.example\.edu\.tr[ \t;]/)
			stamped = 1
		next
	}
	{ print }
	END { if (inhead) flush() }
	' "$1"
}

# servers_append USER FOLDER FILE...: stores each file, stamped as the
# institution's MX does (servers_stamp), as an unread message (no
# \Seen), creating FOLDER when missing.
servers_append() {
	_srv_append stamp "$@"
}

# servers_append_raw USER FOLDER FILE...: the same, each file exactly as
# it is (for tests of IMAP itself, which compare sizes).
servers_append_raw() {
	_srv_append raw "$@"
}

_srv_append() {
	local how=$1 user=$2 folder=$3 f
	shift 3
	if [ "$folder" != INBOX ] &&
	    ! _srv_doveadm mailbox status -u "$user" messages "$folder" \
	    >/dev/null 2>&1; then
		_srv_doveadm mailbox create -u "$user" "$folder" || return 1
	fi
	for f in "$@"; do
		if [ "$how" = raw ]; then
			_srv_doveadm save -u "$user" -m "$folder" <"$f"
		else
			servers_stamp "$f" |
			    _srv_doveadm save -u "$user" -m "$folder"
		fi || {
			echo "servers: cannot save $f for $user" >&2
			return 1
		}
	done
}

# servers_flags USER FOLDER: "UID FLAGS" per message, one a line.
servers_flags() {
	_srv_doveadm -f tab fetch -u "$1" "uid flags" mailbox "$2" |
	    tail -n +2
}

# servers_fetch_all USER FOLDER OUTDIR: writes every message of FOLDER to
# OUTDIR/1.eml, OUTDIR/2.eml, ... in UID order.  Prints the count.
servers_fetch_all() {
	local user=$1 folder=$2 out=$3 uid n=0
	mkdir -p "$out" || return 1
	for uid in $(_srv_doveadm -f tab fetch -u "$user" uid \
	    mailbox "$folder" | tail -n +2); do
		n=$((n + 1))
		# The pager formatter puts "text:" on a line of its own first.
		_srv_doveadm -f pager fetch -u "$user" text mailbox "$folder" \
		    uid "$uid" | sed -e '1{/^text:$/d}' >"$out/$n.eml"
	done
	echo "$n"
}

# servers_story NAME [USER...]: the servers with the story's people (and
# USERs) in $TMPDIR/nr-NAME.*, and $SRV_DIR/robot.ini for
# robot@example.edu.tr with the shipped rules, templates and holidays and
# SMTP without TLS.  Sets CONF, T (an empty scratch directory) and the
# array users (the story's people, as started).
servers_story() {
	local name=$1 top
	shift
	top=$(pwd)
	mapfile -t users <tests/fixtures/story/users.txt
	# The scripts check each person's mailbox in turn: an empty list
	# would pass those checks without making any.
	[ "${#users[@]}" -gt 0 ] || return 1
	servers_start "$(mktemp -d "${TMPDIR:-/tmp}/nr-$name.XXXXXX")" \
	    "${users[@]}" "$@" || return 1
	T=$SRV_DIR/t
	mkdir -p "$T"
	CONF=$SRV_DIR/robot.ini
	servers_write_config "$CONF" robot@example.edu.tr "[robot]" \
	    "rules_dir = $top/rules" "templates_dir = $top/templates" \
	    "holidays_file = $top/rules/holidays.txt"
	sed -i -e '/^\[smtp\]/a tls = none' "$CONF"
}

# servers_write_config FILE USER [LINE...]: a robot INI for this instance,
# believing the stamps of mx.example.edu.tr (what servers_append writes);
# each extra LINE is appended verbatim.
servers_write_config() {
	local file=$1 user=$2 line
	shift 2
	cat >"$file" <<EOF
[imap]
host = 127.0.0.1
port = $SRV_IMAPS_PORT
tls = imaps
ca_file = $SRV_CA
user = $user
password = $SRV_PASSWORD
folders = INBOX

[smtp]
url = smtp://127.0.0.1:$SRV_SMTP_PORT
from = robot@example.edu.tr

[database]
path = $SRV_DIR/robot.db

[institution]
domain = example.edu.tr
bidb = bidb@example.edu.tr
yazi_isleri = yaziisleri@example.edu.tr
bys = bys-destek@example.edu.tr
authserv_id = mx.example.edu.tr

[kamusm]
domains = kamusm.gov.tr, kamusm.bilgem.tubitak.gov.tr
EOF
	for line in "$@"; do
		printf '%s\n' "$line" >>"$file"
	done
	chmod 600 "$file"
}
