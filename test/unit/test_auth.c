/* SPDX-License-Identifier: BSD-2-Clause */
/* The AUTHENTICATION TLV (1588-2019 16.14): sa_file parsing, golden
 * packets, and every refusal through eng_receive(). */
#include <errno.h>
#include <stdlib.h>

#include "../../core/auth.h"
#include "../../core/engine.h"
#include "../../core/wire.h"
#include "test.h"

/* Golden packets: a Signaling CANCEL(SYNC) from 001122.fffe.334455-1,
 * sequenceId 0x1234, and the same with the TLV of spp 1, keyID 7, whose
 * ICV was computed by test/tools/ptp_forge.py's sign() (Python's hmac and
 * the cryptography package's CMAC, from the clause) with the keys of
 * SA_TEXT: 0x0b * 20 (RFC 4231 case 1's key) for SHA256-128 and SHA256,
 * RFC 4493's key for AES128, SP 800-38B D.3's for AES256. */
#define BASE "0c12003200000400000000000000000000000000001122fffe33445500011234057fffffffffffffffffffff000600020000"
#define GOLD(len, icv) "0c1200" len "00000400000000000000000000000000001122fffe33445500011234057fffffffffffffffffffff000600020000800900" icv
static const struct {
	const char *text, *packet;
} golden[] = {
	{ "7 SHA256-128 HEX:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  GOLD("4c", "1601000000000757c0eec2f92085385a91a0d181e06184") },
	{ "7 SHA256 HEX:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  GOLD("5c", "26010000000007"
		     "56465228c74e1d00330f3a15d6b473dbaf6912035f18b8c4725d355d141784d2") },
	{ "7 AES128 HEX:2b7e151628aed2a6abf7158809cf4f3c",
	  GOLD("4c", "16010000000007ac14f6603e3227b0ce637febe9416b41") },
	{ "7 AES256 32 HEX:603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  GOLD("4c", "1601000000000735ed6f1bc4526b2d07fe73bd39e61234") },
};

static struct auth_db *db_of(const char *text, char *err)
{
	return auth_db_parse(text, strlen(text), "sa.cfg", err, 256);
}

TEST(auth_sa_file_linuxptp_format)
{
	static const char text[] = "# keys\n"
				   "[security_association]\n"
				   "spp 1\n"
				   "seqid_window 5\n"
				   "allow_mutable 1\n"
				   "seqnum_length 0\n"
				   "1 SHA256-128 HEX:00112233445566778899aabbccddeeff\n"
				   "2 sha256 B64:AAECAwQFBgcICQoLDA0ODw== # comment\n"
				   "3 AES128 ASCII:0123456789abcdef\n"
				   "4\tAES256 32 0123456789abcdef0123456789abcdef\r\n"
				   "\n"
				   "[security_association]\n"
				   "spp 2\n"
				   "1 AES128 16 HEX:000102030405060708090a0b0c0d0e0f\n";
	char err[256] = "";
	struct auth_db *db = db_of(text, err);
	const struct auth_sa *sa;

	CHECK(db != NULL);
	if (!db) {
		printf("  %s\n", err);
		return;
	}
	CHECK_EQ(db->n_sa, 2);
	sa = auth_sa_find(db, 1);
	CHECK(sa && sa->n_keys == 4 && sa->seqid_window == 5 && sa->allow_mutable == 1);
	CHECK(sa && auth_key_find(sa, 2)->alg == AUTH_SHA256 && auth_key_find(sa, 2)->icv_len == 32);
	CHECK(sa && auth_key_find(sa, 4)->alg == AUTH_AES256 && auth_key_find(sa, 4)->icv_len == 16);
	sa = auth_sa_find(db, 2);
	CHECK(sa && sa->n_keys == 1 && sa->seqid_window == 3 && !sa->allow_mutable);
	CHECK(!auth_sa_find(db, 3));
	auth_db_free(db);
}

TEST(auth_sa_file_errors_name_line_and_value)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "1 AES128 HEX:00\n", "sa.cfg:1: key 1 before any 'spp N' line" },
		{ "spp 1\nspp 1\n", "sa.cfg:2: spp 1: given twice" },
		{ "spp 256\n", "sa.cfg:1: spp 256: out of range, allowed 0..255" },
		{ "spp 1\n0 AES128 HEX:000102030405060708090a0b0c0d0e0f\n",
		  "sa.cfg:2: key id 0: out of range, allowed 1..4294967295" },
		{ "spp 1\n4294967296 SHA256 ABC\n", "key id 4294967296: out of range" },
		{ "spp 1\n1 SHA256 abc\n1 SHA256 def\n", "sa.cfg:3: key id 1: given twice in spp 1" },
		{ "spp 1\n1 MD5 abc\n", "algorithm MD5: unknown, allowed SHA256-128" },
		{ "spp 1\n1 AES128 HEX:0011\n", "key 1: 2 octets, AES128 needs 16" },
		{ "spp 1\n1 AES256 HEX:000102030405060708090a0b0c0d0e0f\n", "AES256 needs 32" },
		{ "spp 1\n1 SHA256 HEX:001\n", "even number of digits" },
		{ "spp 1\n1 SHA256 HEX:0g\n", "not a hexadecimal digit" },
		{ "spp 1\n1 SHA256 B64:@@@@\n", "not Base64" },
		{ "spp 1\n1 SHA256 5 abcd\n", "key 1: 4 octets, not the length given" },
		{ "spp 1\n1 SHA256 ASCII:\n", "allowed 1 and more" },
		{ "spp 1\nseqid_window 40000\n", "seqid_window 40000: out of range, allowed 0..32767" },
		{ "spp 1\nallow_mutable 2\n", "allow_mutable 2: out of range, allowed 0..1" },
		{ "spp 1\nseqnum_length 4\n", "seqnum_length 4: out of range, allowed 0..0" },
		{ "seqid_window 3\n", "seqid_window before any 'spp N' line" },
		{ "spp 1\nfoo 3\n", "sa.cfg:2: foo: unknown, allowed spp" },
		{ "[keys]\n", "section [keys]: unknown" },
		{ "spp 1\n1 SHA256\n", "a key line is 'ID TYPE [LENGTH] KEY'" },
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct auth_db *db;
		err[0] = 0;
		db = db_of(bad[i].text, err);
		CHECK(db == NULL);
		CHECK_STR(err, bad[i].want);
		auth_db_free(db);
	}
	/* the key is never echoed (error lines reach logs) */
	CHECK(!db_of("spp 1\n1 SHA256 HEX:5ec4e7zz\n", err));
	CHECK(!strstr(err, "5ec4e7"));
	CHECK(!db_of("spp 1\n1 SHA256 HEX:5ec4e7a\n", err));
	CHECK(!strstr(err, "5ec4e7"));
	CHECK(!db_of("spp 1\n1 SHA256 B64:5ec4e7*\n", err));
	CHECK(!strstr(err, "5ec4e7"));
	/* a NUL in the file is named as such */
	CHECK(!auth_db_parse("spp 1\n\0x", 8, "sa.cfg", err, sizeof(err)));
	CHECK_STR(err, "sa.cfg:2: NUL octet");
}

