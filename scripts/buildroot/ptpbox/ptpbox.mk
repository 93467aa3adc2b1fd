################################################################################
#
# ptpbox
#
################################################################################
# SPDX-License-Identifier: BSD-2-Clause
# Built from this source tree: scripts/buildroot is a BR2_EXTERNAL tree
#   make BR2_EXTERNAL=/path/to/ptpbox/scripts/buildroot menuconfig
# (Target packages > ptpbox is under "External options").

PTPBOX_VERSION = 0.1
PTPBOX_SITE = $(BR2_EXTERNAL_PTPBOX_PATH)/../..
PTPBOX_SITE_METHOD = local
# No ptpbox.hash: a local site is copied (rsync), not downloaded, and
# buildroot checks hashes only of what it downloads.
PTPBOX_LICENSE = BSD-2-Clause
PTPBOX_LICENSE_FILES = LICENSE
# the copy leaves out the tree's own build directories (objects of another
# CPU), tests and version control
PTPBOX_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude='/build*' --exclude=/test --exclude=/.git

# After TARGET_CONFIGURE_OPTS (the last CFLAGS wins): -Wno-error, as
# ptpbox builds with -Werror and the toolchain's compiler may warn where the
# project's did not.  B: a build directory of its own; KINC: the staging
# kernel headers; UTHASH: ptpbox's sources no longer include uthash.h, but
# its Makefile still copies one into the build directory: an empty file
# stands in.
PTPBOX_MAKE_OPTS = \
	CFLAGS="$(TARGET_CFLAGS) -Wno-error" \
	STATIC=$(if $(BR2_PACKAGE_PTPBOX_STATIC),1,0) \
	B=build-buildroot \
	KINC=$(STAGING_DIR)/usr/include \
	UTHASH=$(@D)/uthash-unused.h

define PTPBOX_BUILD_CMDS
	touch $(@D)/uthash-unused.h
	$(TARGET_MAKE_ENV) $(MAKE) $(TARGET_CONFIGURE_OPTS) -C $(@D) $(PTPBOX_MAKE_OPTS) \
		build-buildroot/ptpbox
endef

PTPBOX_LINKS = \
	$(if $(BR2_PACKAGE_PTPBOX_CLOCKS),gm oc) \
	$(if $(BR2_PACKAGE_PTPBOX_TC),tc) \
	$(if $(BR2_PACKAGE_PTPBOX_TOOLS),ppsmon todenc pmc)

# the manual pages are not installed: buildroot removes /usr/share/man from
# the target
define PTPBOX_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(@D)/build-buildroot/ptpbox $(TARGET_DIR)/usr/sbin/ptpbox
	$(foreach a,$(strip $(PTPBOX_LINKS)),ln -sf ptpbox $(TARGET_DIR)/usr/sbin/ptp-$(a);)
	mkdir -p $(TARGET_DIR)/etc/ptpbox
endef

ifneq ($(BR2_PACKAGE_PTPBOX_CLOCKS)$(BR2_PACKAGE_PTPBOX_TC),)
define PTPBOX_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 0755 $(PTPBOX_PKGDIR)/S65ptpbox $(TARGET_DIR)/etc/init.d/S65ptpbox
endef
endif

ifeq ($(BR2_PACKAGE_PTPBOX_CLOCKS),y)
define PTPBOX_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(@D)/scripts/systemd/ptpbox-gm@.service \
		$(TARGET_DIR)/usr/lib/systemd/system/ptpbox-gm@.service
	$(INSTALL) -D -m 0644 $(@D)/scripts/systemd/ptpbox-oc@.service \
		$(TARGET_DIR)/usr/lib/systemd/system/ptpbox-oc@.service
endef
endif

$(eval $(generic-package))
