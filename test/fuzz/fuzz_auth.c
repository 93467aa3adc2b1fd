/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for message authentication (core/auth.c, the
 * AUTHENTICATION TLV of 1588-2019 16.14).  The input's first octet picks
 * one of four parts (its low two bits), the rest is that part's:
 *   0 sa_file  the rest is the text of an sa_file.  A refusal says where
 *              ("PATH:LINE: ..."); a database has unique spps, every key
 *              of it is found by its id, its algorithm's ICV is 16 or 32
 *              octets, and a port made of each key signs a message that a
 *              port of the same SA takes.
 *   1 check    a datagram (optionally given the TLV first: messageLength
 *              set to its length, signed with a key of the harness's file,
 *              one octet then altered), checked against a port of each of
 *              the harness's two SAs (keys of all four algorithms, one SA
 *              with allow_mutable) in a buffer of its exact size: nothing
 *              is read outside it (ASan), and an offset r > 0 returned is
 *              an AUTHENTICATION TLV of the SA that ends the message.
 *              auth_resign() on a copy of the same size succeeds exactly
 *              when the TLV could be checked, and then the check takes it.
 *   2 round    a message msg_unpack() takes, signed with one of the eight
 *              keys (refused when it would be longer than PTP_MSG_MAX_LEN):
 *              the check finds the TLV where it was put (bytes after
 *              messageLength ignored), the port of the other SA refuses
 *              it, and flipping any one bit of the signed datagram makes
 *              the check fail -- but for correctionField with
 *              allow_mutable, which the ICV does not cover; a changed
 *              correctionField re-signed with auth_resign() is taken.
 *   3 engine   steps: datagrams (raw, or signed with any of the keys;
 *              the op octet's bits in part_engine()) to
 *              eng_receive() with ops.auth set and to a gm whose ops.auth
 *              is set, time advancing (the gm's ticks, transmit stamps).
 *              eng_receive() returns what engine.h says, counts exactly
 *              one counter per refusal, gives the engine only messages
 *              whose TLV checks (management either way, with its flag);
 *              an accepted Sync, Follow_Up or Signaling is never at or
 *              within seqid_window before the last one accepted of its
 *              stream; every datagram the gm sends carries a TLV a peer of
 *              the same SA takes.
 * Build and run: test/fuzz/run.sh [SECONDS] auth
 */
#include <errno.h>
#include <string.h>

#include "../../core/auth.h"
#include "../../core/config.h"
#include "../../core/gm.h"
#include "../../core/wire.h"
#include "fz.h"

/* The harness's sa_file: SA 1 (the golden keys of test/unit/test_auth.c,
 * id 7 as there) and SA 2 with allow_mutable; each with one key of every
 * algorithm. */
static const char sa_text[] =
	"[security_association]\n"
	"spp 1\n"
	"seqid_window 3\n"
	"7 SHA256-128 HEX:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\n"
	"8 SHA256 HEX:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\n"
	"9 AES128 HEX:2b7e151628aed2a6abf7158809cf4f3c\n"
	"10 AES256 32 HEX:603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4\n"
	"[security_association]\n"
	"spp 2\n"
	"seqid_window 5\n"
	"allow_mutable 1\n"
	"1 SHA256-128 ASCII:fuzz\n"
	"2 SHA256 B64:cHRwYm94LWZ1enotc2hhMjU2LWtleQ==\n"
	"65536 AES128 16 0123456789abcdef\n"
	"4294967295 AES256 HEX:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

static struct auth_db *db;
static const struct auth_sa *sas[2];
static struct auth_port *ports[2]; /* parts 1 and 2: checks keep no state */

static void init(void)
{
	char err[256];
	int i;

	db = auth_db_parse(sa_text, sizeof(sa_text) - 1, "fuzz.sa", err, sizeof(err));
	if (!db) {
		fprintf(stderr, "fuzz_auth: %s\n", err);
		abort();
	}
	for (i = 0; i < 2; i++) {
		sas[i] = auth_sa_find(db, i + 1);
		FZ_CHECK(sas[i] && sas[i]->n_keys == 4);
		ports[i] = auth_port_create(db, i + 1, sas[i]->key[0].id, 16, err, sizeof(err));
		FZ_CHECK(ports[i]);
	}
}

/* Key sel (0..7): SA sel >> 2, its key sel & 3. */
static const struct auth_key *key_of(int sel, int *sa)
{
	*sa = (sel >> 2) & 1;
	return &sas[*sa]->key[sel & 3];
}

/* A heap copy of exactly n octets (ASan sees a read past it). */
static uint8_t *exact(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	FZ_CHECK(c);
	if (n) {
		memcpy(c, p, n);
	}
	return c;
}

/* A Sync of 44 octets from clock 02..01, sequenceId seq. */
static size_t sync_msg(uint8_t *buf, uint16_t seq)
{
	memset(buf, 0, 44);
	buf[0] = SYNC;
	buf[1] = 0x12;
	put_be16(buf + 2, 44);
	buf[20] = 0x02;
	buf[27] = 0x01;
	put_be16(buf + 28, 1);
	put_be16(buf + 30, seq);
	buf[33] = 0x7f;
	return 44;
}

/* ---- part 0: the sa_file parser ---- */

static void part_sa_file(const uint8_t *data, size_t size)
{
	static const char path[] = "fuzz.sa";
	char err[256];
	struct auth_db *d;
	int i, j, k;

	err[0] = 0;
	d = auth_db_parse((const char *)data, size, path, err, sizeof(err));
	FZ_CHECK(memchr(err, 0, sizeof(err)));
	if (!d) {
		FZ_CHECK(!strncmp(err, "fuzz.sa", 7) && err[7] == ':');
		return;
	}
	FZ_CHECK(d->n_sa >= 0 && d->n_sa <= AUTH_MAX_SA);
	for (i = 0; i < d->n_sa; i++) {
		const struct auth_sa *sa = &d->sa[i];
		FZ_CHECK(auth_sa_find(d, sa->spp) == sa);
		FZ_CHECK(sa->allow_mutable <= 1 && sa->seqid_window <= 32767);
		FZ_CHECK(sa->n_keys >= 0 && sa->n_keys <= AUTH_MAX_KEYS);
		for (j = 0; j < sa->n_keys; j++) {
			const struct auth_key *key = &sa->key[j];
			struct auth_port *ap, *peer;
			uint8_t buf[44 + AUTH_TLV_MAX];
			size_t n;
			int s;

			FZ_CHECK(key->id >= 1);
			FZ_CHECK(auth_key_find(sa, key->id) == key);
			FZ_CHECK(key->alg <= AUTH_AES256);
			FZ_CHECK(key->icv_len == (key->alg == AUTH_SHA256 ? 32 : 16));
			ap = auth_port_create(d, sa->spp, key->id, 4, err, sizeof(err));
			FZ_CHECK(ap);
			/* a port signing with another key of the SA takes it */
			k = sa->n_keys - 1 - j;
			peer = auth_port_create(d, sa->spp, sa->key[k].id, 4, err, sizeof(err));
			FZ_CHECK(peer);
			n = sync_msg(buf, (uint16_t)j);
			s = auth_port_sign(ap, buf, n, sizeof(buf));
			FZ_CHECK(s == (int)(n + AUTH_TLV_FIXED + key->icv_len));
			FZ_CHECK(auth_check(peer, buf, (size_t)s) == (int)n);
			auth_port_destroy(peer);
			auth_port_destroy(ap);
		}
	}
	/* no SA 256 and no key 0, whatever the file says */
	FZ_CHECK(!auth_sa_find(d, 256) && !auth_sa_find(d, -1));
	for (i = 0; i < d->n_sa; i++) {
		FZ_CHECK(!auth_key_find(&d->sa[i], 0));
	}
	auth_db_free(d);
}

/* ---- part 1: auth_check() and auth_resign() on any datagram ---- */

/* What auth_check() returned for buf (n octets) at port i: one of the
 * documented results, and an offset only of a TLV that can be checked. */
static void check_result(int i, const uint8_t *buf, size_t n, int r)
{
	const struct auth_key *key;
	size_t mlen;

	FZ_CHECK(r > 0 || r == -ENOMSG || r == -EKEYREJECTED || r == -EBADMSG || r == -EPROTO);
	if (r <= 0) {
		return;
	}
	FZ_CHECK(n >= PTP_HEADER_LEN);
	mlen = get_be16(buf + 2);
	FZ_CHECK(mlen <= n && mlen <= PTP_MSG_MAX_LEN);
	FZ_CHECK((size_t)r >= PTP_HEADER_LEN && (size_t)r + AUTH_TLV_FIXED < mlen);
	FZ_CHECK(get_be16(buf + r) == TLV_AUTHENTICATION);
	FZ_CHECK((size_t)r + 4 + get_be16(buf + r + 2) == mlen);
	FZ_CHECK(buf[r + 4] == sas[i]->spp && buf[r + 5] == 0);
	key = auth_key_find(sas[i], get_be32(buf + r + 6));
	FZ_CHECK(key);
	FZ_CHECK(get_be16(buf + r + 2) == AUTH_TLV_FIXED - 4 + key->icv_len);
}

static void part_check(struct fz_in *in)
{
	uint8_t sel = fz_u8(in), xor = fz_u8(in);
	uint16_t pos = fz_u16(in);
	size_t n;
	const uint8_t *p = fz_bytes(in, (size_t)-1, &n);
	uint8_t *buf = NULL;
	int i;

	if ((sel & 0x80) && n >= PTP_HEADER_LEN && n <= PTP_MSG_MAX_LEN) {
		/* given the TLV of key sel & 7, then octet pos ^ xor */
		int sa, s;
		const struct auth_key *key = key_of(sel & 7, &sa);

		buf = malloc(n + AUTH_TLV_FIXED + key->icv_len);
		FZ_CHECK(buf);
		memcpy(buf, p, n);
		put_be16(buf + 2, (uint16_t)n);
		s = auth_sign(sas[sa], key, buf, n, n + AUTH_TLV_FIXED + key->icv_len);
		if (n + AUTH_TLV_FIXED + key->icv_len > PTP_MSG_MAX_LEN) {
			FZ_CHECK(s == -EMSGSIZE);
		} else {
			FZ_CHECK(s == (int)(n + AUTH_TLV_FIXED + key->icv_len));
			n = (size_t)s;
		}
		buf[pos % n] ^= (sel & 0x40) ? xor : 0;
		p = buf;
	}
	for (i = 0; i < 2; i++) {
		uint8_t *c = exact(p, n), *d = exact(p, n);
		int r = auth_check(ports[i], c, n), rr;

		check_result(i, c, n, r);
		FZ_CHECK(!memcmp(c, p, n)); /* const */
		rr = auth_resign(sas[i], d, n);
		FZ_CHECK(rr == 0 || rr == -EBADMSG);
		if (r > 0) {
			/* a valid ICV recomputed is the same ICV */
			FZ_CHECK(rr == 0 && !memcmp(c, d, n));
		}
		if (rr == 0) {
			int r2 = auth_check(ports[i], d, n);
			check_result(i, d, n, r2);
			FZ_CHECK(r2 > 0);
		} else {
			/* nothing changed, and the check refused it too */
			FZ_CHECK(!memcmp(c, d, n) && r < 0);
		}
		free(c);
		free(d);
	}
	free(buf);
}

/* ---- part 2: sign, check, flip a bit ---- */

static void part_round_trip(struct fz_in *in)
{
	static struct ptp_msg m, m2;
	uint8_t sel = fz_u8(in);
	uint32_t bit = fz_u32(in);
	uint64_t corr = ((uint64_t)fz_u32(in) << 32) | fz_u32(in);
	size_t n, mlen, len, tl;
	const uint8_t *p = fz_bytes(in, (size_t)-1, &n);
	const struct auth_key *key;
	uint8_t *buf, *d;
	int sa, s, r, at;

	if (msg_unpack(p, n, &m)) {
		return;
	}
	mlen = get_be16(p + 2);
	key = key_of(sel & 7, &sa);
	tl = AUTH_TLV_FIXED + key->icv_len;
	/* the message signed in a buffer just large enough */
	buf = malloc(mlen + tl);
	FZ_CHECK(buf);
	memcpy(buf, p, mlen);
	s = auth_sign(sas[sa], key, buf, mlen, mlen + tl);
	if (mlen + tl > PTP_MSG_MAX_LEN) {
		/* no longer message is signed (nor taken: part 1) */
		FZ_CHECK(s == -EMSGSIZE);
		free(buf);
		return;
	}
	FZ_CHECK(s == (int)(mlen + tl));
	FZ_CHECK(!memcmp(buf + 4, p + 4, mlen - 4)); /* only messageLength changed */
	FZ_CHECK(get_be16(buf + 2) == s && get_be16(buf + mlen) == TLV_AUTHENTICATION);
	/* the datagram: the signed message, then what followed messageLength */
	len = (size_t)s + (n - mlen);
	d = malloc(len);
	FZ_CHECK(d);
	memcpy(d, buf, (size_t)s);
	memcpy(d + s, p + mlen, n - mlen);
	free(buf);

	at = auth_check(ports[sa], d, len);
	FZ_CHECK(at == (int)mlen);
	FZ_CHECK(auth_check(ports[!sa], d, len) == -EBADMSG); /* another spp */
	if (m.n_tlv < PTP_MAX_TLV) {
		FZ_CHECK(!msg_unpack(d, len, &m2));
		FZ_CHECK(m2.n_tlv == m.n_tlv + 1 &&
			 m2.tlv[m.n_tlv].tlvType == TLV_AUTHENTICATION);
	}

	/* one bit of the message flipped: refused, but for correctionField
	 * (octets 8..15) when the SA allows it to change on the path */
	bit %= (uint32_t)s * 8;
	d[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	r = auth_check(ports[sa], d, len);
	if (sas[sa]->allow_mutable && bit / 8 >= 8 && bit / 8 < 16) {
		FZ_CHECK(r == (int)mlen);
	} else {
		FZ_CHECK(r < 0);
	}
	d[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	FZ_CHECK(auth_check(ports[sa], d, len) == (int)mlen);

	/* a transparent clock's correction, re-signed, is taken */
	if (corr != get_be64(d + 8)) {
		put_be64(d + 8, corr);
		r = auth_check(ports[sa], d, len);
		FZ_CHECK(sas[sa]->allow_mutable ? r == (int)mlen : r == -EBADMSG);
		FZ_CHECK(auth_resign(sas[sa], d, len) == 0);
		FZ_CHECK(auth_check(ports[sa], d, len) == (int)mlen);
	}
	free(d);
}

/* ---- part 3: eng_receive() and a gm with ops.auth ---- */

static const char gm_cfg[] = "[global]\nprofile ocp-dc\nnetwork_transport UDPv6\n"
			     "time_stamping software\nunicast_max_clients 8\nsummary_interval 3\n"
			     "logSyncInterval -3\nlogMinDelayReqInterval -3\n";

/* The streams the replay check keeps, as the harness sees them: the last
 * sequenceId accepted of each. */
#define MAX_STREAMS 2048
struct stream {
	uint8_t key[11];
	uint16_t last;
};

struct world {
	struct fz_io io, gio; /* eng_receive()'s and the gm's */
	struct fz_clk clk, gclk;
	struct eng_ops ops, gops;
	struct eng_counters cnt;
	struct port_identity self;
	struct gm *gm;
	struct auth_port *ap, *gap, *peer; /* eng_receive's, the gm's, a checker */
	int sa;
	int mgmt_calls, mgmt_authed;
	struct stream streams[MAX_STREAMS];
	int n_streams;
	tmv_t now;
};

static struct world w;
static struct config *gm_config;

static void on_mgmt(void *io, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated)
{
	(void)io;
	(void)from;
	FZ_CHECK(m->hdr.messageType == MANAGEMENT);
	FZ_CHECK(authenticated == 0 || authenticated == 1);
	w.mgmt_calls++;
	w.mgmt_authed = authenticated;
}

static uint64_t refused_auth(const struct eng_counters *c)
{
	return c->auth_missing + c->auth_bad_icv + c->auth_unknown_key + c->auth_replay;
}

static uint64_t rx_all(const struct eng_counters *c)
{
	uint64_t s = 0;
	int i;
	for (i = 0; i < 16; i++) {
		s += c->rx_msg[i];
	}
	return s;
}

/* The harness's model of the replay window: an accepted message of a
 * checked type is not at or within seqid_window before the last accepted
 * of its stream (what a replay of recent traffic looks like). */
static void replay_model(const struct ptp_msg *m)
{
	uint16_t W = sas[w.sa]->seqid_window, back;
	uint8_t type = m->hdr.messageType, k[11];
	int i;

	if (!W || (type != SYNC && type != FOLLOW_UP && type != SIGNALING)) {
		return;
	}
	memcpy(k, m->hdr.sourcePortIdentity.clockIdentity.id, 8);
	put_be16(k + 8, m->hdr.sourcePortIdentity.portNumber);
	k[10] = (uint8_t)(type | (type == SIGNALING && m->n_tlv ? (m->tlv[0].tlvType & 0x0f) << 4
								: 0));
	for (i = 0; i < w.n_streams; i++) {
		if (!memcmp(w.streams[i].key, k, 11)) {
			back = (uint16_t)(w.streams[i].last - m->hdr.sequenceId);
			FZ_CHECK(back > W);
			w.streams[i].last = m->hdr.sequenceId;
			return;
		}
	}
	if (w.n_streams < MAX_STREAMS) {
		memcpy(w.streams[w.n_streams].key, k, 11);
		w.streams[w.n_streams++].last = m->hdr.sequenceId;
	}
}

static void deliver(const uint8_t *p, size_t n, int event, const struct net_addr *from)
{
	static struct ptp_msg m, raw;
	struct eng_counters before = w.cnt;
	uint8_t *c = exact(p, n);
	int a = auth_check(w.ap, c, n), r, calls = w.mgmt_calls, unpacks;

	unpacks = !msg_unpack(c, n, &raw);
	r = eng_receive(&w.ops, &w.cnt, c, n, 0, &w.self, from, &m);
	FZ_CHECK(r == 0 || r == -EBADMSG || r == -EACCES || r == -EXDEV || r == -ELOOP ||
		 r == -EAGAIN);
	/* one counter per refusal, exactly */
	FZ_CHECK(refused_auth(&w.cnt) - refused_auth(&before) == (r == -EACCES));
	FZ_CHECK(w.cnt.rx_bad - before.rx_bad == (r == -EBADMSG));
	FZ_CHECK(w.cnt.rx_other_domain - before.rx_other_domain == (r == -EXDEV));
	FZ_CHECK(rx_all(&w.cnt) - rx_all(&before) == (r == 0 || r == -EAGAIN));
	FZ_CHECK(w.mgmt_calls - calls == (r == -EAGAIN));
	if (r == 0 || r == -EAGAIN) {
		FZ_CHECK(unpacks);
		FZ_CHECK(m.hdr.messageType == (c[0] & 0x0f));
		if (r == -EAGAIN) {
			FZ_CHECK(m.hdr.messageType == MANAGEMENT && w.mgmt_authed == (a > 0));
		} else {
			FZ_CHECK(m.hdr.messageType != MANAGEMENT && a > 0);
		}
		/* the engine sees the message without its AUTHENTICATION TLV */
		FZ_CHECK(m.n_tlv == raw.n_tlv - (a > 0));
		if (a > 0) {
			replay_model(&m);
		}
	}
	if (a < 0 && (c[0] & 0x0f) != MANAGEMENT && r != -EBADMSG) {
		FZ_CHECK(r == -EACCES);
	}
	gm_rx(w.gm, event, from, c, n, 0, w.now);
	free(c);
}

/* Every datagram the gm sent carries a TLV of its SA; then forgotten. */
static void gm_sent(void)
{
	int i;
	for (i = 0; i < w.gio.n; i++) {
		FZ_CHECK(auth_check(w.peer, w.gio.q[i].buf, w.gio.q[i].len) > 0);
	}
	w.gio.n = 0;
}

static void part_engine(struct fz_in *in)
{
	static uint8_t buf[PTP_MSG_MAX_LEN + AUTH_TLV_MAX];
	char err[256];
	int i, steps = 0;
	uint8_t mode = fz_u8(in);

	memset(&w, 0, sizeof(w));
	w.now = 1000 * NS_PER_SEC;
	w.sa = mode & 1;
	fz_clk_init(&w.clk, &w.now);
	fz_clk_init(&w.gclk, &w.now);
	fz_eng_ops(&w.ops, &w.io, &w.clk);
	fz_eng_ops(&w.gops, &w.gio, &w.gclk);
	w.ops.mgmt = on_mgmt;
	w.gops.mgmt = NULL; /* counted and dropped */
	w.ap = auth_port_create(db, w.sa + 1, sas[w.sa]->key[(mode >> 1) & 3].id, MAX_STREAMS,
				err, sizeof(err));
	w.gap = auth_port_create(db, w.sa + 1, sas[w.sa]->key[(mode >> 3) & 3].id, 64, err,
				 sizeof(err));
	w.peer = auth_port_create(db, w.sa + 1, sas[w.sa]->key[0].id, 4, err, sizeof(err));
	FZ_CHECK(w.ap && w.gap && w.peer);
	w.ops.auth = w.ap;
	w.gops.auth = w.gap;
	memcpy(w.self.clockIdentity.id, "\x02\x00\x00\xff\xfe\x00\x00\x01", 8);
	w.self.portNumber = 1;
	{
		struct eng_port port;
		memset(&port, 0, sizeof(port));
		port.clockIdentity = w.self.clockIdentity;
		port.iface = "fuzz0";
		port.transport = TRANS_UDP_IPV6;
		w.gm = gm_create(gm_config, &port, &w.gops, w.now, err, sizeof(err));
		FZ_CHECK(w.gm);
	}
	gm_sent();

	while (in->n && steps++ < 256) {
		uint8_t op = fz_u8(in);
		if ((op & 3) == 3) {
			/* time: ms, ticks due, every stamp asked for */
			tmv_t next = 0;
			w.now += (tmv_t)(fz_u16(in) % 4000 + 1) * 1000000;
			for (i = 0; i < 8 && (next = gm_tick(w.gm, w.now)) <= w.now; i++) {
			}
			FZ_CHECK(next > w.now || i == 8);
			for (i = 0; i < w.gio.n_ts; i++) {
				gm_tx_ts(w.gm, w.gio.ts_ids[i], (tmv_t)w.now + 5000, w.now);
			}
			w.gio.n_ts = 0;
			gm_sent();
		} else {
			/* a datagram from fd00::(1 + (op >> 6)), on the event
			 * port when op & 8: raw, or (op & 4) with the TLV of
			 * key (op >> 4) & 3 of this SA (op & 1: of the other
			 * SA) after messageLength was set to its length
			 * (unless op & 2) */
			uint16_t want = fz_u16(in);
			size_t n;
			const uint8_t *p = fz_bytes(in, want % (PTP_MSG_MAX_LEN + 1), &n);
			struct net_addr from = fz_addr6(1 + (op >> 6));

			memcpy(buf, p, n);
			if (op & 0x04 && n >= PTP_HEADER_LEN) {
				int sa = w.sa ^ (op & 1), s;
				const struct auth_key *key = &sas[sa]->key[(op >> 4) & 3];
				if (!(op & 2)) {
					put_be16(buf + 2, (uint16_t)n);
				}
				s = auth_sign(sas[sa], key, buf, n, sizeof(buf));
				if (s > 0) {
					n = (size_t)s;
				}
			}
			deliver(buf, n, (op >> 3) & 1, &from);
			gm_sent();
		}
	}
	gm_stop(w.gm, w.now);
	gm_tick(w.gm, w.now + NS_PER_SEC);
	gm_sent();
	gm_destroy(w.gm);
	auth_port_destroy(w.ap);
	auth_port_destroy(w.gap);
	auth_port_destroy(w.peer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };

	if (!db) {
		char err[256];
		init();
		gm_config = config_create(CFG_ROLE_GM);
		if (!gm_config ||
		    config_read(gm_config, fz_text_file(gm_cfg), NULL, err, sizeof(err)) ||
		    config_finish(gm_config, err, sizeof(err))) {
			fprintf(stderr, "fuzz_auth: gm configuration: %s\n", err);
			abort();
		}
	}
	switch (fz_u8(&in) & 3) {
	case 0:
		part_sa_file(in.p, in.n);
		break;
	case 1:
		part_check(&in);
		break;
	case 2:
		part_round_trip(&in);
		break;
	default:
		part_engine(&in);
		break;
	}
	return 0;
}