/* A port of SA 1 signing with key key_id, from "spp 1\n" + lines. */
static struct auth_port *port_of(const char *lines, uint32_t key_id, struct auth_db **db)
{
	char text[512], err[256];
	struct auth_port *ap;

	snprintf(text, sizeof(text), "spp 1\n%s\n", lines);
	*db = db_of(text, err);
	if (!*db) {
		printf("  %s\n", err);
		return NULL;
	}
	ap = auth_port_create(*db, 1, key_id, 16, err, sizeof(err));
	if (!ap) {
		printf("  %s\n", err);
	}
	return ap;
}

TEST(auth_golden_packets_each_key_type)
{
	size_t i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		uint8_t buf[256], want[256];
		struct auth_db *db;
		struct auth_port *ap = port_of(golden[i].text, 7, &db);
		int n = hex_to_bytes(BASE, buf, sizeof(buf));
		int w = hex_to_bytes(golden[i].packet, want, sizeof(want));

		CHECK(ap != NULL);
		if (!ap) {
			continue;
		}
		CHECK_EQ(auth_port_sign(ap, buf, (size_t)n, sizeof(buf)), w);
		CHECK(!memcmp(buf, want, (size_t)w));
		/* what the independent implementation made is taken ... */
		CHECK_EQ(auth_check(ap, want, (size_t)w), n);
		/* ... and not with one bit of the message or the ICV changed */
		want[30] ^= 0x01;
		CHECK_EQ(auth_check(ap, want, (size_t)w), -EBADMSG);
		want[30] ^= 0x01;
		want[w - 1] ^= 0x80;
		CHECK_EQ(auth_check(ap, want, (size_t)w), -EBADMSG);
		/* a signature that does not fit */
		CHECK_EQ(auth_port_sign(ap, buf, (size_t)n, (size_t)n + 10), -EINVAL);
		n = hex_to_bytes(BASE, buf, sizeof(buf));
		CHECK_EQ(auth_port_sign(ap, buf, (size_t)n, (size_t)n + 10), -EMSGSIZE);
		auth_port_destroy(ap);
		auth_db_free(db);
	}
}

