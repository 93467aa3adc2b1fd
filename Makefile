# SPDX-License-Identifier: BSD-2-Clause
# ptpbox: `make` builds a static musl binary (build/ptpbox);
# `make CC=gcc STATIC=0` builds a dynamic glibc one from the same sources.
ifeq ($(origin CC),default)
CC := musl-gcc
endif
STATIC ?= 1
B ?= build
UTHASH ?= /usr/include/uthash.h

# CFLAGS and LDFLAGS are the user's (make CFLAGS=... LDFLAGS=...): the
# project's flags go before them, so they add to ours instead of replacing
# them.  make asan: a dynamic clang build with ASan+UBSan in build-asan/.
CFLAGS ?= -g
OPT := -O2
# -fno-strict-aliasing: socket addresses are written through the
# sockaddr_in/_in6 view of a sockaddr_storage, the idiom of the socket API
# that strict aliasing does not allow (-Os broke the tests' address
# builders without it)
PB_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -fno-strict-aliasing -I$(B)/inc -Icore -Ihw
ALL_CFLAGS = $(PB_CFLAGS) $(OPT) $(CFLAGS)
LDLIBS += -lm
ifeq ($(STATIC),1)
# the shipping binary: no unwind tables (C, no backtraces), no page padding
# between code and data (24 KB), unused functions dropped (8 KB), and
# optimised for size (-Os: 45 KB of a 300 KB budget) except the paths that
# run per client and message at scale, which stay -O2
PB_CFLAGS += -fno-asynchronous-unwind-tables -fno-unwind-tables -ffunction-sections \
	     -fdata-sections
PB_LDFLAGS := -static -s -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=64 -Wl,--gc-sections
OPT := -Os
# (without -O2's code alignment, 1.3 KB of padding: the gm's cost per
# datagram is in the kernel, 89 % of its CPU in system calls at 20 000
# clients)
HOT := core/gm.c core/unicast.c core/msg.c core/tlv.c core/engine.c hw/udp.c cmd/common.c
$(patsubst %.c,$(B)/obj/%.o,$(HOT)): OPT := -O2 -falign-functions=1 -falign-jumps=1 -falign-loops=1 \
	-falign-labels=1
endif

