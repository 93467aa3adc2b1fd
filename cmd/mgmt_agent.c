/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Management agent of the port applets (1588-2019 15): requests from the
 * network (unicast or the primary multicast group, on the general port)
 * and from a local UNIX datagram socket; see applet.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../hw/log.h"
#include "../core/tlv.h"
#include "../core/util.h"
#include "applet.h"

/* The applet's data sets first, then what every port applet answers the
 * same way (mgmt_agent_get_common / _set_common). */
static int agent_get(void *ctx, struct mgmt_value *v)
{
	struct mgmt_agent *a = ctx;
	int r = a->app.get(a->app.ctx, v);
	return r == -MERR_NOT_SUPPORTED ? mgmt_agent_get_common(a, v) : r;
}

static int agent_set(void *ctx, const struct mgmt_value *v, int remote)
{
	struct mgmt_agent *a = ctx;
	int r = a->app.set(a->app.ctx, v, remote);
	return r == -MERR_NOT_SUPPORTED ? mgmt_agent_set_common(a, v) : r;
}

int mgmt_agent_open(struct mgmt_agent *a, struct port_setup *ps, int (*get)(void *, struct mgmt_value *),
		    int (*set)(void *, const struct mgmt_value *, int), void *ctx, char *err,
		    size_t errlen)
{
	const char *path = cfg_str(ps->cfg, OPT_uds_address);
	char name[32];
	int r;

	memset(a, 0, sizeof(*a));
	a->ps = ps;
	a->app.get = get;
	a->app.set = set;
	a->app.ctx = ctx;
	a->ops.get = agent_get;
	a->ops.set = agent_set;
	a->ops.ctx = a;
	a->uds_fd = -1;
	a->rate = cfg_int(ps->cfg, OPT_mgmt_rate_limit);
	a->all.tokens = a->rate * MGMT_ALL_RATE;
	a->all.at = mono_now();
	a->allow_remote = cfg_int(ps->cfg, OPT_allow_remote_mgmt);
	net_acl_parse(cfg_str(ps->cfg, OPT_mgmt_acl), &a->acl); /* checked by config_finish */
	if (a->allow_remote && !a->acl.n) {
		pr_warning("management: allow_remote_mgmt 1 without mgmt_acl: SET from the network "
			   "stays refused (give the addresses or prefixes that may SET)");
	}
	snprintf(a->user_description, sizeof(a->user_description), "%s",
		 cfg_str(ps->cfg, OPT_userDescription));
	ps->mgmt_fd = -1;

	a->mcast = cfg_int(ps->cfg, OPT_mgmt_multicast);
	a->get_unauth = cfg_int(ps->cfg, OPT_mgmt_get_unauthenticated);
	r = a->mcast ? udp_join_mcast(ps->udp, ps->iface) : 0;
	if (r) {
		snprintf(err, errlen, "%s: joining the PTP multicast group: %s", ps->iface,
			 strerror(-r));
		return -1;
	}
	/* the default socket names the instance: /var/run/ptpbox-oc-eth0 */
	snprintf(name, sizeof(name), "%s-%s", ps->applet, ps->iface);
	a->uds_fd = mgmt_uds_open(path, name, &a->uds, err, errlen);
	if (a->uds_fd == -2) {
		a->uds_fd = -1;
		return -1;
	}
	ps->mgmt_fd = a->uds_fd;
	return 0;
}

int mgmt_uds_open(const char *path, const char *name, struct uds_file *u, char *err,
		  size_t errlen)
{
	char where[128];
	int fd, r;

	memset(u, 0, sizeof(*u));
	if (!strcmp(path, "none")) {
		return -1;
	}
	snprintf(where, sizeof(where), *path ? "%s" : "/var/run/ptpbox-%s", *path ? path : name);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket(AF_UNIX): %s", strerror(errno));
		return -2;
	}
	r = uds_bind(fd, where, 0117, u, *path ? "uds_address" : "management socket", err,
		     errlen); /* mode 0660 */
	if (r) {
		close(fd);
		if (r < 0 && !*path) { /* the default path (no /var/run in an initramfs) */
			pr_warning("%s; running without it (set uds_address)", err);
			return -1;
		}
		return -2;
	}
	return fd;
}