TEST(auth_allow_mutable_leaves_correction_out)
{
	/* the SHA256-128 golden packet with correctionField 0x1234.0000
	 * written on the path: its ICV (Python, correction zeroed) holds with
	 * allow_mutable 1 only */
	static const char pkt[] =
		"0c12004c00000400000000001234000000000000001122fffe33445500011234057fffffffffffffffffffff0006000200008009001601000000000757c0eec2f92085385a91a0d181e06184";
	uint8_t buf[128];
	int n = hex_to_bytes(pkt, buf, sizeof(buf));
	struct auth_db *db1, *db0;
	struct auth_port *mut = port_of("allow_mutable 1\n7 SHA256-128 HEX:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 7, &db1);
	struct auth_port *fixed = port_of("7 SHA256-128 HEX:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 7, &db0);

	CHECK(mut && fixed);
	if (!mut || !fixed) {
		return;
	}
	CHECK(auth_check(mut, buf, (size_t)n) > 0);
	CHECK_EQ(auth_check(fixed, buf, (size_t)n), -EBADMSG);
	/* a TC holding the SA re-signs after its correction: then fixed
	 * takes it too */
	CHECK_EQ(auth_resign(auth_port_sa(fixed), buf, (size_t)n), 0);
	CHECK(auth_check(fixed, buf, (size_t)n) > 0);
	CHECK_EQ(auth_check(mut, buf, (size_t)n), -EBADMSG); /* the other ICV */
	auth_port_destroy(mut);
	auth_port_destroy(fixed);
	auth_db_free(db1);
	auth_db_free(db0);
}

struct seen {
	int mgmt, authed;
};

static void on_mgmt(void *io, const struct ptp_msg *m, const struct net_addr *from,
		    int authenticated)
{
	struct seen *s = io;
	(void)m;
	(void)from;
	s->mgmt++;
	s->authed = authenticated;
}

/* A Sync (two-step) from 001122.fffe.334455-1 with sequenceId seq. */
/* A Signaling message of len octets (len >= 48, even): a padding TLV
 * (0x8000) after targetPortIdentity. */
static int long_msg(uint8_t *buf, int len)
{
	int n = hex_to_bytes(BASE, buf, 2048) - 6; /* without the CANCEL TLV */
	memset(buf + n, 0, (size_t)(len - n));
	put_be16(buf + 2, (uint16_t)len);
	put_be16(buf + n, 0x8000);
	put_be16(buf + n + 2, (uint16_t)(len - n - 4));
	return len;
}

TEST(auth_no_message_longer_than_the_limit)
{
	static uint8_t buf[2048];
	struct auth_db *db;
	struct auth_port *ap = port_of("1 AES128 HEX:000102030405060708090a0b0c0d0e0f\n"
				       "2 SHA256 abc",
				       1, &db);
	int n, s;

	CHECK(ap != NULL);
	if (!ap) {
		return;
	}
	/* up to PTP_MSG_MAX_LEN octets signed and taken */
	n = long_msg(buf, PTP_MSG_MAX_LEN - 26);
	s = auth_port_sign(ap, buf, (size_t)n, sizeof(buf));
	CHECK_EQ(s, PTP_MSG_MAX_LEN);
	CHECK_EQ(auth_check(ap, buf, (size_t)s), n);
	/* longer: not signed, whatever buf's size (the CMAC saw only the
	 * first 1500 octets: octets after them were not protected,
	 * regress/auth/cmac-past-1500-octets) */
	n = long_msg(buf, PTP_MSG_MAX_LEN - 24);
	CHECK_EQ(auth_port_sign(ap, buf, (size_t)n, sizeof(buf)), -EMSGSIZE);
	n = long_msg(buf, 1600);
	CHECK_EQ(auth_port_sign(ap, buf, (size_t)n, sizeof(buf)), -EMSGSIZE);
	/* nor taken: the TLV put there by hand */
	put_be16(buf + 2, 1626);
	put_be16(buf + n, TLV_AUTHENTICATION);
	put_be16(buf + n + 2, 22);
	buf[n + 4] = 1;
	buf[n + 5] = 0;
	put_be32(buf + n + 6, 1);
	CHECK_EQ(auth_check(ap, buf, 1626), -EBADMSG);
	CHECK_EQ(auth_resign(auth_port_sa(ap), buf, 1626), -EBADMSG);
	auth_port_destroy(ap);
	auth_db_free(db);
}

static int sync_msg(uint8_t *buf, uint16_t seq)
{
	int n = hex_to_bytes("0002002c00000600000000000000000000000000001122fffe33445500010000007f"
			     "00000000000000000000",
			     buf, 256);
	put_be16(buf + 30, seq);
	return n;
}

TEST(auth_every_refusal_is_counted_and_dropped)
{
	struct eng_counters cnt;
	struct eng_ops ops;
	struct port_identity self = { { { 9, 9, 9, 9, 9, 9, 9, 9 } }, 1 };
	struct net_addr from = test_addr6(1);
	struct seen seen = { 0, 0 };
	struct auth_db *db;
	struct auth_port *ap = port_of("1 SHA256-128 HEX:00112233445566778899aabbccddeeff\n"
				       "2 AES128 HEX:000102030405060708090a0b0c0d0e0f",
				       1, &db);
	struct auth_db *db9;
	struct auth_port *other = port_of("9 SHA256-128 HEX:00112233445566778899aabbccddeeff", 9,
					  &db9);
	struct ptp_msg m;
	uint8_t buf[256], cp[256];
	int n, s;

	CHECK(ap && other);
	if (!ap || !other) {
		return;
	}
	memset(&cnt, 0, sizeof(cnt));
	memset(&ops, 0, sizeof(ops));
	ops.auth = ap;
	ops.io = &seen;
	ops.mgmt = on_mgmt;

	/* signed: taken, the TLV is gone from what the engine sees */
	n = sync_msg(buf, 100);
	s = auth_port_sign(ap, buf, (size_t)n, sizeof(buf));
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)s, 0, &self, &from, &m), 0);
	CHECK_EQ(m.n_tlv, 0);
	CHECK_EQ(cnt.rx_msg[SYNC], 1);
	/* the same again: a replay */
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)s, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_replay, 1);
	/* no TLV */
	n = sync_msg(buf, 101);
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)n, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_missing, 1);
	/* a key the SA does not have (another SA's key 9, spp 1 as ours) */
	s = auth_port_sign(other, buf, (size_t)n, sizeof(buf));
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)s, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_unknown_key, 1);
	/* a wrong ICV */
	n = sync_msg(buf, 102);
	s = auth_port_sign(ap, buf, (size_t)n, sizeof(buf));
	memcpy(cp, buf, (size_t)s);
	cp[s - 3] ^= 0x10;
	CHECK_EQ(eng_receive(&ops, &cnt, cp, (size_t)s, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_bad_icv, 1);
	/* truncated: the ICV cut short, lengthField and messageLength agreeing */
	memcpy(cp, buf, (size_t)s);
	put_be16(cp + 2, (uint16_t)(s - 2));
	put_be16(cp + n + 2, (uint16_t)(6 + 14));
	CHECK_EQ(eng_receive(&ops, &cnt, cp, (size_t)s - 2, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_bad_icv, 2);
	/* another spp, another secParamIndicator */
	memcpy(cp, buf, (size_t)s);
	cp[n + 4] = 2;
	CHECK_EQ(eng_receive(&ops, &cnt, cp, (size_t)s, 0, &self, &from, &m), -EACCES);
	memcpy(cp, buf, (size_t)s);
	cp[n + 5] = 4;
	CHECK_EQ(eng_receive(&ops, &cnt, cp, (size_t)s, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_bad_icv, 4);
	/* the TLV not last: another TLV after it */
	memcpy(cp, buf, (size_t)s);
	memcpy(cp + s, "\x00\x03\x00\x02\x00\x00", 6);
	put_be16(cp + 2, (uint16_t)(s + 6));
	CHECK_EQ(eng_receive(&ops, &cnt, cp, (size_t)s + 6, 0, &self, &from, &m), -EACCES);
	CHECK_EQ(cnt.auth_missing, 2);
	/* the original still good: seq 102 follows 100 within the window */
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)s, 0, &self, &from, &m), 0);
	CHECK_EQ(cnt.rx_msg[SYNC], 2);
	/* too short to be PTP: malformed, not an authentication failure */
	CHECK_EQ(eng_receive(&ops, &cnt, buf, 20, 0, &self, &from, &m), -EBADMSG);
	CHECK_EQ(cnt.rx_bad, 1);
	/* management: to the agent either way, saying whether authenticated */
	n = hex_to_bytes("0d12003600000400000000000000000000000000001122fffe33445500010005047f"
			 "ffffffffffffffffffff0101000000010002 2000",
			 buf, sizeof(buf));
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)n, 0, &self, &from, &m), -EAGAIN);
	CHECK(seen.mgmt == 1 && seen.authed == 0);
	s = auth_port_sign(ap, buf, (size_t)n, sizeof(buf));
	CHECK_EQ(eng_receive(&ops, &cnt, buf, (size_t)s, 0, &self, &from, &m), -EAGAIN);
	CHECK(seen.mgmt == 2 && seen.authed == 1);
	CHECK_EQ(m.n_tlv, 1); /* the MANAGEMENT TLV alone */
	CHECK_EQ(cnt.auth_missing + cnt.auth_bad_icv + cnt.auth_unknown_key + cnt.auth_replay, 8);
	auth_port_destroy(ap);
	auth_port_destroy(other);
	auth_db_free(db);
	auth_db_free(db9);
}

