/* SPDX-License-Identifier: BSD-2-Clause */
/* Unicast negotiation, the requester's side (the oc asking its masters for
 * Announce, Sync and Delay_Resp): 1588-2019 16.1, G.8265.1 6.6.  Apart
 * from the grantor (core/unicast.c) so that it is compiled for size.  See
 * unicast.h. */
#include <errno.h>
#include <string.h>

#include "tlv.h"
#include "unicast.h"

#define UC_MAX_FAILURES 3 /* G.8265.1 6.6 */

void uc_req_init(struct uc_requester *r, const struct uc_requester_cfg *cfg, tmv_t now)
{
	int i;
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	if (r->cfg.retry < NS_PER_SEC) {
		r->cfg.retry = NS_PER_SEC; /* G.8265.1 6.6: at least 1 s */
	}
	for (i = 0; i < UC_NSVC; i++) {
		r->svc[i].next_req = now;
		r->svc[i].logInterMessagePeriod = cfg->logInterMessagePeriod[i];
		/* long ago */
		r->svc[i].last_req = r->svc[i].cancel_sent = r->svc[i].granted_at = INT64_MIN / 2;
	}
}

void uc_req_want(struct uc_requester *r, int svc, int want, tmv_t now)
{
	struct uc_req_svc *s = &r->svc[svc];
	if (want == s->wanted) {
		return;
	}
	s->wanted = want;
	if (want) {
		s->cancel_pending = 0;
		if (s->state != UC_GRANTED) {
			s->state = UC_IDLE;
			s->failures = 0;
			if (s->next_req > now + r->cfg.retry) {
				s->next_req = now;
			}
		}
	} else if (s->state != UC_IDLE) {
		s->cancel_pending = 1;
		s->state = UC_IDLE;
	}
}

static void add_request(struct uc_requester *r, int svc, struct ptp_msg *sig, tmv_t now)
{
	struct tlv *t = msg_add_tlv(sig, TLV_REQUEST_UNICAST_TRANSMISSION);
	/* the answer is taken until the next request (16.1.4.1: a GRANT or a
	 * denial answers a REQUEST; none is expected otherwise) */
	r->svc[svc].answer_by = now + r->cfg.retry;
	r->svc[svc].last_req = now;
	if (t) {
		t->u.uc.messageType = uc_svc_msgtype(svc);
		t->u.uc.logInterMessagePeriod = r->cfg.logInterMessagePeriod[svc];
		t->u.uc.durationField = r->cfg.durationField;
	}
}

/* One more failure; returns UC_EV_GAVE_UP on the third in a row.  Sync and
 * Delay_Resp then wait cfg.backoff (G.8265.1 6.6, the other choice being a
 * different master, which the BMCA makes); Announce too with
 * cfg.announce_backoff (G.8265.1), else it keeps asking every retry
 * interval: that is unicast discovery (1588 17.4, OCP 7.13.1). */
static int fail(struct uc_requester *r, struct uc_req_svc *s, tmv_t now)
{
	s->state = UC_IDLE;
	if (++s->failures >= UC_MAX_FAILURES) {
		s->failures = 0;
		s->next_req = now + (s == &r->svc[UC_ANNOUNCE] && !r->cfg.announce_backoff
					     ? r->cfg.retry
					     : r->cfg.backoff);
		return UC_EV_GAVE_UP;
	}
	s->next_req = now + r->cfg.retry;
	return 0;
}

int uc_req_tick(struct uc_requester *r, tmv_t now, struct ptp_msg *sig, int *events)
{
	int i, added = 0;

	*events = 0;
	for (i = 0; i < UC_NSVC; i++) {
		struct uc_req_svc *s = &r->svc[i];

		if (s->cancel_pending) {
			struct tlv *t = msg_add_tlv(sig, TLV_CANCEL_UNICAST_TRANSMISSION);
			if (t) {
				t->u.uc.messageType = uc_svc_msgtype(i);
				added++;
			}
			s->cancel_pending = 0;
			s->cancel_sent = now;
		}
		if (!s->wanted) {
			continue;
		}
		switch (s->state) {
		case UC_GRANTED:
			if (now >= s->expires) {
				/* expired without a renewal: ask again now */
				s->state = UC_IDLE;
				s->next_req = now;
			} else if (now >= s->renew_at && now >= s->next_req) {
				add_request(r, i, sig, now);
				added++;
				s->next_req = now + r->cfg.retry;
				break;
			} else {
				break;
			}
			/* fall through */
		case UC_IDLE:
			if (now >= s->next_req) {
				add_request(r, i, sig, now);
				added++;
				s->state = UC_REQUESTED;
				s->next_req = now + r->cfg.retry;
			}
			break;
		case UC_REQUESTED:
			if (now >= s->next_req) {
				/* no answer within the retry interval: that
				 * interval was the wait, ask again now unless
				 * this was the third failure */
				int ev = fail(r, s, now);
				*events |= ev;
				if (!(ev & UC_EV_GAVE_UP)) {
					add_request(r, i, sig, now);
					added++;
					s->state = UC_REQUESTED;
					s->next_req = now + r->cfg.retry;
				}
			}
			break;
		}
	}
	return added;
}

