/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PTP data sets, IEEE 1588-2019 8.2, with the standard's member names.
 * Times: offsetFromMaster and meanPathDelay in ns here (TimeInterval,
 * scaled ns, only on the wire); intervals as log2 seconds.
 */
#ifndef PTPBOX_DS_H
#define PTPBOX_DS_H

#include <stdint.h>

#include "msg.h"
#include "tmv.h"

/* 8.2.1 defaultDS */
struct default_ds {
	int twoStepFlag;
	struct clock_identity clockIdentity;
	uint16_t numberPorts;
	struct clock_quality clockQuality;
	uint8_t priority1;
	uint8_t priority2;
	uint8_t domainNumber;
	int slaveOnly;
};

/* 8.2.2 currentDS */
struct current_ds {
	uint16_t stepsRemoved;
	tmv_t offsetFromMaster; /* ns, positive: local clock ahead */
	tmv_t meanPathDelay;	/* ns */
	int synchronizationUncertain;
};

/* 8.2.3 parentDS */
struct parent_ds {
	struct port_identity parentPortIdentity;
	struct clock_identity grandmasterIdentity;
	struct clock_quality grandmasterClockQuality;
	uint8_t grandmasterPriority1;
	uint8_t grandmasterPriority2;
};

/* 8.2.4 timePropertiesDS */
struct time_properties_ds {
	int16_t currentUtcOffset; /* s */
	int currentUtcOffsetValid;
	int leap59;
	int leap61;
	int timeTraceable;
	int frequencyTraceable;
	int ptpTimescale;
	uint8_t timeSource;
};

/* 8.2.15 portDS (the members we keep) */
enum port_state {
	PS_INITIALIZING = 1,
	PS_FAULTY = 2,
	PS_DISABLED = 3,
	PS_LISTENING = 4,
	PS_PRE_MASTER = 5,
	PS_MASTER = 6,
	PS_PASSIVE = 7,
	PS_UNCALIBRATED = 8,
	PS_SLAVE = 9,
};

struct port_ds {
	struct port_identity portIdentity;
	enum port_state portState;
	int8_t logMinDelayReqInterval;
	int8_t logAnnounceInterval;
	uint8_t announceReceiptTimeout;
	int8_t logSyncInterval;
	uint8_t delayMechanism; /* 1 = E2E */
	uint8_t versionNumber;	/* 2 */
};

/* 17.4.3 unicastDiscoveryPortDS (addresses stay in the master table) */
struct unicast_discovery_ds {
	uint16_t maxTableSize;
	int8_t logQueryInterval;
	uint16_t actualTableSize;
};

/* linuxptp's spelling of a port state ("UNCALIBRATED"). */
const char *port_state_str(enum port_state s);

/* flagField octet 1 (Table 37) from timePropertiesDS, and back. */
uint16_t tpds_to_flags(const struct time_properties_ds *t);
void tpds_from_announce(struct time_properties_ds *t, const struct ptp_msg *announce);

struct config;
/* defaultDS (1588-2019 8.2.1) fields the configuration sets: clockQuality,
 * priority1/2, domainNumber; numberPorts 1.  The caller sets
 * clockIdentity, twoStepFlag and slaveOnly. */
void default_ds_from_config(const struct config *cfg, struct default_ds *d);

/* parentDS of a clock that is its own parent (8.2.3.2, 8.2.3.3: a
 * grandmaster, or a slave with no master yet), from its defaultDS;
 * parentPortIdentity.portNumber is left as the caller set it (0). */
void parent_ds_self(const struct default_ds *d, struct parent_ds *p);

/* portDS (8.2.15) of an E2E port in state, from the configured intervals;
 * announce_timeout as the port runs it. */
void port_ds_from_config(const struct config *cfg, const struct port_identity *port,
			 enum port_state state, uint8_t announce_timeout, struct port_ds *p);

#endif
