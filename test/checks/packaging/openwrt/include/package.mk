# SPDX-License-Identifier: BSD-2-Clause
# Test double of OpenWrt's include/package.mk (test/checks/packaging.sh):
# BuildPackage makes the targets
#   compile   Build/Prepare, then Build/Compile, in PKG_BUILD_DIR
#   install   Package/NAME/install into ROOT
#   config    Package/NAME/config written to OUT (for kconfiglib)
# with the install macros of OpenWrt's rules.mk.
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
PKG_JOBS ?= $(if $(PKG_BUILD_PARALLEL),-j2,-j1)
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INSTALL_DATA := install -m0644
INSTALL_CONF := install -m0600
CP := cp -fpR
LN := ln -sf

define BuildPackage
compile:
	$$(Build/Prepare)
	$$(Build/Compile)
install:
	$$(call Package/$(1)/install,$$(ROOT))
config:
	$$(file >$$(OUT),$$(Package/$(1)/config))
.PHONY: compile install config
endef
