/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#include "ds.h"

const char *port_state_str(enum port_state s)
{
	static const char *const names[] = { "NONE",	    "INITIALIZING", "FAULTY",
					     "DISABLED",    "LISTENING",    "PRE_MASTER",
					     "MASTER",	    "PASSIVE",	    "UNCALIBRATED",
					     "SLAVE" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "NONE";
}

uint16_t tpds_to_flags(const struct time_properties_ds *t)
{
	return (uint16_t)((t->leap61 ? FLAG_LEAP61 : 0) | (t->leap59 ? FLAG_LEAP59 : 0) |
			  (t->currentUtcOffsetValid ? FLAG_UTC_OFFSET_VALID : 0) |
			  (t->ptpTimescale ? FLAG_PTP_TIMESCALE : 0) |
			  (t->timeTraceable ? FLAG_TIME_TRACEABLE : 0) |
			  (t->frequencyTraceable ? FLAG_FREQUENCY_TRACEABLE : 0));
}

void tpds_from_announce(struct time_properties_ds *t, const struct ptp_msg *m)
{
	uint16_t f = m->hdr.flagField;
	t->currentUtcOffset = m->body.announce.currentUtcOffset;
	t->currentUtcOffsetValid = !!(f & FLAG_UTC_OFFSET_VALID);
	t->leap59 = !!(f & FLAG_LEAP59);
	t->leap61 = !!(f & FLAG_LEAP61);
	t->timeTraceable = !!(f & FLAG_TIME_TRACEABLE);
	t->frequencyTraceable = !!(f & FLAG_FREQUENCY_TRACEABLE);
	t->ptpTimescale = !!(f & FLAG_PTP_TIMESCALE);
	t->timeSource = m->body.announce.timeSource;
}

void default_ds_from_config(const struct config *cfg, struct default_ds *d)
{
	d->numberPorts = 1;
	d->clockQuality.clockClass = (uint8_t)cfg_int(cfg, OPT_clockClass);
	d->clockQuality.clockAccuracy = (uint8_t)cfg_int(cfg, OPT_clockAccuracy);
	d->clockQuality.offsetScaledLogVariance =
		(uint16_t)cfg_int(cfg, OPT_offsetScaledLogVariance);
	d->priority1 = (uint8_t)cfg_int(cfg, OPT_priority1);
	d->priority2 = (uint8_t)cfg_int(cfg, OPT_priority2);
	d->domainNumber = (uint8_t)cfg_int(cfg, OPT_domainNumber);
}

void port_ds_from_config(const struct config *cfg, const struct port_identity *port,
			 enum port_state state, uint8_t announce_timeout, struct port_ds *p)
{
	p->portIdentity = *port;
	p->portState = state;
	p->logMinDelayReqInterval = (int8_t)cfg_int(cfg, OPT_logMinDelayReqInterval);
	p->logAnnounceInterval = (int8_t)cfg_int(cfg, OPT_logAnnounceInterval);
	p->announceReceiptTimeout = announce_timeout;
	p->logSyncInterval = (int8_t)cfg_int(cfg, OPT_logSyncInterval);
	p->delayMechanism = 1; /* E2E */
	p->versionNumber = 2;
}

void parent_ds_self(const struct default_ds *d, struct parent_ds *p)
{
	p->parentPortIdentity.clockIdentity = d->clockIdentity;
	p->grandmasterIdentity = d->clockIdentity;
	p->grandmasterClockQuality = d->clockQuality;
	p->grandmasterPriority1 = d->priority1;
	p->grandmasterPriority2 = d->priority2;
}
