# NES mail robot.  `make` builds build/robot; `make test` installs what the
# tests need, builds, and runs every test; `make demo` shows the robot on a
# throwaway local mail server.  BUILD=dir keeps a second build apart
# (e.g. BUILD=build-asan SANITIZE=1).

BUILD    ?= build
PKGS     := libetpan libcurl libpcre2-8 sqlite3 gnutls libxml-2.0 libzip inih
CC       ?= cc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
	    -Wstrict-prototypes -Wno-unused-parameter
CPPFLAGS += $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -Irobot
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lm
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
endif

SRCS     := $(wildcard robot/*.c)
OBJS     := $(SRCS:robot/%.c=$(BUILD)/obj/%.o)
LIBOBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNITSRC  := $(wildcard tests/unit/test_*.c)
UNITBIN  := $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)

# Debian 12 packages the robot, its tests and its demo need.
DEBS := build-essential pkg-config libetpan-dev libcurl4-gnutls-dev \
	libpcre2-dev libsqlite3-dev libgnutls28-dev libxml2-dev libzip-dev \
	libinih-dev libunistring-dev libcmocka-dev sqlite3 zip \
	dovecot-imapd dovecot-lmtpd dovecot-submissiond msmtp-mta openssl \
	python3 ca-certificates tzdata

.PHONY: all test unit e2e demo deps clean check-src

all: $(BUILD)/robot

$(BUILD)/robot: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: robot/%.c $(wildcard robot/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBOBJS) $(LDFLAGS) \
		$(LDLIBS) -lcmocka

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# Installs only what is missing, so a second run does not touch apt.
deps:
	@missing=$$(for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $$missing; \
	fi

unit: $(UNITBIN)

test: deps
	$(MAKE) all unit
	BUILD=$(BUILD) tests/run

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/demo/run

# Unbounded string functions are not used in this tree (style.md).
check-src:
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|gets)\s*\(' \
		robot/*.c || { echo "unbounded string call above"; exit 1; }

clean:
	rm -rf $(BUILD)

# test tools
PROBEOBJS := $(patsubst %,$(BUILD)/obj/%.o,imap mem buf log \
	$(if $(wildcard robot/cfg.c),cfg))

$(BUILD)/tests/imap_probe: tests/tools/imap_probe.c $(PROBEOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(PROBEOBJS) $(LDFLAGS) $(LDLIBS)

SMTPPROBEOBJS := $(patsubst %,$(BUILD)/obj/%.o,smtp compose tmpl mem buf log)

$(BUILD)/tests/smtp_probe: tests/tools/smtp_probe.c $(SMTPPROBEOBJS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(SMTPPROBEOBJS) $(LDFLAGS) $(LDLIBS)