void mgmt_agent_close(struct mgmt_agent *a)
{
	pr_info("management: requests %llu malformed %llu rate_limited %llu set_refused %llu "
		"tx_err %llu not_unicast %llu",
		(unsigned long long)a->rx, (unsigned long long)a->rx_bad,
		(unsigned long long)a->rate_dropped, (unsigned long long)a->set_refused,
		(unsigned long long)a->tx_err, (unsigned long long)a->not_unicast);
	if (a->uds_fd >= 0) {
		close(a->uds_fd);
		uds_unlink(&a->uds);
		a->uds_fd = -1;
		a->ps->mgmt_fd = -1;
	}
}

static struct mgmt_self self_of(const struct mgmt_agent *a, int allow_set)
{
	struct mgmt_self s;
	memset(&s, 0, sizeof(s));
	s.clockIdentity = a->ps->identity;
	s.portNumber = a->ps->port.portNumber;
	s.allow_set = allow_set;
	return s;
}

void mgmt_uds_serve(int fd, int domain, struct mgmt_uds_cnt *cnt, mgmt_uds_answer_fn answer,
		    void *ctx)
{
	uint8_t buf[PTP_MSG_MAX_LEN], tbuf[PTP_MSG_MAX_LEN], out[PTP_MSG_MAX_LEN];
	int budget = 64;

	while (budget-- > 0) {
		struct sockaddr_un from;
		socklen_t fl = sizeof(from);
		struct ptp_msg m, resp;
		struct mgmt_req r;
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		int len, k;

		if (n < 0) {
			return;
		}
		cnt->rx++;
		if (msg_unpack(buf, (size_t)n, &m) || m.hdr.messageType != MANAGEMENT) {
			cnt->rx_bad++;
			continue;
		}
		/* a local request signed all the same (linuxptp's pmc with
		 * spp): the socket's file mode is what authenticates here */
		auth_strip_tlv(&m);
		if (mgmt_parse(&m, &r)) {
			cnt->rx_bad++;
			continue;
		}
		if (m.hdr.domainNumber != domain || m.hdr.majorSdoId || m.hdr.minorSdoId) {
			cnt->other_domain++;
			continue;
		}
		for (k = 0; answer(ctx, &m, k, &resp, tbuf, sizeof(tbuf)); k++) {
			len = msg_pack(&resp, out, sizeof(out));
			if (len < 0 || fl <= sizeof(sa_family_t) ||
			    sendto(fd, out, (size_t)len, 0, (struct sockaddr *)&from, fl) < 0) {
				cnt->tx_err++;
			}
		}
	}
}

/* A port applet answers once, as its one port. */
static int agent_answer(void *ctx, const struct ptp_msg *m, int k, struct ptp_msg *resp,
			uint8_t *tbuf, size_t room)
{
	struct mgmt_agent *a = ctx;
	struct mgmt_self self = self_of(a, 1);
	return !k && mgmt_answer(&self, &a->ops, m, 0, resp, tbuf, room);
}

void mgmt_agent_uds(struct mgmt_agent *a)
{
	struct mgmt_uds_cnt c = { 0, 0, 0, 0 };

	mgmt_uds_serve(a->uds_fd, a->ps->domain, &c, agent_answer, a);
	a->rx += c.rx;
	a->rx_bad += c.rx_bad;
	a->tx_err += c.tx_err;
	a->ps->cnt->rx_other_domain += c.other_domain;
}

/* Take a token from bucket b refilled at rate/s up to a burst of one
 * second's worth; 0 when it is empty. */
static int take(struct mgmt_bucket *b, double rate, tmv_t now)
{
	b->tokens += (double)(now - b->at) * 1e-9 * rate;
	b->at = now;
	if (b->tokens > rate) {
		b->tokens = rate;
	}
	if (b->tokens < 1.0) {
		return 0;
	}
	b->tokens -= 1.0;
	return 1;
}

/* mgmt_rate_limit per source (the least recently heard of MGMT_SOURCES
 * gives its slot to a new one) and MGMT_ALL_RATE times that for all: a
 * noisy source uses up its own bucket, not the others'. */
static int rate_ok(struct mgmt_agent *a, const struct net_addr *from, tmv_t now)
{
	struct mgmt_bucket *b = NULL, *oldest = &a->src[0];
	int i;

	if (a->rate <= 0) {
		return 1;
	}
	for (i = 0; i < MGMT_SOURCES && !b; i++) {
		if (a->src[i].at && net_addr_eq(&a->src[i].addr, from)) {
			b = &a->src[i];
		} else if (a->src[i].at < oldest->at) {
			oldest = &a->src[i];
		}
	}
	if (!b) {
		b = oldest;
		b->addr = *from;
		b->tokens = a->rate;
		b->at = now;
	}
	return take(b, a->rate, now) && take(&a->all, a->rate * MGMT_ALL_RATE, now);
}