TEST(auth_replay_window)
{
	struct auth_db *db;
	struct auth_port *ap = port_of("seqid_window 3\n1 SHA256 abc", 1, &db);
	struct port_identity a = { { { 1, 2, 3, 4, 5, 6, 7, 8 } }, 1 }, b = a;

	CHECK(ap != NULL);
	if (!ap) {
		return;
	}
	b.portNumber = 2;
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 65534), 0); /* a new stream */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 65535), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 1), 0);	       /* wraps, one lost */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 1), -EALREADY);      /* duplicate */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 0), -EALREADY);      /* older */
	CHECK_EQ(auth_replay_check(ap, &a, FOLLOW_UP, 0, 1), 0);	       /* another stream */
	CHECK_EQ(auth_replay_check(ap, &b, SYNC, 0, 1), 0);	       /* another source */
	CHECK_EQ(auth_replay_check(ap, &a, ANNOUNCE, 0, 1), 0);	       /* not checked */
	CHECK_EQ(auth_replay_check(ap, &a, ANNOUNCE, 0, 1), 0);
	/* 10 lost in a row: the first after them refused, the stream resumes
	 * with the next one */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 12), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 13), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 14), 0);
	/* a replayed old one between genuine ones never resumes anything */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 5), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 15), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 5), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 16), 0);
	/* the last one again after one before it (both replayed): neither
	 * resumes anything (regress/auth/replay-last-accepted-again), nor
	 * takes the place of a genuine candidate */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 15), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 16), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 13), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 14), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 30), -EALREADY); /* 13 lost */
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 16), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 31), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 30), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 31), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SYNC, 0, 32), 0);
	/* Signaling: numbers jump (one counter for many peers), only a
	 * repeated or older one is a replay; GRANTs and CANCELs apart */
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 500), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 600), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 6, 3), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 6, 3), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 600), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 550), -EALREADY);
	/* two old ones far apart resume nothing */
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 100), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 200), -EALREADY);
	/* a peer restarted from 0: one message lost, then followed */
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 0), -EALREADY);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 1), 0);
	CHECK_EQ(auth_replay_check(ap, &a, SIGNALING, 5, 2), 0);
	auth_port_destroy(ap);
	auth_db_free(db);
}