CORE := $(wildcard core/*.c)
HW := $(wildcard hw/*.c)
CMD := $(wildcard cmd/*.c)
PROFILES := $(sort $(wildcard profiles/*.prof))
LIBOBJ := $(patsubst %.c,$(B)/obj/%.o,$(CORE) $(HW)) $(B)/obj/profiles.o
CMDOBJ := $(patsubst %.c,$(B)/obj/%.o,$(CMD))
UNIT := $(wildcard test/unit/*.c)
UNITOBJ := $(patsubst %.c,$(B)/obj/%.o,$(UNIT))

all: $(B)/ptpbox

# musl-gcc sees only musl's headers: give it uthash and the kernel's uapi
# headers (linux/, asm/, asm-generic/) through build/inc.  KINC: where the
# target's kernel headers are (a cross toolchain's, for make cross).
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null)
KINC ?= /usr/include
$(B)/inc/uthash.h:
	@mkdir -p $(dir $@)
	@test -f $(UTHASH) || { echo "uthash.h not found: apt-get install uthash-dev" >&2; exit 1; }
	@test -d $(KINC)/linux || { echo "kernel headers not found in $(KINC): apt-get install linux-libc-dev" >&2; exit 1; }
	cp $(UTHASH) $@
	ln -sfn $(KINC)/linux $(B)/inc/linux
	ln -sfn $(KINC)/asm-generic $(B)/inc/asm-generic
	ln -sfn $(if $(wildcard $(KINC)/$(MULTIARCH)/asm),$(KINC)/$(MULTIARCH)/asm,$(KINC)/asm) $(B)/inc/asm

$(B)/profiles.c: $(PROFILES) scripts/embed-profiles.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-profiles.sh $@ $(PROFILES)

$(B)/obj/profiles.o: $(B)/profiles.c $(B)/inc/uthash.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj/%.o: %.c $(B)/inc/uthash.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libptpbox.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/ptpbox: $(CMDOBJ) $(B)/libptpbox.a
	$(CC) $(PB_LDFLAGS) $(LDFLAGS) -o $@ $(CMDOBJ) $(B)/libptpbox.a $(LDLIBS)

$(B)/unit_tests: $(UNITOBJ) $(B)/libptpbox.a
	$(CC) $(LDFLAGS) -o $@ $(UNITOBJ) $(B)/libptpbox.a $(LDLIBS)

# the network simulator (test/sim/ptpsim*.c): engines in simulated time
SIM := $(wildcard test/sim/ptpsim*.c)
SIMOBJ := $(patsubst %.c,$(B)/obj/%.o,$(SIM))

$(B)/ptpsim: $(SIMOBJ) $(B)/libptpbox.a
	$(CC) $(LDFLAGS) -o $@ $(SIMOBJ) $(B)/libptpbox.a $(LDLIBS)

sim: $(B)/ptpsim

.PHONY: sim

# the load generator (test/bench/loadgen.c): N unicast PTP clients in one
# process, for test/bench/gm_scale.sh and test/net/loadgen_smoke.sh; it
# takes the message codecs and authentication (core/auth.c, crypto.c as
# the gm has them) from the library
$(B)/obj/test/bench/loadgen.o: OPT := -O2

$(B)/loadgen: $(B)/obj/test/bench/loadgen.o $(B)/libptpbox.a
	$(CC) $(PB_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

loadgen: $(B)/loadgen

.PHONY: loadgen

# the floor of the gm's datagram work (test/bench/udp_floor.c) for
# test/bench/gm_scale.sh: the gm's transport (hw/udp.c, as the binary has
# it) without the gm; only the transport's objects come from the library
$(B)/obj/test/bench/udp_floor.o: OPT := -O2

$(B)/udp_floor: $(B)/obj/test/bench/udp_floor.o $(B)/libptpbox.a
	$(CC) $(PB_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

udp_floor: $(B)/udp_floor

.PHONY: udp_floor

# the CPU cost per ICV of the authentication primitives (core/crypto.c) for
# test/bench/auth_cpu.sh: linked against the library, so with crypto.o as
# the binary has it (-Os in the static build, -O2 with STATIC=0)
$(B)/obj/test/bench/auth_cpu.o: OPT := -O2

$(B)/auth_cpu: $(B)/obj/test/bench/auth_cpu.o $(B)/libptpbox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

auth_cpu: $(B)/auth_cpu

.PHONY: auth_cpu

# the kernel twin of a NIC with a PTP hardware clock (test/sim/phcdev.c),
# an LD_PRELOAD library for the dynamic glibc build:
# make CC=gcc STATIC=0 B=build-glibc build-glibc/phcdev.so
$(B)/phcdev.so: test/sim/phcdev.c test/sim/phcdev_net.c test/sim/phcdev_out.c test/sim/phcdev.h
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC $(PB_CFLAGS) $(OPT) $(CFLAGS) -o $@ test/sim/phcdev.c \
		test/sim/phcdev_net.c test/sim/phcdev_out.c -ldl -lm -lpthread

# cross-built static binaries in build-TARGET/ (ptpbox and unit_tests, run
# under qemu-user by test/cross/run.sh): musl where Debian ships it for the
# target (musl-dev:arm64, musl-dev:armhf, with the gcc cross compilers),
# otherwise the cross toolchain's static glibc (big-endian mips).  Kernel
# headers from the cross toolchain's tree.  scripts/install-deps.sh cross
CROSS_TARGETS := aarch64 armhf mips
TRIPLET_aarch64 := aarch64-linux-gnu
TRIPLET_armhf := arm-linux-gnueabihf
TRIPLET_mips := mips-linux-gnu
CROSS_CC_aarch64 := aarch64-linux-musl-gcc
CROSS_CC_armhf := arm-linux-musleabihf-gcc
CROSS_CC_mips := mips-linux-gnu-gcc
# musl write-protects RELRO only in its dynamic linker, never in a static
# binary, where the segment's alignment pads the file (45 KB on aarch64,
# whose linker aligns to 64 KB pages): no RELRO with musl.  mips (glibc)
# keeps it: it costs no byte there.
CROSS_LDFLAGS_aarch64 := -static -Wl,-z,norelro
CROSS_LDFLAGS_armhf := -static -Wl,-z,norelro
CROSS_LDFLAGS_mips := -static

cross: $(CROSS_TARGETS:%=cross-%)

$(CROSS_TARGETS:%=cross-%): cross-%:
	@command -v $(CROSS_CC_$*) >/dev/null || \
		{ echo "$(CROSS_CC_$*) not found: scripts/install-deps.sh cross" >&2; exit 1; }
	$(MAKE) B=build-$* CC=$(CROSS_CC_$*) AR=$(TRIPLET_$*)-ar STATIC=1 \
		KINC=/usr/$(TRIPLET_$*)/include LDFLAGS="$(CROSS_LDFLAGS_$*)" \
		build-$*/ptpbox build-$*/unit_tests

.PHONY: cross $(CROSS_TARGETS:%=cross-%)

unit: $(B)/unit_tests
	$(B)/unit_tests

check: all unit
	./test/run-all.sh --no-install --no-build

SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) CC=clang STATIC=0 B=build-asan CFLAGS="-O1 -g $(SANITIZE)" LDFLAGS="$(SANITIZE)" \
		build-asan/ptpbox build-asan/unit_tests build-asan/ptpsim

# make install: the binary and the manual pages (man/: ptpbox.1, and
# ptpbox-APPLET.8 for the applets) under $(DESTDIR)$(PREFIX); the applet
# links are made on the target with `ptpbox --install DIR [--prefix P]`
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MAN1DIR ?= $(PREFIX)/share/man/man1
MAN8DIR ?= $(PREFIX)/share/man/man8
MAN1PAGES := $(wildcard man/*.1)
MAN8PAGES := $(wildcard man/*.8)

install: $(B)/ptpbox
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(MAN8DIR)
	install -m 0755 $(B)/ptpbox $(DESTDIR)$(BINDIR)/ptpbox
	install -m 0644 $(MAN1PAGES) $(DESTDIR)$(MAN1DIR)
	install -m 0644 $(MAN8PAGES) $(DESTDIR)$(MAN8DIR)

clean:
	rm -rf $(B)

.PHONY: all unit check clean asan install
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
