# SPDX-License-Identifier: BSD-2-Clause
include $(sort $(wildcard $(BR2_EXTERNAL_PTPBOX_PATH)/ptpbox/*.mk))
