# SPDX-License-Identifier: BSD-2-Clause
# Test double of OpenWrt's rules.mk (test/checks/packaging.sh): the
# variables ptpbox's package Makefile uses, with the host's musl-gcc as the
# "target" toolchain and the host's kernel headers as the toolchain's.  Not
# OpenWrt: its build system is not packaged in Debian.
INCLUDE_DIR := $(TOPDIR)/include
BUILD_DIR ?= $(error BUILD_DIR: where packages build)
TOOLCHAIN_DIR ?= /usr
TARGET_CC ?= musl-gcc
TARGET_AR ?= ar
# flags of an OpenWrt build (its gcc's -fhonour-copts left out: a patch of
# OpenWrt's compiler)
TARGET_CFLAGS ?= -Os -pipe -Wformat -Werror=format-security -fstack-protector \
	-D_FORTIFY_SOURCE=1 -Wl,-z,now -Wl,-z,relro
TARGET_LDFLAGS ?= -znow -zrelro