void mgmt_agent_udp(struct mgmt_agent *a, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated)
{
	uint8_t tbuf[PTP_MSG_MAX_LEN], out[PTP_MSG_MAX_LEN];
	struct mgmt_self self;
	struct ptp_msg resp;
	struct mgmt_req r;
	tmv_t now = mono_now();
	int len;

	/* multicast management only where the profile has it */
	if (!a->mcast && !(m->hdr.flagField & FLAG_UNICAST)) {
		a->not_unicast++;
		return;
	}
	if (!rate_ok(a, from, now)) {
		a->rate_dropped++;
		return;
	}
	a->rx++;
	if (mgmt_parse(m, &r)) {
		a->rx_bad++;
		return;
	}
	/* with an SA on the port, only what is authenticated, or a GET
	 * where the configuration allows it (1588-2019 16.14.1) */
	if (a->ps->auth && !authenticated && (r.action != MGMT_GET || !a->get_unauth)) {
		a->ps->cnt->auth_missing++;
		return;
	}
	/* SET and COMMAND from the network: only when allowed and from the
	 * ACL; the answer says NOT_SUPPORTED (mgmt_answer) */
	self = self_of(a, a->allow_remote && net_acl_match(&a->acl, from));
	if ((r.action == MGMT_SET || r.action == MGMT_COMMAND) && !self.allow_set) {
		a->set_refused++;
		if (!a->refused_said || now - a->refused_said >= 10 * NS_PER_SEC) {
			char s[64];
			pr_notice("management: %s %s from %s refused (%s; %llu so far)",
				  mgmt_action_str(r.action), mgmt_id_str(r.id),
				  net_addr_str(from, s, sizeof(s)),
				  a->allow_remote ? "not in mgmt_acl" : "allow_remote_mgmt 0",
				  (unsigned long long)a->set_refused);
			a->refused_said = now;
		}
	}
	if (!mgmt_answer(&self, &a->ops, m, 1, &resp, tbuf, sizeof(tbuf))) {
		return;
	}
	resp.hdr.minorVersionPTP = (uint8_t)cfg_int(a->ps->cfg, OPT_minorVersionPTP);
	len = msg_pack(&resp, out, sizeof(out));
	if (len >= 0 && a->ps->auth) {
		len = auth_port_sign(a->ps->auth, out, (size_t)len, sizeof(out));
	}
	/* unicast to the requester's address and source port (linuxptp's
	 * pmc listens on 320, ours on an ephemeral port) */
	if (len < 0 || udp_send_raw(a->ps->udp, 0, out, (size_t)len, from)) {
		a->tx_err++;
		return;
	}
	a->ps->cnt->tx_msg[MANAGEMENT]++;
}

