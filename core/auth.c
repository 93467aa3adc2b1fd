/* SPDX-License-Identifier: BSD-2-Clause */
/* AUTHENTICATION TLV, security associations and replay state; see auth.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "util.h"
#include "wire.h"

/* 1588-2019 16.14.4 integrity algorithms, by linuxptp's sa_file names */
static const struct {
	const char *name;
	uint8_t key_len; /* 0: any */
	uint8_t icv_len;
} algs[] = {
	[AUTH_SHA256_128] = { "SHA256-128", 0, 16 },
	[AUTH_SHA256] = { "SHA256", 0, 32 },
	[AUTH_AES128] = { "AES128", 16, 16 },
	[AUTH_AES256] = { "AES256", 32, 16 },
};

#define KEY_TEXT_MAX 256 /* octets of one key */

struct sa_parse {
	struct auth_db *db;
	struct auth_sa *sa; /* the SA key lines go to, NULL before "spp" */
	const char *path;
	int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int fail(struct sa_parse *p, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(p->err, p->errlen, "%s:%d: ", p->path, p->line);
	if (n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* RFC 4648 section 4 Base64 (padding optional) into out; octets or -1. */
static int b64_decode(const char *s, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	size_t n = 0, bits = 0, pad = 0;

	for (; *s; s++) {
		int v = b64val((unsigned char)*s);
		if (*s == '=') {
			pad++;
			continue;
		}
		if (v < 0 || pad) {
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap) {
				return -1;
			}
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* leftover bits must be zero padding of the last group */
	if (bits >= 6 || (acc & ((1u << bits) - 1)) || pad > 2) {
		return -1;
	}
	return (int)n;
}

/* A key value (ASCII:, HEX:, B64: or raw octets) into out; octets, or -1
 * after fail(). */
static int key_value(struct sa_parse *p, const char *v, uint8_t *out, size_t cap)
{
	size_t i, n;
	int r;

	if (!strncmp(v, "HEX:", 4)) {
		v += 4;
		n = strlen(v);
		if (n % 2 || n / 2 > cap) {
			/* the key itself is never echoed: error lines reach logs */
			fail(p, "key HEX: %zu digits: hexadecimal keys need an even number of "
				"digits, at most %zu octets",
			     n, cap);
			return -1;
		}
		for (i = 0; i < n; i += 2) {
			int hi = hex_digit((unsigned char)v[i]), lo = hex_digit((unsigned char)v[i + 1]);
			if (hi < 0 || lo < 0) {
				fail(p, "key HEX: not a hexadecimal digit at %zu", i + (hi < 0 ? 0 : 1));
				return -1;
			}
			out[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		return (int)(n / 2);
	}
	if (!strncmp(v, "B64:", 4)) {
		r = b64_decode(v + 4, out, cap);
		if (r < 0) {
			fail(p, "key B64: not Base64 (RFC 4648), or more than %zu octets", cap);
		}
		return r;
	}
	if (!strncmp(v, "ASCII:", 6)) {
		v += 6;
	}
	n = strlen(v);
	if (n > cap) {
		fail(p, "key: longer than %zu octets", cap);
		return -1;
	}
	memcpy(out, v, n);
	return (int)n;
}

/* "id type [length] value" */
static int key_line(struct sa_parse *p, char **tok, int ntok)
{
	uint8_t raw[KEY_TEXT_MAX];
	struct auth_key *k;
	unsigned long long id, want = 0;
	char *end;
	int alg, n, i;

	if (ntok < 3 || ntok > 4) {
		return fail(p, "unknown line: a key line is 'ID TYPE [LENGTH] KEY'");
	}
	if (!p->sa) {
		return fail(p, "key %s before any 'spp N' line", tok[0]);
	}
	id = strtoull(tok[0], &end, 10);
	if (*end || end == tok[0] || tok[0][0] == '-' || id < 1 || id > 0xffffffffull) {
		return fail(p, "key id %s: out of range, allowed 1..4294967295", tok[0]);
	}
	if (auth_key_find(p->sa, (uint32_t)id)) {
		return fail(p, "key id %llu: given twice in spp %u", id, p->sa->spp);
	}
	for (alg = 0; alg < (int)(sizeof(algs) / sizeof(algs[0])); alg++) {
		if (!strcasecmp(tok[1], algs[alg].name)) {
			break;
		}
	}
	if (alg == (int)(sizeof(algs) / sizeof(algs[0]))) {
		return fail(p, "key %llu: algorithm %s: unknown, allowed SHA256-128, SHA256, AES128, "
			       "AES256",
			    id, tok[1]);
	}
	if (ntok == 4) {
		want = strtoull(tok[2], &end, 10);
		if (*end || end == tok[2] || want < 1 || want > KEY_TEXT_MAX) {
			return fail(p, "key %llu: length %s: out of range, allowed 1..%d", id, tok[2],
				    KEY_TEXT_MAX);
		}
	}
	n = key_value(p, tok[ntok - 1], raw, sizeof(raw));
	if (n < 0) {
		return -EINVAL;
	}
	if (n == 0 || (want && (unsigned long long)n != want) ||
	    (algs[alg].key_len && n != algs[alg].key_len)) {
		crypto_wipe(raw, sizeof(raw));
		if (algs[alg].key_len) {
			return fail(p, "key %llu: %d octets, %s needs %d", id, n, algs[alg].name,
				    algs[alg].key_len);
		}
		return fail(p, "key %llu: %d octets, %s", id, n,
			    n ? "not the length given" : "allowed 1 and more");
	}
	if (p->sa->n_keys == AUTH_MAX_KEYS) {
		crypto_wipe(raw, sizeof(raw));
		return fail(p, "key %llu: more than %d keys in spp %u", id, AUTH_MAX_KEYS,
			    p->sa->spp);
	}
	k = &p->sa->key[p->sa->n_keys++];
	k->id = (uint32_t)id;
	k->alg = (uint8_t)alg;
	k->icv_len = algs[alg].icv_len;
	if (alg == AUTH_SHA256_128 || alg == AUTH_SHA256) {
		hmac_sha256_init(&k->k.hmac, raw, (size_t)n);
	} else {
		i = aes_cmac_init(&k->k.cmac, raw, (size_t)n);
		(void)i; /* the length was checked above */
	}
	crypto_wipe(raw, sizeof(raw));
	return 0;
}

/* "NAME N" settings of the current SA, with N in lo..hi */
static int sa_number(struct sa_parse *p, char **tok, int ntok, long lo, long hi, long *v)
{
	char *end;

	if (ntok != 2) {
		return fail(p, "%s: needs one value", tok[0]);
	}
	*v = strtol(tok[1], &end, 10);
	if (*end || end == tok[1] || *v < lo || *v > hi) {
		return fail(p, "%s %s: out of range, allowed %ld..%ld", tok[0], tok[1], lo, hi);
	}
	if (!p->sa && strcmp(tok[0], "spp")) {
		return fail(p, "%s before any 'spp N' line", tok[0]);
	}
	return 0;
}

static int sa_line(struct sa_parse *p, char *line)
{
	char *tok[5], *save = NULL, *t;
	int ntok = 0, i;
	long v;

	for (t = strtok_r(line, " \t\r", &save); t && ntok < 5; t = strtok_r(NULL, " \t\r", &save)) {
		tok[ntok++] = t;
	}
	if (!ntok) {
		return 0;
	}
	if (!strcasecmp(tok[0], "[security_association]")) {
		if (ntok != 1) {
			return fail(p, "text after [security_association]");
		}
		p->sa = NULL; /* the next "spp N" starts it */
		return 0;
	}
	if (tok[0][0] == '[') {
		return fail(p, "section %s: unknown, allowed [security_association]", tok[0]);
	}
	if (!strcmp(tok[0], "spp")) {
		if (sa_number(p, tok, ntok, 0, 255, &v)) {
			return -EINVAL;
		}
		if (auth_sa_find(p->db, (int)v)) {
			return fail(p, "spp %ld: given twice", v);
		}
		if (p->db->n_sa == AUTH_MAX_SA) {
			return fail(p, "spp %ld: more than %d security associations", v, AUTH_MAX_SA);
		}
		p->sa = &p->db->sa[p->db->n_sa++];
		p->sa->spp = (uint8_t)v;
		p->sa->seqid_window = 3; /* linuxptp's default */
		return 0;
	}
	if (!strcmp(tok[0], "seqid_window")) {
		if (sa_number(p, tok, ntok, 0, 32767, &v)) {
			return -EINVAL;
		}
		p->sa->seqid_window = (uint16_t)v;
		return 0;
	}
	if (!strcmp(tok[0], "allow_mutable")) {
		if (sa_number(p, tok, ntok, 0, 1, &v)) {
			return -EINVAL;
		}
		p->sa->allow_mutable = (uint8_t)v;
		return 0;
	}
	/* 1588-2019 16.14.3.5/16.14.3.6: no sequenceNo or RES field with
	 * immediate processing as linuxptp does it */
	if (!strcmp(tok[0], "seqnum_length") || !strcmp(tok[0], "res_length")) {
		return sa_number(p, tok, ntok, 0, 0, &v);
	}
	for (i = 0; tok[0][i]; i++) {
		if (!isdigit((unsigned char)tok[0][i])) {
			return fail(p, "%s: unknown, allowed spp, seqid_window, allow_mutable, "
				       "seqnum_length, res_length or a key line 'ID TYPE [LENGTH] KEY'",
				    tok[0]);
		}
	}
	return key_line(p, tok, ntok);
}

struct auth_db *auth_db_parse(const char *text, size_t len, const char *path, char *err,
			      size_t errlen)
{
	struct sa_parse p = { NULL, NULL, path, 0, err, errlen };
	char line[512];
	size_t at = 0;

	p.db = calloc(1, sizeof(*p.db));
	if (!p.db) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	while (at < len) {
		size_t n = 0;
		char *c;

		p.line++;
		while (at < len && text[at] != '\n') {
			if (!text[at]) {
				fail(&p, "NUL octet in the file");
				goto bad;
			}
			if (n + 1 < sizeof(line)) {
				line[n] = text[at];
			}
			n++;
			at++;
		}
		at++; /* the newline */
		if (n + 1 >= sizeof(line)) {
			fail(&p, "line longer than %zu characters", sizeof(line) - 2);
			goto bad;
		}
		line[n] = 0;
		if ((c = strchr(line, '#'))) {
			*c = 0;
		}
		if (sa_line(&p, line)) {
			crypto_wipe(line, sizeof(line));
			goto bad;
		}
		crypto_wipe(line, sizeof(line));
	}
	return p.db;
bad:
	auth_db_free(p.db);
	return NULL;
}

void auth_db_free(struct auth_db *db)
{
	if (db) {
		crypto_wipe(db, sizeof(*db));
		free(db);
	}
}

const struct auth_sa *auth_sa_find(const struct auth_db *db, int spp)
{
	int i;
	for (i = 0; db && i < db->n_sa; i++) {
		if (db->sa[i].spp == spp) {
			return &db->sa[i];
		}
	}
	return NULL;
}

const struct auth_key *auth_key_find(const struct auth_sa *sa, uint32_t id)
{
	int i;
	for (i = 0; i < sa->n_keys; i++) {
		if (sa->key[i].id == id) {
			return &sa->key[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */

/* One authenticated message stream: a source's messages of one type, a
 * slot of the port's open-addressing table (uthash cost 3 KB of code here:
 * this table 0.4 KB, 16 octets a stream). */
struct auth_stream {
	uint8_t key[11];    /* clockIdentity, portNumber, messageType */
	uint8_t flags;	    /* STREAM_USED, STREAM_CANDIDATE */
	uint16_t last;	    /* sequenceId last accepted */
	uint16_t candidate; /* a refused one the stream may resume from */
};
#define STREAM_USED 1
#define STREAM_CANDIDATE 2

struct auth_port {
	const struct auth_sa *sa;
	const struct auth_key *key; /* active_key_id */
	struct auth_stream *tab;    /* cap slots, n used; NULL until needed */
	unsigned cap, n, cap_max;   /* cap_max: the table stops growing */
};

static int port_keys(const struct auth_db *db, int spp, uint32_t key_id,
		     const struct auth_sa **sa, const struct auth_key **key, char *err,
		     size_t errlen)
{
	*sa = auth_sa_find(db, spp);
	if (!*sa) {
		snprintf(err, errlen, "spp %d: no such security association in sa_file", spp);
		return -EINVAL;
	}
	*key = auth_key_find(*sa, key_id);
	if (!*key) {
		snprintf(err, errlen, "active_key_id %u: no such key in spp %d of sa_file", key_id,
			 spp);
		return -EINVAL;
	}
	return 0;
}

struct auth_port *auth_port_create(const struct auth_db *db, int spp, uint32_t active_key_id,
				   unsigned max_streams, char *err, size_t errlen)
{
	struct auth_port *ap = calloc(1, sizeof(*ap));

	if (!ap) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (auth_port_rekey(ap, db, spp, active_key_id, err, errlen)) {
		free(ap);
		return NULL;
	}
	/* a power of two holding max_streams at 3/4 */
	for (ap->cap_max = 64; ap->cap_max / 4 * 3 < max_streams && ap->cap_max < 1u << 24;) {
		ap->cap_max *= 2;
	}
	return ap;
}

int auth_port_rekey(struct auth_port *ap, const struct auth_db *db, int spp,
		    uint32_t active_key_id, char *err, size_t errlen)
{
	const struct auth_sa *sa;
	const struct auth_key *key;

	if (port_keys(db, spp, active_key_id, &sa, &key, err, errlen)) {
		return -EINVAL;
	}
	ap->sa = sa;
	ap->key = key;
	return 0;
}

void auth_port_destroy(struct auth_port *ap)
{
	if (ap) {
		free(ap->tab);
		free(ap);
	}
}

const struct auth_sa *auth_port_sa(const struct auth_port *ap)
{
	return ap->sa;
}

/* The ICV over buf[0..n) into icv (key->icv_len octets), correctionField
 * (octets 8..15) counted as zero when mutable. */
static void icv_compute(const struct auth_key *key, int mutable, const uint8_t *buf, size_t n,
			uint8_t *icv)
{
	uint8_t head[PTP_HEADER_LEN], out[SHA256_DIGEST_LEN];
	size_t h = n < sizeof(head) ? n : sizeof(head);

	/* the digests are over one contiguous message: the header copied
	 * with its correctionField zeroed, the rest in place */
	memcpy(head, buf, h);
	if (mutable && h >= 16) {
		memset(head + 8, 0, 8);
	}
	if (key->alg == AUTH_AES128 || key->alg == AUTH_AES256) {
		uint8_t msg[PTP_MSG_MAX_LEN];
		if (n > sizeof(msg)) {
			n = sizeof(msg); /* never: the callers refuse longer messages */
		}
		memcpy(msg, head, h);
		memcpy(msg + h, buf + h, n - h);
		aes_cmac(&key->k.cmac, msg, n, out);
	} else {
		struct hmac_sha256 ctx = key->k.hmac;
		uint8_t inner[SHA256_DIGEST_LEN];

		/* RFC 2104: H(K^opad, H(K^ipad, text)) from the saved states */
		sha256_update(&ctx.inner, head, h);
		sha256_update(&ctx.inner, buf + h, n - h);
		sha256_final(&ctx.inner, inner);
		sha256_update(&ctx.outer, inner, sizeof(inner));
		sha256_final(&ctx.outer, out);
		crypto_wipe(inner, sizeof(inner));
	}
	memcpy(icv, out, key->icv_len);
}

int auth_sign(const struct auth_sa *sa, const struct auth_key *key, uint8_t *buf, size_t len,
	      size_t cap)
{
	size_t tl = AUTH_TLV_FIXED + key->icv_len;

	if (len < PTP_HEADER_LEN || get_be16(buf + 2) != len) {
		return -EINVAL;
	}
	if (len + tl > cap || len + tl > PTP_MSG_MAX_LEN) {
		return -EMSGSIZE;
	}
	put_be16(buf + len, TLV_AUTHENTICATION);
	put_be16(buf + len + 2, (uint16_t)(tl - 4));
	buf[len + 4] = sa->spp;
	buf[len + 5] = 0; /* secParamIndicator: immediate, no optional fields */
	put_be32(buf + len + 6, key->id);
	put_be16(buf + 2, (uint16_t)(len + tl));
	icv_compute(key, sa->allow_mutable, buf, len + AUTH_TLV_FIXED, buf + len + AUTH_TLV_FIXED);
	return (int)(len + tl);
}

int auth_port_sign(const struct auth_port *ap, uint8_t *buf, size_t len, size_t cap)
{
	return auth_sign(ap->sa, ap->key, buf, len, cap);
}

/* The last TLV of the message in buf: its offset, or -1 (no TLV, or the
 * TLVs do not fill messageLength).  *mlen: messageLength. */
static int last_tlv(const uint8_t *buf, size_t len, size_t *mlen)
{
	int body;
	size_t at, last = 0;

	if (len < PTP_HEADER_LEN || (buf[1] & 0x0f) != 2) {
		return -2;
	}
	*mlen = get_be16(buf + 2);
	body = msg_body_len(buf[0] & 0x0f);
	if (body < 0 || *mlen > len || *mlen < (size_t)(PTP_HEADER_LEN + body)) {
		return -2;
	}
	for (at = PTP_HEADER_LEN + (size_t)body; at + 4 <= *mlen;
	     at += 4 + get_be16(buf + at + 2)) {
		last = at;
	}
	return last && at == *mlen ? (int)last : -1;
}

int auth_check(struct auth_port *ap, const uint8_t *buf, size_t len)
{
	uint8_t icv[AUTH_ICV_MAX];
	const struct auth_key *key;
	size_t mlen;
	int at = last_tlv(buf, len, &mlen);

	if (at == -2) {
		return -EPROTO;
	}
	if (at < 0 || get_be16(buf + at) != TLV_AUTHENTICATION) {
		return -ENOMSG;
	}
	/* longer than anything auth_sign() signs: icv_compute() would see
	 * only its first PTP_MSG_MAX_LEN octets */
	if (mlen > PTP_MSG_MAX_LEN || get_be16(buf + at + 2) < AUTH_TLV_FIXED - 4 + 16 ||
	    buf[at + 4] != ap->sa->spp ||
	    buf[at + 5] != 0) {
		return -EBADMSG;
	}
	key = auth_key_find(ap->sa, get_be32(buf + at + 6));
	if (!key) {
		return -EKEYREJECTED;
	}
	if (get_be16(buf + at + 2) != AUTH_TLV_FIXED - 4 + key->icv_len) {
		return -EBADMSG;
	}
	icv_compute(key, ap->sa->allow_mutable, buf, (size_t)at + AUTH_TLV_FIXED, icv);
	if (!crypto_memeq(icv, buf + at + AUTH_TLV_FIXED, key->icv_len)) {
		return -EBADMSG;
	}
	return at;
}

int auth_strip_tlv(struct ptp_msg *m)
{
	if (m->n_tlv > 0 && m->tlv[m->n_tlv - 1].tlvType == TLV_AUTHENTICATION) {
		m->n_tlv--;
		return 1;
	}
	return 0;
}

int auth_tlv_at(const uint8_t *buf, size_t len)
{
	size_t mlen;
	int at = last_tlv(buf, len, &mlen);
	return at >= 0 && get_be16(buf + at) == TLV_AUTHENTICATION ? at : -1;
}

int auth_resign(const struct auth_sa *sa, uint8_t *buf, size_t len)
{
	const struct auth_key *key;
	size_t mlen;
	int at = last_tlv(buf, len, &mlen);

	if (at < 0 || get_be16(buf + at) != TLV_AUTHENTICATION || mlen > PTP_MSG_MAX_LEN ||
	    get_be16(buf + at + 2) < AUTH_TLV_FIXED - 4 + 16 || buf[at + 4] != sa->spp ||
	    buf[at + 5] != 0 || !(key = auth_key_find(sa, get_be32(buf + at + 6))) ||
	    get_be16(buf + at + 2) != AUTH_TLV_FIXED - 4 + key->icv_len) {
		return -EBADMSG;
	}
	icv_compute(key, sa->allow_mutable, buf, (size_t)at + AUTH_TLV_FIXED,
		    buf + at + AUTH_TLV_FIXED);
	return 0;
}

/* The slot of key k in a table of cap slots: its own, or the empty one
 * where it would go (the table always has an empty slot). */
static struct auth_stream *slot(struct auth_stream *tab, unsigned cap, const uint8_t *k)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	unsigned i;

	for (i = 0; i < 11; i++) {
		h = (h ^ k[i]) * 16777619u;
	}
	for (i = h & (cap - 1); tab[i].flags && memcmp(tab[i].key, k, 11); i = (i + 1) & (cap - 1)) {
	}
	return &tab[i];
}

/* Double the table (or make the first one); 0 or -ENOMEM. */
static int grow(struct auth_port *ap)
{
	unsigned cap = ap->cap ? ap->cap * 2 : 64, i;
	struct auth_stream *t = calloc(cap, sizeof(*t));

	if (!t) {
		return -ENOMEM;
	}
	for (i = 0; i < ap->cap; i++) {
		if (ap->tab[i].flags) {
			*slot(t, cap, ap->tab[i].key) = ap->tab[i];
		}
	}
	free(ap->tab);
	ap->tab = t;
	ap->cap = cap;
	return 0;
}

int auth_replay_check(struct auth_port *ap, const struct port_identity *src, uint8_t type,
		      uint16_t tlv, uint16_t seq)
{
	struct auth_stream *s;
	uint16_t w = ap->sa->seqid_window, resume = w, d;
	uint8_t k[11];

	if (!w || (type != SYNC && type != FOLLOW_UP && type != SIGNALING)) {
		return 0;
	}
	if (type == SIGNALING) {
		/* numbered by other counters (a GRANT echoes its REQUEST,
		 * CANCELs have their own; to many clients): newer is enough */
		w = 32767;
	}
	memcpy(k, src->clockIdentity.id, 8);
	put_be16(k + 8, src->portNumber);
	k[10] = (uint8_t)(type | (type == SIGNALING ? (tlv & 0x0f) << 4 : 0));
	if (ap->n >= ap->cap / 4 * 3 && ap->cap < ap->cap_max && grow(ap)) {
		return 0; /* out of memory: the ICV still held */
	}
	s = slot(ap->tab, ap->cap, k);
	if (!s->flags) {
		if (ap->n >= ap->cap / 4 * 3) {
			return 0; /* max_streams reached: the ICV still held */
		}
		ap->n++;
		memcpy(s->key, k, 11);
		s->flags = STREAM_USED;
		s->last = seq;
		return 0;
	}
	d = (uint16_t)(seq - s->last);
	if (d < 1 || d > w) {
		/* a resumption: the one refused before, and this within W
		 * after it; never the last accepted one again or one up to W
		 * before it (a replay of what just went by), nor does such a
		 * one displace the candidate */
		uint16_t c = (uint16_t)(seq - s->candidate);
		if ((uint16_t)(s->last - seq) <= resume) {
			return -EALREADY;
		}
		if (!(s->flags & STREAM_CANDIDATE) || c < 1 || c > resume) {
			s->candidate = seq;
			s->flags |= STREAM_CANDIDATE;
			return -EALREADY;
		}
	}
	s->last = seq;
	s->flags = STREAM_USED;
	return 0;
}
