# NES mail robot.  `make` builds build/robot; `make test` installs what the
# tests need, builds, and runs every test; `make demo` shows the robot on a
# throwaway local mail server.  BUILD=dir keeps a second build apart
# (e.g. BUILD=build-asan SANITIZE=1).  `make install` (PREFIX, DESTDIR)
# installs the robot, its data, its man page and its systemd unit.

BUILD    ?= build
PKGS     := libetpan libcurl libpcre2-8 sqlite3 gnutls libxml-2.0 libzip inih \
	    libxxhash
# The OAuth 2.0 token endpoint answers in JSON (robot/oauth2.c).
PKGS     += jansson
CC       ?= cc
CFLAGS   ?= -O2 -g
CFLAGS   += -pthread -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
	    -Wstrict-prototypes -Wno-unused-parameter
# Loaded at their first use (robot/lazy.h), not linked: their headers
# only, and the robot starts without mapping them and what they pull in.
LAZYPKGS := libcurl libxml-2.0 libzip
CPPFLAGS += $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -Irobot
LDLIBS   += $(shell pkg-config --libs $(filter-out $(LAZYPKGS),$(PKGS)) \
	    2>/dev/null) -lunistring -lm -pthread
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
endif

# Where `make install` puts things; DESTDIR is put in front of each (for
# packaging) but not compiled in.
PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR  ?= $(PREFIX)/sbin
DATADIR  ?= $(PREFIX)/share/nes-robot
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/nes-robot
UNITDIR  ?= $(PREFIX)/lib/systemd/system

