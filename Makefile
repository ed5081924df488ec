# resource_image: build, test, install.
#
#   make deps      install the Debian packages the build and tests need
#   make run       deps + build + start the tool system-wide
#   make           build build/resource_image
#   make unit      build and run the unit tests of core/ (no root, clang,
#                  bpftool or kernel BTF needed)
#   make test      every test (unit, probe against ground truth, TUI in tmux)
#   make bench     probe cost and per-refresh cost next to top and pidstat,
#                  recording next to atop, the TUI next to htop
#   make install   to $(DESTDIR)$(PREFIX) (default /usr/local), with the
#                  recorder's systemd unit (not enabled)
#   make deb       build/deb/resource_image_VERSION_ARCH.deb, lintian clean
#   make test-deb  the package installed, run and removed in a fresh Debian 12
#
# The pipeline: bpf/*.bpf.c -> build/*.bpf.o (clang -target bpf, CO-RE)
# -> build/*.skel.h (bpftool gen skeleton) -> core/sources/source_bpf.o; core/'s
# other files -> build/libricore.a (no libbpf, no curses); tui/ objects;
# all linked into the binary. The unit tests and the fuzzers link the same
# library, built with their own flags. V=1 shows the commands.

.DELETE_ON_ERROR:
.SECONDARY:

PREFIX ?= /usr/local
bindir = $(PREFIX)/bin
datadir = $(PREFIX)/share/resource_image
mandir = $(PREFIX)/share/man
unitdir = $(PREFIX)/lib/systemd/system
INSTALL ?= install

CC ?= cc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
BTF ?= /sys/kernel/btf/vmlinux

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')

OUT := build

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

NCURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
NCURSES_LIBS := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wno-unused-parameter
# Paths in debug info and BTF are relative to the tree: a binary carries no
# build path.
PREFIX_MAP := -ffile-prefix-map=$(CURDIR)=.
# core/ is in folders by concern; a file includes another's header by its
# name alone.
CORE_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard core/*/*.c core/*/*.h))))
CORE_INC := $(addprefix -I,$(CORE_DIRS))
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -I$(OUT) -Ibpf $(CORE_INC) $(PREFIX_MAP) \
	-DRI_DATADIR='"$(datadir)"' $(NCURSES_CFLAGS)