TEST(auth_replay_table_grows_and_is_bounded)
{
	char err[256];
	struct auth_db *db = db_of("spp 1\n1 SHA256 abc\n", err);
	struct auth_port *ap = db ? auth_port_create(db, 1, 1, 1000, err, sizeof(err)) : NULL;
	struct port_identity p = { { { 0 } }, 1 };
	int i, refused = 0;

	CHECK(ap != NULL);
	if (!ap) {
		return;
	}
	/* 3000 sources: every one's first Sync taken, the second of the
	 * first 1000 (in the table) a replay when repeated */
	for (i = 0; i < 3000; i++) {
		put_be32(p.clockIdentity.id, (uint32_t)i);
		CHECK_EQ(auth_replay_check(ap, &p, SYNC, 0, 7), 0);
	}
	for (i = 0; i < 1000; i++) {
		put_be32(p.clockIdentity.id, (uint32_t)i);
		refused += auth_replay_check(ap, &p, SYNC, 0, 7) == -EALREADY;
	}
	CHECK_EQ(refused, 1000);
	auth_port_destroy(ap);
	auth_db_free(db);
}

TEST(auth_rekey_rolls_keys)
{
	char err[256];
	struct auth_db *db1 = db_of("spp 1\n1 SHA256-128 abc\n", err);
	struct auth_db *db2 = db_of("spp 1\n1 SHA256-128 abc\n2 AES128 0123456789abcdef\n", err);
	struct auth_db *db3 = db_of("spp 2\n1 SHA256-128 abc\n", err);
	struct auth_port *ap = db1 ? auth_port_create(db1, 1, 1, 16, err, sizeof(err)) : NULL;
	uint8_t buf[256];
	int n, s;

	CHECK(ap && db2 && db3);
	if (!ap || !db2 || !db3) {
		return;
	}
	/* key 2 is not in the first file */
	CHECK_EQ(auth_port_rekey(ap, db1, 1, 2, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "active_key_id 2: no such key in spp 1");
	CHECK_EQ(auth_port_rekey(ap, db3, 1, 1, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "spp 1: no such security association");
	/* the failures kept key 1 of db1 */
	n = sync_msg(buf, 1);
	s = auth_port_sign(ap, buf, (size_t)n, sizeof(buf));
	CHECK_EQ(get_be32(buf + n + 6), 1);
	/* the new file: signs with key 2, takes key 1 and key 2 */
	CHECK_EQ(auth_port_rekey(ap, db2, 1, 2, err, sizeof(err)), 0);
	CHECK(auth_check(ap, buf, (size_t)s) > 0);
	n = sync_msg(buf, 2);
	s = auth_port_sign(ap, buf, (size_t)n, sizeof(buf));
	CHECK_EQ(get_be32(buf + n + 6), 2);
	CHECK(auth_check(ap, buf, (size_t)s) > 0);
	auth_port_destroy(ap);
	auth_db_free(db1);
	auth_db_free(db2);
	auth_db_free(db3);
}