SRCS     := $(wildcard robot/*.c)
OBJS     := $(SRCS:robot/%.c=$(BUILD)/obj/%.o)
LIBOBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNITSRC  := $(wildcard tests/unit/test_*.c)
UNITBIN  := $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)

# Debian 12 packages the robot, its tests and its demo need.
DEBS := build-essential pkg-config libetpan-dev libcurl4-gnutls-dev \
	libpcre2-dev libsqlite3-dev libgnutls28-dev libxml2-dev libzip-dev \
	libinih-dev libunistring-dev libxxhash-dev libcmocka-dev sqlite3 zip \
	dovecot-imapd dovecot-lmtpd dovecot-submissiond msmtp-mta openssl \
	python3 ca-certificates tzdata clang libclang-rt-14-dev valgrind \
	groff-base
DEBS += libjansson-dev
BENCH_DEBS := isync imapfilter curl python3-aiosmtpd

.PHONY: all test unit e2e demo deps bench-deps clean check-src bench fuzz \
	fuzz-build valgrind install uninstall layers FORCE

all: $(BUILD)/robot

$(BUILD)/robot: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: robot/%.c $(wildcard robot/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# test_limits makes zip archives with libzip itself.
$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBOBJS) $(LDFLAGS) \
		$(LDLIBS) -lcmocka $(if $(filter test_limits,$*),-lzip)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/install:
	mkdir -p $@

# The data directory (rules/, templates/, rules/holidays.txt) is compiled
# into robot/cfg_datadir.c alone: the source tree for $(BUILD)/robot, so
# that it runs from anywhere in the tree, and $(DATADIR) for the installed
# robot, $(BUILD)/install/robot, which shares every other object.  Each
# *.datadir file holds the directory its object was built for and changes
# only when that does (the tree moved, another PREFIX).
$(BUILD)/obj/cfg_datadir.o: $(BUILD)/obj/tree.datadir
$(BUILD)/obj/cfg_datadir.o: CPPFLAGS += -DROBOT_DATADIR='"$(CURDIR)"'

$(BUILD)/install/cfg_datadir.o: robot/cfg_datadir.c $(wildcard robot/*.h) \
    $(BUILD)/install/install.datadir | $(BUILD)/install
	$(CC) $(CPPFLAGS) -DROBOT_DATADIR='"$(DATADIR)"' $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/tree.datadir: FORCE | $(BUILD)/obj
	@echo '$(CURDIR)' | cmp -s - $@ || echo '$(CURDIR)' >$@

$(BUILD)/install/install.datadir: FORCE | $(BUILD)/install
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@

FORCE:

$(BUILD)/install/robot: $(filter-out $(BUILD)/obj/cfg_datadir.o,$(OBJS)) \
    $(BUILD)/install/cfg_datadir.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The installed paths, put into the unit and the man page, which name the
# default PREFIX's.
INSTALL_SED := -e 's|/usr/local/sbin/robot|$(SBINDIR)/robot|g' \
	-e 's|/usr/local/share/nes-robot|$(DATADIR)|g' \
	-e 's|/usr/local/share/doc/nes-robot|$(DOCDIR)|g'
DATA_RULES := $(wildcard rules/*)
DATA_TMPL  := $(wildcard templates/*)

# Never writes to /etc: the config is the administrator's (README,
# "Installing"); config.example.ini goes to $(DOCDIR) to start it from.
install: $(BUILD)/install/robot
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(BUILD)/install/robot $(DESTDIR)$(SBINDIR)/robot
	install -m 644 $(DATA_RULES) $(DESTDIR)$(DATADIR)/rules
	install -m 644 $(DATA_TMPL) $(DESTDIR)$(DATADIR)/templates
	sed $(INSTALL_SED) config.example.ini \
		>$(BUILD)/install/config.example.ini
	install -m 644 $(BUILD)/install/config.example.ini $(DESTDIR)$(DOCDIR)
	sed $(INSTALL_SED) dist/robot.8 >$(BUILD)/install/robot.8
	install -m 644 $(BUILD)/install/robot.8 $(DESTDIR)$(MANDIR)/man8
	sed $(INSTALL_SED) dist/nes-robot.service \
		>$(BUILD)/install/nes-robot.service
	install -m 644 $(BUILD)/install/nes-robot.service \
		$(DESTDIR)$(UNITDIR)

# Removes what install put there, and the directories it made for the
# robot alone when they are left empty; the config and the database stay.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/robot $(DESTDIR)$(MANDIR)/man8/robot.8 \
		$(DESTDIR)$(UNITDIR)/nes-robot.service \
		$(DESTDIR)$(DOCDIR)/config.example.ini \
		$(DATA_RULES:%=$(DESTDIR)$(DATADIR)/%) \
		$(DATA_TMPL:%=$(DESTDIR)$(DATADIR)/%)
	rmdir $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/templates \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null || true

# Installs only what is missing of the packages $(1), so a second run does
# not touch apt.
define install_missing
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEBS))

# The peers the benchmark measures the robot against (curl: the floor of a
# poll with nothing new, a login and a log-out), and python3-aiosmtpd: the
# SMTP server that stores the mail of the poll it measures.
bench-deps: deps
	$(call install_missing,$(BENCH_DEBS))

unit: $(UNITBIN)

test: deps
	$(MAKE) all unit
	BUILD=$(BUILD) tests/run

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/demo/run

# Figures against mbsync and imapfilter on one generated mailbox (not part
# of `make test`; BENCH_BIG=1 adds the 100,000-message mailbox).  Built
# with the default CFLAGS (-O2).
bench: bench-deps
	$(MAKE) all $(BUILD)/tests/rulebench
	BUILD=$(BUILD) tests/bench/run

$(BUILD)/tests/rulebench: tests/bench/rulebench.c $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

# Unbounded string functions are not used in this tree (style.md), nor
# the locale's case (a Turkish locale folds 'I' to 'ı'): ascii.h.
check-src:
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|gets)\s*\(' \
		robot/*.c || { echo "unbounded string call above"; exit 1; }
	@! grep -nE '\b(str(n?casecmp|casestr)|to(lower|upper))\s*\(' \
		robot/*.c robot/*.h | grep -v '^[^:]*:[0-9]*: \*' || \
		{ echo "locale-dependent case above: use ascii.h"; exit 1; }

# A module includes only modules of lower layers (README, "Module map").
layers:
	@python3 tests/layers.py

clean:
	rm -rf $(BUILD)

# test tools
PROBEOBJS := $(patsubst %,$(BUILD)/obj/%.o,imap imap_fetch imap_queue \
	imap_resp imap_body mem buf log tckn ascii \
	$(if $(wildcard robot/cfg.c),cfg cfg_datadir))
# The login with an access token: AUTHENTICATE and the token endpoint.
PROBEOBJS += $(patsubst %,$(BUILD)/obj/%.o,imap_auth oauth2 oauth2_file lazy)

$(BUILD)/tests/imap_probe: tests/tools/imap_probe.c $(PROBEOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(PROBEOBJS) $(LDFLAGS) $(LDLIBS)

SMTPPROBEOBJS := $(patsubst %,$(BUILD)/obj/%.o,smtp compose charset span mail tmpl mem buf \
	log tckn ascii cfg cfg_datadir)
SMTPPROBEOBJS += $(patsubst %,$(BUILD)/obj/%.o,oauth2 oauth2_file lazy)

$(BUILD)/tests/smtp_probe: tests/tools/smtp_probe.c $(SMTPPROBEOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(SMTPPROBEOBJS) $(LDFLAGS) $(LDLIBS)

# Fuzzing (tests/fuzz/): libFuzzer targets built with clang and ASan+UBSan
# into $(FUZZ_BUILD), apart from the gcc build.  `make fuzz` runs each for
# FUZZ_SECONDS; tests/e2e/test_fuzz.sh runs them briefly in `make test`.
# UBSan does not recover, so undefined behaviour is a crash libFuzzer saves.
FUZZ_BUILD   ?= $(BUILD)-fuzz
FUZZ_SECONDS ?= 60
FUZZCC       ?= clang
# (clang's -Wformat=2 also flags buf_vprintf passing its va_list on.)
FUZZCFLAGS   := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow \
	-Wformat=2 -Wno-format-nonliteral -Wstrict-prototypes \
	-Wno-unused-parameter \
	-fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
FUZZOBJS     := $(patsubst robot/%.c,$(FUZZ_BUILD)/obj/%.o, \
	$(filter-out robot/main.c,$(SRCS)))
FUZZBINS     := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%, \
	$(wildcard tests/fuzz/fuzz_*.c))
# clang does not take gcc's -specs= that libetpan's pkg-config adds.
FUZZLIBS     := $(filter-out -specs=%,$(LDLIBS))

fuzz-build: $(FUZZBINS)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_BUILD)

$(FUZZ_BUILD)/obj/%.o: robot/%.c $(wildcard robot/*.h) | $(FUZZ_BUILD)/obj
	$(FUZZCC) $(CPPFLAGS) $(FUZZCFLAGS) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

$(FUZZBINS): $(FUZZ_BUILD)/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZOBJS)
	$(FUZZCC) $(CPPFLAGS) $(FUZZCFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZOBJS) $(FUZZLIBS)

$(FUZZ_BUILD)/obj:
	mkdir -p $@

$(FUZZ_BUILD)/obj/cfg_datadir.o: $(BUILD)/obj/tree.datadir
$(FUZZ_BUILD)/obj/cfg_datadir.o: CPPFLAGS += -DROBOT_DATADIR='"$(CURDIR)"'

# The end-to-end story with the robot under valgrind (tests/valgrind.sh).
valgrind: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/valgrind.sh
