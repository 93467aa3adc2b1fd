/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers every engine shares; see engine.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "config.h"
#include "engine.h"
#include "mgmt.h"

void eng_log(const struct eng_ops *ops, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > ops->log_level || !ops->log) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ops->log(ops->io, level, line);
}

void eng_msg_init(struct ptp_msg *m, uint8_t type, uint8_t domain,
		  const struct port_identity *port, uint16_t seq, int8_t log)
{
	msg_init(m, type);
	m->hdr.domainNumber = domain;
	m->hdr.flagField = FLAG_UNICAST;
	m->hdr.sourcePortIdentity = *port;
	m->hdr.sequenceId = seq;
	m->hdr.logMessageInterval = log;
}

int eng_send_msg(const struct eng_ops *ops, struct eng_counters *cnt, int event,
		 const struct ptp_msg *m, const struct net_addr *to, int want_ts)
{
	uint8_t buf[PTP_MSG_MAX_LEN];
	int n = msg_pack(m, buf, sizeof(buf)), r;

	if (n >= 0) {
		buf[1] = (uint8_t)(ops->ptp_minor << 4 | 2); /* versionPTP 2 */
	}
	if (n >= 0 && ops->auth) {
		n = auth_port_sign(ops->auth, buf, (size_t)n, sizeof(buf));
	}
	if (n < 0) {
		cnt->tx_err++;
		return n;
	}
	r = ops->send(ops->io, 1, event, to, buf, (size_t)n, want_ts);
	if (r < 0) {
		cnt->tx_err++;
		return r;
	}
	cnt->tx_msg[m->hdr.messageType & 0x0f]++;
	return r;
}

int eng_receive(const struct eng_ops *ops, struct eng_counters *cnt, const uint8_t *buf,
		size_t len, uint8_t domain, const struct port_identity *self,
		const struct net_addr *from, struct ptp_msg *m)
{
	int authed = 0;

	if (ops->auth) {
		/* believe nothing before the ICV holds (1588-2019 16.14.3) */
		int r = auth_check(ops->auth, buf, len);
		if (r == -EPROTO) {
			cnt->rx_bad++;
			return -EBADMSG;
		}
		authed = r > 0;
		/* management goes to the agent either way: it answers an
		 * unauthenticated GET where mgmt_get_unauthenticated says so */
		if (!authed && (buf[0] & 0x0f) != MANAGEMENT) {
			if (r == -ENOMSG) {
				cnt->auth_missing++;
			} else if (r == -EKEYREJECTED) {
				cnt->auth_unknown_key++;
			} else {
				cnt->auth_bad_icv++;
			}
			return -EACCES;
		}
	}
	if (msg_unpack(buf, len, m)) {
		cnt->rx_bad++;
		return -EBADMSG;
	}
	if (authed) {
		auth_strip_tlv(m); /* checked last above */
	}
	/* a domain is (sdoId, domainNumber) (1588-2019 7.1.4); ours have
	 * sdoId 0 (OCP 7.8) */
	if (m->hdr.domainNumber != domain || m->hdr.majorSdoId || m->hdr.minorSdoId) {
		cnt->rx_other_domain++;
		return -EXDEV;
	}
	if (!clock_id_cmp(&m->hdr.sourcePortIdentity.clockIdentity, &self->clockIdentity)) {
		return -ELOOP;
	}
	if (authed && auth_replay_check(ops->auth, &m->hdr.sourcePortIdentity, m->hdr.messageType,
					m->n_tlv ? m->tlv[0].tlvType : 0, m->hdr.sequenceId)) {
		cnt->auth_replay++;
		return -EACCES;
	}
	cnt->rx_msg[m->hdr.messageType & 0x0f]++;
	if (m->hdr.messageType == MANAGEMENT) {
		if (ops->mgmt) {
			ops->mgmt(ops->io, m, from, authed);
		}
		return -EAGAIN;
	}
	return 0;
}

int eng_set_priority(const struct eng_ops *ops, const struct config *cfg,
		     const struct mgmt_value *v, uint8_t *p)
{
	double lo, hi;
	cfg_range(cfg, v->id == MID_PRIORITY1 ? OPT_priority1 : OPT_priority2, &lo, &hi);
	if (v->u.u8 < lo || v->u.u8 > hi) {
		eng_log(ops, LOG_WARNING, "management: %s %d refused, allowed %.0f..%.0f (profile %s)",
			mgmt_id_str(v->id), v->u.u8, lo, hi, config_profile_name(cfg));
		return -MERR_WRONG_VALUE;
	}
	if (*p != v->u.u8) {
		eng_log(ops, LOG_NOTICE, "management: %s %d -> %d", mgmt_id_str(v->id), *p, v->u.u8);
		*p = v->u.u8;
	}
	return 0;
}