int uc_req_grant(struct uc_requester *r, const struct tlv_unicast *g, tmv_t now)
{
	int svc = uc_msgtype_svc(g->messageType);
	struct uc_req_svc *s;
	tmv_t dur, margin;

	if (svc < 0) {
		return UC_EV_UNEXPECTED;
	}
	s = &r->svc[svc];
	if (!s->answer_by || now > s->answer_by) {
		/* no request of ours waits for it: a forgery or a very late
		 * answer; believing a denial would start the back-off */
		return UC_EV_UNEXPECTED;
	}
	s->answer_by = 0;
	if (!s->wanted) {
		/* a late grant for something we dropped: cancel it */
		s->cancel_pending = g->durationField != 0;
		return 0;
	}
	if (g->durationField == 0) {
		return UC_EV_DENIED | fail(r, s, now);
	}
	if (g->logInterMessagePeriod < r->cfg.logInterMessagePeriod[svc] ||
	    (r->cfg.exact && g->logInterMessagePeriod != r->cfg.logInterMessagePeriod[svc]) ||
	    g->logInterMessagePeriod > r->cfg.max_log[svc] ||
	    g->durationField < r->cfg.min_duration ||
	    (r->cfg.max_duration && g->durationField > r->cfg.max_duration)) {
		/* G.8265.1 Annex A (cfg.exact): the grant carries the
		 * requested interval; OCP 7.13.2: the GM may grant another,
		 * and a slower one within the profile's range is taken.  A
		 * faster one (it would make us answer or send at that rate)
		 * or a duration outside the profile's range is refused:
		 * cancel it, count a failure */
		s->cancel_pending = 1;
		return UC_EV_REFUSED | fail(r, s, now);
	}
	s->state = UC_GRANTED;
	s->failures = 0;
	s->granted_at = now;
	s->logInterMessagePeriod = g->logInterMessagePeriod;
	s->durationField = g->durationField;
	dur = (tmv_t)g->durationField * NS_PER_SEC;
	s->expires = now + dur;
	/* A.9.4.2: renew with room for two more tries before expiry */
	margin = 3 * r->cfg.retry;
	if (margin > dur / 2) {
		margin = dur / 2;
	}
	s->renew_at = s->expires - margin;
	s->next_req = s->renew_at;
	return UC_EV_GRANTED;
}

/* Ask for s again at once, or when the retry interval since the last
 * request ends (G.8265.1 6.6 spaces requests; a stream of forged CANCELs
 * or ACKNOWLEDGE_CANCELs then makes no stream of requests). */
static void ask_again(struct uc_requester *r, struct uc_req_svc *s, tmv_t now)
{
	s->state = UC_IDLE;
	s->next_req = now - s->last_req < r->cfg.retry ? s->last_req + r->cfg.retry : now;
}

int uc_req_cancelled(struct uc_requester *r, const struct tlv_unicast *c, tmv_t now,
		     struct tlv_unicast *ack)
{
	int svc = uc_msgtype_svc(c->messageType);
	struct uc_req_svc *s;

	memset(ack, 0, sizeof(*ack));
	ack->messageType = c->messageType;
	if (svc < 0 || r->svc[svc].state == UC_IDLE) {
		return 0; /* acknowledged (16.1.4.4), nothing held to stop */
	}
	s = &r->svc[svc];
	s->answer_by = 0;
	s->state = UC_IDLE;
	/* 16.1.4.3: the grantor stops.  Asked again after the retry
	 * interval, not at once: a master that CANCELs is stopping (ours
	 * denies every REQUEST then, and a denial at once would bring
	 * G.8265.1 6.6's 60 s back-off a request sooner), and one forged in
	 * its name stops nothing (the master serves on: it ignores our
	 * ACKNOWLEDGE_CANCEL of a CANCEL it did not send) */
	s->next_req = now + r->cfg.retry;
	return s->wanted;
}

int uc_req_lost(struct uc_requester *r, int svc, tmv_t now)
{
	struct uc_req_svc *s = &r->svc[svc];
	if (!s->wanted || s->state != UC_GRANTED) {
		return 0;
	}
	s->failures = 0;
	ask_again(r, s, now);
	return 1;
}

int uc_req_acked(struct uc_requester *r, const struct tlv_unicast *a, tmv_t now)
{
	int svc = uc_msgtype_svc(a->messageType);
	if (svc < 0 || now - r->svc[svc].cancel_sent < r->cfg.retry) {
		return 0; /* the answer to our CANCEL */
	}
	return uc_req_lost(r, svc, now);
}

int uc_req_granted(const struct uc_requester *r, int svc, tmv_t now)
{
	return r->svc[svc].state == UC_GRANTED && now < r->svc[svc].expires;
}

tmv_t uc_req_next(const struct uc_requester *r)
{
	tmv_t t = INT64_MAX;
	int i;
	for (i = 0; i < UC_NSVC; i++) {
		const struct uc_req_svc *s = &r->svc[i];
		tmv_t d = INT64_MAX;
		if (s->cancel_pending) {
			return 0;
		}
		if (!s->wanted) {
			continue;
		}
		d = s->next_req;
		if (s->state == UC_GRANTED && s->expires < d) {
			d = s->expires;
		}
		if (d < t) {
			t = d;
		}
	}
	return t;
}
