/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PTP integrity protection: the AUTHENTICATION TLV (IEEE 1588-2019 16.14)
 * with immediate security processing (16.14.3, Annex P), interoperable with
 * linuxptp 4.x (its sa_file, spp and active_key_id).
 *
 * A security association (SA, 16.14.2) is a securityParameterPointer (spp,
 * 0..255), the keys it may use (key id 1..2^32-1, an integrity algorithm and
 * the key octets), whether correctionField is left out of the ICV
 * (allow_mutable: transparent clocks on the path correct it) and the
 * replay window on sequenceId (seqid_window).  Algorithms (16.14.4):
 *   SHA256-128  HMAC-SHA256 (RFC 2104), ICV its first 16 octets
 *   SHA256      HMAC-SHA256, ICV 32 octets
 *   AES128      AES-CMAC (RFC 4493) with a 16-octet key, ICV 16 octets
 *   AES256      AES-CMAC with a 32-octet key, ICV 16 octets
 *
 * The TLV (16.14.3), last of the message, secParamIndicator 0 (no
 * disclosedKey, sequenceNo or RES: immediate processing):
 *   tlvType 0x8009 | lengthField 6+ICV | spp | secParamIndicator | keyID(4) | ICV
 * The ICV covers the whole message from the first header octet up to the
 * ICV, with messageLength counting the TLV; with allow_mutable the
 * correctionField counts as zero.
 *
 * The file format is linuxptp's sa_file:
 *   [security_association]
 *   spp 1
 *   seqid_window 3          (default 3; 0: no replay check)
 *   allow_mutable 0         (default 0)
 *   seqnum_length 0         (only 0: no sequenceNo field)
 *   res_length 0            (only 0: no RES field)
 *   1 SHA256-128 HEX:00112233...
 *   2 AES128 16 B64:...     (id type [length] value; ASCII:, HEX:, B64: or raw)
 * Unlike linuxptp, which skips a bad line, a bad line stops the program: the
 * error names file, line, the value and what is allowed.
 *
 * Nothing here makes a system call: auth_db_parse() takes the file's text.
 */
#ifndef PTPBOX_AUTH_H
#define PTPBOX_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "msg.h"
#include "tmv.h"

#define TLV_AUTHENTICATION 0x8009 /* 1588-2019 Table 52 */
#define AUTH_TLV_FIXED 10	  /* type, length, spp, secParamIndicator, keyID */
#define AUTH_ICV_MAX 32
#define AUTH_TLV_MAX (AUTH_TLV_FIXED + AUTH_ICV_MAX)
#define AUTH_MAX_SA 16	  /* security associations in one file */
#define AUTH_MAX_KEYS 16  /* keys of one association */

enum auth_alg { AUTH_SHA256_128, AUTH_SHA256, AUTH_AES128, AUTH_AES256 };

struct auth_key {
	uint32_t id;	 /* keyID, 1..2^32-1 */
	uint8_t alg;	 /* enum auth_alg */
	uint8_t icv_len; /* octets: 16 or 32 */
	union {
		struct hmac_sha256 hmac;
		struct aes_cmac cmac;
	} k; /* the key, expanded; wiped by auth_db_free() */
};

struct auth_sa {
	uint8_t spp;
	uint8_t allow_mutable; /* correctionField left out of the ICV */
	uint16_t seqid_window; /* 0: no replay check */
	int n_keys;
	struct auth_key key[AUTH_MAX_KEYS];
};

struct auth_db {
	int n_sa;
	struct auth_sa sa[AUTH_MAX_SA];
};

/*
 * Parse an sa_file's text (len octets at text; NUL bytes are an error) into
 * a new database.  path names the file in messages.  Returns the database
 * (free with auth_db_free()), or NULL with "PATH:LINE: ..." in err (errlen
 * octets): unknown line, spp outside 0..255 or twice, a key line before any
 * spp, key id outside 1..4294967295 or twice in an SA, unknown algorithm, a
 * key whose length is not the algorithm's (AES128 16, AES256 32 octets) or
 * not the given length, empty, bad hex or Base64, seqid_window outside
 * 0..32767, allow_mutable not 0/1, seqnum_length/res_length other than 0;
 * or out of memory.
 */
struct auth_db *auth_db_parse(const char *text, size_t len, const char *path, char *err,
			      size_t errlen);
/* Wipe every key and free db (NULL: nothing). */
void auth_db_free(struct auth_db *db);
/* The SA with this spp, or NULL. */
const struct auth_sa *auth_sa_find(const struct auth_db *db, int spp);
/* The key with this id in sa, or NULL. */
const struct auth_key *auth_key_find(const struct auth_sa *sa, uint32_t id);

/*
 * One port's authentication: its SA (spp), the key it signs with
 * (active_key_id), the replay state of the authenticated message streams it
 * receives (per sourcePortIdentity and messageType, for Sync, Follow_Up and
 * Signaling).  Made by auth_port_create(); the database
 * stays the caller's and must outlive the port (auth_port_rekey() swaps
 * it on SIGHUP).
 */