int mgmt_agent_get_common(struct mgmt_agent *a, struct mgmt_value *v)
{
	struct port_setup *ps = a->ps;
	struct config *c = ps->cfg;

	switch (v->id) {
	case MID_CLOCK_DESCRIPTION: {
		struct clock_description *d = &v->u.cd;
		struct net_addr self;
		d->clockType = 0x8000; /* 15.5.3.1.2.1 ordinary clock */
		snprintf(d->physicalLayerProtocol, sizeof(d->physicalLayerProtocol), "IEEE 802.3");
		if (!udp_iface_mac(ps->iface, d->physicalAddress)) {
			d->physicalAddressLength = 6;
		}
		if (!udp_local_addr(ps->udp, ps->iface, &self)) {
			mgmt_port_address(&self, &d->protocolAddress);
		}
		if (*cfg_str(c, OPT_productDescription)) {
			snprintf(d->productDescription, sizeof(d->productDescription), "%s",
				 cfg_str(c, OPT_productDescription));
		} else {
			snprintf(d->productDescription, sizeof(d->productDescription),
				 ";ptpbox %s;", ps->applet);
		}
		if (*cfg_str(c, OPT_revisionData)) {
			snprintf(d->revisionData, sizeof(d->revisionData), "%s",
				 cfg_str(c, OPT_revisionData));
		} else {
			snprintf(d->revisionData, sizeof(d->revisionData), ";;%s", PTPBOX_VERSION);
		}
		snprintf(d->userDescription, sizeof(d->userDescription), "%s",
			 a->user_description);
		/* the profile's (profiles/NAME.prof), checked by config */
		hex_pattern(cfg_str(c, OPT_profileIdentity), "hh:hh:hh:hh:hh:hh",
			    d->profileIdentity);
		return 0;
	}
	case MID_USER_DESCRIPTION:
		snprintf(v->u.text, sizeof(v->u.text), "%s", a->user_description);
		return 0;
	case MID_DOMAIN:
		v->u.u8 = (uint8_t)ps->domain;
		return 0;
	case MID_VERSION_NUMBER:
		v->u.u8 = 2;
		return 0;
	case MID_LOG_ANNOUNCE_INTERVAL:
		v->u.i8 = (int8_t)cfg_int(c, OPT_logAnnounceInterval);
		return 0;
	case MID_LOG_SYNC_INTERVAL:
		v->u.i8 = (int8_t)cfg_int(c, OPT_logSyncInterval);
		return 0;
	case MID_ANNOUNCE_RECEIPT_TIMEOUT:
		v->u.u8 = (uint8_t)cfg_int(c, OPT_announceReceiptTimeout);
		return 0;
	case MID_MASTER_ONLY: /* portDS.masterOnly (1588-2019 8.2.15.5.2): the gm's port */
		v->u.u8 = !strcmp(ps->applet, "gm");
		return 0;
	case MID_PORT_DATA_SET_NP:
		v->u.pdsnp.neighborPropDelayThresh = 20000000; /* linuxptp's default; P2P only */
		v->u.pdsnp.asCapable = 0;		       /* 802.1AS only */
		return 0;
	case MID_PORT_REFUSALS_NP: {
		const struct eng_counters *n = ps->cnt;
		uint64_t *r = v->u.refusals.count;
		v->u.refusals.portIdentity = ps->port;
		r[REF_RX_MALFORMED] = n->rx_bad;
		r[REF_RX_OTHER_DOMAIN] = n->rx_other_domain;
		r[REF_RX_UNKNOWN_SOURCE] = n->rx_unknown_src;
		r[REF_MGMT_MALFORMED] = a->rx_bad;
		r[REF_MGMT_RATE_LIMITED] = a->rate_dropped;
		r[REF_MGMT_SET_REFUSED] = a->set_refused;
		r[REF_UC_UNEXPECTED_GRANT] = n->uc_unexpected;
		r[REF_UC_REFUSED_GRANT] = n->uc_refused;
		r[REF_UC_WRONG_SENDER] = n->uc_wrong_sender;
		r[REF_UC_ACL] = n->uc_acl;
		r[REF_UC_BUDGET] = n->uc_budget;
		r[REF_UC_TABLE_FULL] = n->uc_full;
		r[REF_UC_CANCEL_IGNORED] = n->uc_cancel_ignored;
		r[REF_UC_IDENTITY] = n->uc_identity;
		r[REF_AUTH_MISSING] = n->auth_missing;
		r[REF_AUTH_BAD_ICV] = n->auth_bad_icv;
		r[REF_AUTH_UNKNOWN_KEY] = n->auth_unknown_key;
		r[REF_AUTH_REPLAY] = n->auth_replay;
		r[REF_UTC_OFFSET_HELD] = n->utc_offset_held;
		r[REF_DREQ_EXCESS] = n->dreq_excess;
		return 0;
	}
	case MID_PORT_STATS_NP:
		v->u.stats.portIdentity = ps->port;
		memcpy(v->u.stats.rxMsgType, ps->cnt->rx_msg, sizeof(ps->cnt->rx_msg));
		memcpy(v->u.stats.txMsgType, ps->cnt->tx_msg, sizeof(ps->cnt->tx_msg));
		return 0;
	}
	return -MERR_NOT_SUPPORTED;
}

int mgmt_agent_set_common(struct mgmt_agent *a, const struct mgmt_value *v)
{
	switch (v->id) {
	case MID_USER_DESCRIPTION:
		snprintf(a->user_description, sizeof(a->user_description), "%s", v->u.text);
		pr_notice("management: userDescription set to '%s'", a->user_description);
		return 0;
	case MID_DOMAIN:
	case MID_VERSION_NUMBER:
	case MID_LOG_ANNOUNCE_INTERVAL:
	case MID_LOG_SYNC_INTERVAL:
	case MID_ANNOUNCE_RECEIPT_TIMEOUT:
	case MID_UNICAST_NEGOTIATION_ENABLE:
	case MID_SLAVE_ONLY:
	case MID_MASTER_ONLY:
		/* would break running unicast sessions or the profile: set
		 * them in the configuration and restart */
		return -MERR_NOT_SETABLE;
	}
	return -MERR_NOT_SUPPORTED;
}
