# SPDX-License-Identifier: BSD-2-Clause
# Test double of buildroot's generic package infrastructure
# (test/checks/packaging.sh): includes the BR2_EXTERNAL tree's external.mk
# and runs a package's steps like pkg-generic.mk, with the host's musl-gcc
# as the target compiler:
#   make -f buildroot.mk BR2_EXTERNAL_PTPBOX_PATH=DIR BUILD_DIR=... TARGET_DIR=...
#        [BR2_...=y] install
# rsync (local site) -> BUILD_CMDS -> INSTALL_TARGET_CMDS -> INSTALL_INIT_SYSV
# (BR2_INIT_SYSV or BR2_INIT_BUSYBOX) or INSTALL_INIT_SYSTEMD
# (BR2_INIT_SYSTEMD).  Not buildroot: it is not packaged in Debian.
STAGING_DIR ?= /usr/..
INSTALL := install
TARGET_MAKE_ENV := PATH="$(PATH)"
TARGET_CFLAGS ?= -D_LARGEFILE_SOURCE -D_LARGEFILE64_SOURCE -D_FILE_OFFSET_BITS=64 -Os -g0 \
	-D_FORTIFY_SOURCE=1
TARGET_CONFIGURE_OPTS := CC="musl-gcc" AR="ar" CFLAGS="$(TARGET_CFLAGS)" LDFLAGS=""
pkgdir = $(dir $(lastword $(MAKEFILE_LIST)))
pkgname = $(lastword $(subst /, ,$(pkgdir)))
UPPER = $(shell echo $(1) | tr a-z- A-Z_)

define mock-generic
$(2)_PKGDIR := $(pkgdir)
$(2)_DIR := $(BUILD_DIR)/$(1)-$$($(2)_VERSION)
$$($(2)_DIR)/.stamp_rsynced:
	mkdir -p $$(@D)
	rsync -a $$($(2)_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS) $$($(2)_SITE)/ $$(@D)
	touch $$@
$$($(2)_DIR)/.stamp_built: $$($(2)_DIR)/.stamp_rsynced
	$$($(2)_BUILD_CMDS)
	touch $$@
$$($(2)_DIR)/.stamp_target_installed: $$($(2)_DIR)/.stamp_built
	$$($(2)_INSTALL_TARGET_CMDS)
ifneq ($(BR2_INIT_SYSV)$(BR2_INIT_BUSYBOX),)
	$$($(2)_INSTALL_INIT_SYSV)
endif
ifeq ($(BR2_INIT_SYSTEMD),y)
	$$($(2)_INSTALL_INIT_SYSTEMD)
endif
	touch $$@
install: $$($(2)_DIR)/.stamp_target_installed
.PHONY: install
endef
generic-package = $(call mock-generic,$(pkgname),$(call UPPER,$(pkgname)))

include $(BR2_EXTERNAL_PTPBOX_PATH)/external.mk