# libmicrohttpd is not linked but loaded by core/export/http.c when --listen asks
# for it (its GnuTLS costs every other run some 2 MiB resident): by the
# soname of the library found at build time, the ABI its headers describe.
MHD_SO := $(shell $(CC) -print-file-name=libmicrohttpd.so)
MHD_SONAME := $(or $(shell readelf -d $(MHD_SO) 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'),libmicrohttpd.so.12)
LIBS := -lbpf -lelf -lz -lzstd $(NCURSES_LIBS) -ldl -lpthread -lm

# The test build: sanitizers and warnings as errors.
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -Werror

# core/ as a library: everything but the BPF source, which needs the
# generated skeleton (and so clang and bpftool), and the HTTP server,
# which needs libmicrohttpd: the binary links core/export/http.c, builds without
# the library (the static binary, unit tests, fuzzers) core/http_none.c.
BPF_SRC := core/sources/source_bpf.c
HTTP_SRC := core/export/http.c
NO_HTTP_SRC := core/export/http_none.c
LIB_SRC := $(filter-out $(BPF_SRC) $(HTTP_SRC) $(NO_HTTP_SRC),$(wildcard core/*/*.c))
TUI_SRC := $(wildcard tui/*.c)
HDRS := $(wildcard core/*/*.h tui/*.h bpf/*.h)

LIB_OBJ := $(patsubst %.c,$(OUT)/%.o,$(LIB_SRC))
SAN_LIB_OBJ := $(patsubst %.c,$(OUT)/san/%.o,$(LIB_SRC))
APP_OBJ := $(patsubst %.c,$(OUT)/%.o,$(TUI_SRC) $(BPF_SRC) $(HTTP_SRC))
SAN_OBJ := $(patsubst %.c,$(OUT)/san/%.o,$(TUI_SRC) $(BPF_SRC) $(HTTP_SRC))
LIB := $(OUT)/libricore.a
SAN_LIB := $(OUT)/san/libricore.a
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(OUT)/unit/%,$(UNIT_SRC))
# What the unit tests link besides the library: the theme parser (pure C,
# from tui/), a stand-in for the BPF source and the server without HTTP.
UNIT_EXTRA := $(OUT)/san/tui/theme.o $(OUT)/san/tests/unit/no_bpf.o \
	$(OUT)/san/core/export/http_none.o

.PHONY: all deps deps-build deps-bench run test check unit unit-bins bench install uninstall \
	setcap clean screenshots workloads san lib golden deb test-deb deps-deb

all: $(OUT)/resource_image

$(OUT):
	$(Q)mkdir -p $@

$(OUT)/vmlinux.h: | $(OUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(BTF) format c > $@

$(OUT)/resource_image.bpf.o: bpf/resource_image.bpf.c bpf/resource_image.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) $(PREFIX_MAP) \
		-I$(OUT) -Ibpf -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUT)/resource_image.skel.h: $(OUT)/resource_image.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name resource_image_bpf > $@

# The same programs but the fall-back probes, for the kernel-side loader
# (a light skeleton: CO-RE done by the kernel, no BTF parsed in the tool).
$(OUT)/resource_image.lite.bpf.o: bpf/resource_image.bpf.c bpf/resource_image.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) -DRI_LITE \
		-I$(OUT) -Ibpf -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUT)/resource_image.lskel.h: $(OUT)/resource_image.lite.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton -L $< name ri_lite > $@

$(OUT)/core/export/http.o $(OUT)/san/core/export/http.o: BASE_CFLAGS += -DRI_MHD_SONAME='"$(MHD_SONAME)"'

# Only the BPF source includes the skeletons.
$(OUT)/core/sources/source_bpf.o $(OUT)/san/core/sources/source_bpf.o: $(OUT)/resource_image.skel.h \
	$(OUT)/resource_image.lskel.h

$(OUT)/%.o: %.c $(HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(OUT)/san/%.o: %.c $(HDRS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SAN_LIB): $(SAN_LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

lib: $(LIB)

$(OUT)/resource_image: $(APP_OBJ) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) $^ $(LIBS) -o $@

$(OUT)/san/resource_image: $(SAN_OBJ) $(SAN_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN_CFLAGS) $^ $(LIBS) -o $@

san: $(OUT)/san/resource_image

$(OUT)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(SAN_LIB) $(UNIT_EXTRA)
	$(call msg,UNIT,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(CORE_INC) -Itui -DRI_TEST_TREE='"$(abspath .)"' \
		$< $(UNIT_EXTRA) $(SAN_LIB) -lzstd -lpthread -lm -o $@

unit-bins: $(UNIT_BIN)

# Builds and runs the unit tests alone: plain C, no root, no BPF toolchain.
unit: unit-bins
	$(Q)RI_UNIT=$(abspath $(OUT))/unit bash tests/run.sh --unit

workloads:
	$(Q)$(MAKE) -s -C tests/workloads O=$(abspath $(OUT))/tests/workloads

# Long synthetic recordings for the seek benchmark, made on demand.
$(OUT)/tests/gen_recording: tests/record/gen_recording.c tests/unit/synth.h $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $< $(LIB) -lzstd -lpthread -lm -o $@

# Debian packages: what building and running need (make run), and what
# the tests, benchmarks and kernel matrix need on top (make test). Idempotent
# and quiet when everything is there.
DEPS_BUILD := clang llvm libbpf-dev libelf-dev zlib1g-dev libncurses-dev \
	pkg-config bpftool gcc make libmicrohttpd-dev libzstd-dev
DEPS_PKGS := $(DEPS_BUILD) tmux python3 procps sysstat util-linux strace \
	libclang-rt-14-dev libzstd-dev qemu-system-x86 busybox-static cpio \
	python3-pil fonts-dejavu-core debian-archive-keyring prometheus \
	openssh-server openssh-client

define install_missing
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		sudo= ; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null || exit 1; \
	fi
endef

deps:
	$(call install_missing,$(DEPS_PKGS))

# What make bench compares against besides top and pidstat: atop (the
# recorder's rival) and htop (the TUI's). atop's package starts a daemon
# that samples every process all day (atop.service, atopacct.service, a
# midnight restart from cron where systemd is not init) and would load the
# very CPUs the bench measures: the install runs under a policy-rc.d that
# forbids starting services, and afterwards the services are stopped and
# disabled and the cron restart commented out, every run (idempotent).
DEPS_BENCH := atop htop
ATOP_UNITS := atop.service atopacct.service atop-rotate.timer

deps-bench: deps
	@sudo= ; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	missing=$$(for p in $(DEPS_BENCH); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing "(services not started)"; \
		rc=/usr/sbin/policy-rc.d; own=; \
		if [ ! -e $$rc ]; then own=1; \
			printf '#!/bin/sh\nexit 101\n' | $$sudo tee $$rc >/dev/null; \
			$$sudo chmod 755 $$rc; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; st=$$?; \
		[ -z "$$own" ] || $$sudo rm -f $$rc; \
		[ $$st = 0 ] || exit 1; \
	fi; \
	if [ -d /run/systemd/system ]; then \
		$$sudo systemctl disable --now $(ATOP_UNITS) >/dev/null 2>&1; \
	fi; \
	for s in atop atopacct; do \
		[ -x /etc/init.d/$$s ] || continue; \
		$$sudo /etc/init.d/$$s stop >/dev/null 2>&1; \
		$$sudo update-rc.d $$s disable >/dev/null 2>&1; \
	done; \
	[ ! -f /etc/cron.d/atop ] || $$sudo sed -i 's/^\([^#].*atop\.daily\)/#\1/' \
		/etc/cron.d/atop; \
	true

deps-build:
	$(call install_missing,$(DEPS_BUILD))

run: deps-build
	$(Q)$(MAKE) -s all
	$(OUT)/resource_image $(ARGS)

unit: $(UNIT_BIN)

test check: deps
	$(Q)$(MAKE) -s all san unit-bins workloads fuzzers static
	$(Q)RI_BIN=$(abspath $(OUT))/san/resource_image \
		RI_WORKLOADS=$(abspath $(OUT))/tests/workloads \
		RI_UNIT=$(abspath $(OUT))/unit \
		bash tests/run.sh

bench: deps-bench
	$(Q)$(MAKE) -s all workloads $(OUT)/tests/gen_recording
	$(Q)RI_BIN=$(abspath $(OUT))/resource_image \
		RI_WORKLOADS=$(abspath $(OUT))/tests/workloads \
		python3 tests/bench/bench.py

# The golden screens of the replay tests (tests/tui/golden), written again
# after a deliberate change of the screen: review them with git diff.
golden: all
	$(Q)RI_BIN=$(abspath $(OUT))/resource_image RI_GOLDEN_UPDATE=1 \
		python3 tests/tui/test_replay_golden_screens.py

screenshots: deps
	$(Q)$(MAKE) -s all workloads
	$(Q)RI_BIN=$(abspath $(OUT))/resource_image \
		RI_WORKLOADS=$(abspath $(OUT))/tests/workloads \
		bash tests/tui/screenshots.sh

install: $(OUT)/resource_image
	$(INSTALL) -m 0755 -d $(DESTDIR)$(bindir) $(DESTDIR)$(datadir)/themes \
		$(DESTDIR)$(mandir)/man8
	$(INSTALL) -m 0755 $(OUT)/resource_image $(DESTDIR)$(bindir)/resource_image
	$(INSTALL) -m 0644 themes/*.theme $(DESTDIR)$(datadir)/themes/
	$(INSTALL) -m 0644 core/alerts/resource_image.rules.yml $(DESTDIR)$(datadir)/
	$(INSTALL) -m 0644 tui/resource_image.8 $(DESTDIR)$(mandir)/man8/resource_image.8
	$(INSTALL) -m 0755 -d $(DESTDIR)$(unitdir)
	sed 's|@bindir@|$(bindir)|' tui/resource_image-record.service > \
		$(DESTDIR)$(unitdir)/resource_image-record.service
	chmod 0644 $(DESTDIR)$(unitdir)/resource_image-record.service

uninstall:
	rm -f $(DESTDIR)$(bindir)/resource_image \
		$(DESTDIR)$(mandir)/man8/resource_image.8 \
		$(DESTDIR)$(unitdir)/resource_image-record.service
	rm -rf $(DESTDIR)$(datadir)

# A Debian package: the binary built again for /usr with Debian's
# hardening flags (its own objects, under build/deb), installed into a
# staging root, then tui/deb/build.sh (control, copyright, changelog,
# runtime dependencies by dpkg-shlibdeps, lintian at the warning level).
# Debian's package names take no underscore: the package is resource-image,
# its file resource_image_VERSION_ARCH.deb.
VERSION := $(shell sed -n 's/^\#define RI_VERSION "\(.*\)"/\1/p' core/text/version.h)
DEB_DIR := $(OUT)/deb
DEB = $(DEB_DIR)/resource_image_$(VERSION)_$(shell dpkg --print-architecture).deb
DEPS_DEB := dpkg-dev lintian debootstrap

deps-deb:
	$(call install_missing,$(DEPS_BUILD) $(DEPS_DEB))

deb: deps-deb
	$(Q)$(MAKE) -s OUT=$(DEB_DIR)/obj PREFIX=/usr \
		CFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS)" \
		EXTRA_CFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)" \
		EXTRA_LDFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)" all
	$(Q)rm -rf $(DEB_DIR)/root
	$(Q)$(MAKE) -s OUT=$(DEB_DIR)/obj PREFIX=/usr unitdir=/lib/systemd/system \
		DESTDIR=$(abspath $(DEB_DIR))/root install >/dev/null
	$(Q)bash tui/deb/build.sh $(DEB_DIR)/root $(DEB) $(VERSION)

# Installs the package into a fresh Debian 12 root (debootstrap, cached in
# $(DEB_DIR)/bookworm.tar), runs it there and removes it. Not in make test:
# it needs the network to a Debian mirror the first time.
test-deb: deb
	$(Q)bash tests/deb/test_deb.sh $(DEB) $(DEB_DIR)

# Opt-in. WARNING: lets every user who can run the installed binary see
# the activity of every process on the machine.
setcap:
	setcap cap_bpf,cap_perfmon,cap_sys_resource+ep $(DESTDIR)$(bindir)/resource_image

clean:
	rm -rf $(OUT)

# A statically linked binary, for kernels booted under qemu with nothing
# but a busybox initramfs (make test-kernels). Without the HTTP server:
# Debian's libmicrohttpd.a needs GnuTLS and its kin, which have no static
# libraries; --listen there says so in one line.
STATIC_LIBS := -l:libbpf.a -l:libelf.a -l:libz.a -l:libzstd.a \
	-l:libncursesw.a -l:libtinfo.a -lpthread -lm
$(OUT)/static/resource_image: $(filter-out $(OUT)/$(HTTP_SRC:.c=.o),$(APP_OBJ)) \
		$(OUT)/$(NO_HTTP_SRC:.c=.o) $(LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(CFLAGS) $^ $(STATIC_LIBS) -o $@

static: $(OUT)/static/resource_image

# Every kernel x probe path: Debian's 5.10, 6.1 and 6.12 under qemu (fetched
# once, cached outside the tree), and this machine's own kernel; prints the
# matrix and rewrites README.md's "Tested kernels" table. tests/kernels/run.sh
# builds the static binary and the static workloads itself.
test-kernels: deps
	$(Q)bash tests/kernels/run.sh --readme
.PHONY: static test-kernels

# libFuzzer harnesses for every parser of outside input (theme files, the
# command line). `make fuzz` runs each for FUZZ_TIME seconds; `make test`
# runs a short round of each.
FUZZ_TIME ?= 60
FUZZERS := $(patsubst tests/fuzz/%.c,$(OUT)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE $(CORE_INC) -Itui -Ibpf -I$(OUT)
FUZZ_LIB := $(OUT)/fuzz/libricore.a
FUZZ_LIB_OBJ := $(patsubst %.c,$(OUT)/fuzz/obj/%.o,$(LIB_SRC) tui/theme.c)
$(OUT)/fuzz/obj/%.o: %.c $(HDRS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
FUZZ_EXTRA := $(OUT)/fuzz/obj/tests/unit/no_bpf.o $(OUT)/fuzz/obj/core/export/http_none.o
$(OUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB) $(FUZZ_EXTRA)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined $< \
		$(FUZZ_EXTRA) $(FUZZ_LIB) -lzstd -lpthread -lm -o $@

fuzzers: $(FUZZERS)

fuzz: deps
	$(Q)$(MAKE) -s fuzzers
	$(Q)for f in $(FUZZERS); do n=$${f##*/fuzz_}; \
		mkdir -p $(OUT)/fuzz/corpus-$$n && \
		echo "fuzzing $$n for $(FUZZ_TIME)s" && \
		$$f -max_total_time=$(FUZZ_TIME) -artifact_prefix=$(OUT)/fuzz/ \
			$(OUT)/fuzz/corpus-$$n tests/fuzz/corpus/$$n 2>&1 | tail -n 1 || exit 1; \
	done
.PHONY: fuzz fuzzers

# Ten minutes of mixed churn with the TUI and batch mode side by side;
# fails on memory or CPU growth and on any dropped event. SOAK_SECONDS=...
soak: deps
	$(Q)$(MAKE) -s all workloads
	$(Q)RI_BIN=$(abspath $(OUT))/resource_image \
		RI_WORKLOADS=$(abspath $(OUT))/tests/workloads \
		python3 tests/soak/soak.py
.PHONY: soak