struct auth_port;

/*
 * A port authenticating with SA spp (0..255) of db and signing with key
 * active_key_id.  max_streams bounds the replay table (a stream is one
 * source's messages of one type, 16 octets; beyond max_streams a new
 * stream is taken on its ICV alone).  NULL with the reason in err: no SA spp in the file, no key
 * active_key_id in it, out of memory.
 */
struct auth_port *auth_port_create(const struct auth_db *db, int spp, uint32_t active_key_id,
				   unsigned max_streams, char *err, size_t errlen);
/* Use another database (sa_file re-read): same checks as create; on error
 * the port keeps the old one and err says why.  The replay state is kept.
 * 0 or -EINVAL. */
int auth_port_rekey(struct auth_port *ap, const struct auth_db *db, int spp,
		    uint32_t active_key_id, char *err, size_t errlen);
void auth_port_destroy(struct auth_port *ap);
/* The SA in use (for the tc's on-path processing), never NULL. */
const struct auth_sa *auth_port_sa(const struct auth_port *ap);

/*
 * Append the AUTHENTICATION TLV to the packed message in buf (len octets,
 * messageLength == len) and compute its ICV with key of sa: messageLength
 * grows by AUTH_TLV_FIXED + the ICV length.  cap: buf's size.  Returns the
 * new length, or -EMSGSIZE when it does not fit in cap or would be longer
 * than PTP_MSG_MAX_LEN (no message that long is signed or taken), -EINVAL
 * when len is not the message's messageLength.  1588-2019 16.14.3.
 */
int auth_sign(const struct auth_sa *sa, const struct auth_key *key, uint8_t *buf, size_t len,
	      size_t cap);
/* auth_sign() with the port's SA and active key. */
int auth_port_sign(const struct auth_port *ap, uint8_t *buf, size_t len, size_t cap);

/* Leave a last AUTHENTICATION TLV out of an unpacked message's TLVs (the
 * engines and the management parser see the message without it): 1 when
 * there was one, else 0. */
int auth_strip_tlv(struct ptp_msg *m);

/* The offset of the AUTHENTICATION TLV that ends the message in buf (len
 * octets), or -1 when it has none (a transparent clock must not change
 * such a message in a way an end point cannot leave out of the ICV). */
int auth_tlv_at(const uint8_t *buf, size_t len);

/*
 * Recompute the ICV of an authenticated message in place after an on-path
 * change (a transparent clock wrote correctionField): the TLV must be the
 * last one, of sa and a key of sa.  0, or -EBADMSG (no such TLV or key,
 * or messageLength above PTP_MSG_MAX_LEN).
 * 1588-2019 16.14.3, on-path processing of a TC holding the SA.
 */
int auth_resign(const struct auth_sa *sa, uint8_t *buf, size_t len);

/*
 * Check a received datagram (len octets) before anything believes it: its
 * last TLV must be AUTHENTICATION of the port's SA (spp, secParamIndicator
 * 0, a key of the SA, lengthField for that key) with a valid ICV over the
 * message, compared in constant time.  Returns the offset of the TLV (the
 * message without it is that long; 0 < r < messageLength), or -ENOMSG (no
 * such TLV, or not the last), -EKEYREJECTED (keyID not in the SA),
 * -EBADMSG (ICV wrong, or the TLV malformed: lengthField, spp,
 * secParamIndicator; or messageLength above PTP_MSG_MAX_LEN), -EPROTO (not a PTP message the codec would take:
 * too short, version, type, lengths).  Nothing is counted here: the
 * caller counts what it refuses (auth_missing, auth_unknown_key,
 * auth_bad_icv).
 */
int auth_check(struct auth_port *ap, const uint8_t *buf, size_t len);

/*
 * The replay check of an authenticated message of type from src with
 * sequenceId seq (call after auth_check() said it is genuine).  Sync, Follow_Up and Signaling only (1588-2019 16.14.2
 * leaves the replay window to the SA; linuxptp's seqid_window covers Sync
 * and Follow_Up, a replayed Signaling CANCEL must not work either).  With
 * W = seqid_window: accepted when seq is 1..W after the last accepted one
 * of its stream, or the stream is new; refused otherwise (counted replay).
 * The last accepted one again, or one up to W before it, is always
 * refused.  Any other refused message (newer by more than W, or older:
 * a restarted source) is remembered: the stream resynchronises when the
 * next one follows it within W, so losing more than W messages in a row,
 * or a peer's restart, costs one message.  The price: two consecutive
 * messages recorded more than W messages ago and replayed together are
 * taken as a restart (the second is accepted); sequenceId alone cannot
 * tell the two apart.  Returns 0 or -EALREADY.
 */
int auth_replay_check(struct auth_port *ap, const struct port_identity *src, uint8_t type,
		      uint16_t tlv, uint16_t seq);

#endif
