/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cryptographic primitives for PTP message authentication (the
 * AUTHENTICATION TLV's ICV, IEEE 1588-2019 16.14, Annex P): SHA-256
 * (FIPS 180-4), HMAC-SHA256 (RFC 2104), AES-128/192/256 encryption
 * (FIPS 197) and AES-CMAC (RFC 4493, NIST SP 800-38B), plus a constant-time
 * comparison for ICVs and a wipe for keys.
 *
 * Pure computation: no allocation, no system call, no global state; every
 * function is reentrant.  Words are built from octets explicitly, so the
 * results do not depend on the host's byte order.  Sizes are in octets.
 *
 * Side channels: the comparison (crypto_memeq) takes a time independent of
 * the data.  AES looks its S-box up by data-dependent index (a 256-octet
 * table, no T-tables), so its timing may leak key bits through the cache to
 * code sharing the CPU; SHA-256 and HMAC have no data-dependent branch or
 * index.
 */
#ifndef PTPBOX_CRYPTO_H
#define PTPBOX_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_BLOCK_LEN 64

/* SHA-256 state: h the intermediate hash value H(i) (FIPS 180-4 6.2),
 * len the octets hashed so far, buf the n (< 64) octets of a partial block. */
struct sha256 {
	uint32_t h[8];
	uint64_t len; /* octets hashed */
	uint8_t buf[64];
	size_t n;
};

/* Start a digest: H(0) of FIPS 180-4 5.3.3. */
void sha256_init(struct sha256 *s);
/* Hash n more octets at p (any n, in as many calls as wanted; p may be NULL
 * when n is 0).  FIPS 180-4 6.2.2 on each complete 64-octet block. */
void sha256_update(struct sha256 *s, const void *p, size_t n);
/* Pad (FIPS 180-4 5.1.1), hash the last block(s) and write the 32-octet
 * digest H(N) (6.2.2 step 4, big-endian words).  Wipes *s: init again to
 * reuse it.  Messages up to 2^61 - 1 octets. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_LEN]); /* wipes *s */
/* The digest of the n octets at p in one call. */
void sha256(const void *p, size_t n, uint8_t out[SHA256_DIGEST_LEN]);

/*
 * HMAC-SHA256 (RFC 2104 2, with H = SHA-256, B = 64, L = 32): the states of
 * H after the block K0 ^ ipad (inner) and after K0 ^ opad (outer) are
 * computed once at init, so a MAC of n octets costs ceil((n + 9) / 64) + 1
 * compressions (2 up to n = 55, 3 up to n = 119).  The key itself is not
 * kept; the states stand for it: crypto_wipe() the struct when the key is
 * dropped.
 */
struct hmac_sha256 {
	struct sha256 inner, outer;
};
/* Precompute the states of the keylen-octet key (any keylen, 0 too; a key
 * longer than 64 octets is hashed first, RFC 2104 2). */
void hmac_sha256_init(struct hmac_sha256 *h, const uint8_t *key, size_t keylen);
/* HMAC(K, msg) of the n octets at msg: 32 octets.  *h is not changed (one
 * init serves any number of MACs, from any thread).  A truncated ICV is the
 * leftmost octets of out (RFC 2104 5). */
void hmac_sha256(const struct hmac_sha256 *h, const void *msg, size_t n,
		 uint8_t out[SHA256_DIGEST_LEN]);

/*
 * AES encryption (FIPS 197).  rk: the expanded key w[0..4(nr+1)-1] (5.2),
 * each word with its first octet in the high bits; nr: the number of
 * rounds, 10, 12 or 14.  Decryption (InvCipher) is not provided.
 */
struct aes {
	uint32_t rk[60];
	int nr;
};
/* KeyExpansion (FIPS 197 5.2) of a 16-, 24- or 32-octet key (AES-128, -192,
 * -256).  Returns 0, or -EINVAL for any other keylen (*a then unusable). */
int aes_setkey(struct aes *a, const uint8_t *key, size_t keylen);
/* Cipher (FIPS 197 5.1): one 16-octet block; in and out may be the same. */
void aes_encrypt(const struct aes *a, const uint8_t in[16], uint8_t out[16]);

/*
 * AES-CMAC (RFC 4493; NIST SP 800-38B with AES, any AES key size): the
 * expanded key and the subkeys K1, K2 (RFC 4493 2.3, SP 800-38B 6.1)
 * computed once.
 */
struct aes_cmac {
	struct aes aes;
	uint8_t k1[16], k2[16];
};
/* Expand the key and generate K1, K2 (RFC 4493 2.3).  keylen 16 (AES-CMAC
 * of RFC 4493), 24 or 32.  Returns 0 or -EINVAL (other keylen). */
int aes_cmac_init(struct aes_cmac *c, const uint8_t *key, size_t keylen);
/* The 16-octet MAC T of the n octets at msg (any n, 0 too; RFC 4493 2.4,
 * SP 800-38B 6.2).  A truncated MAC is its leftmost octets.  *c is not
 * changed. */
void aes_cmac(const struct aes_cmac *c, const void *msg, size_t n, uint8_t out[16]);

/* 1 when the n octets at a and b are equal, 0 otherwise; time independent
 * of the data (ICV comparison) */
int crypto_memeq(const void *a, const void *b, size_t n);
/* Overwrite n octets at p with zeros in a way the compiler cannot drop (keys
 * on reload and exit) */
void crypto_wipe(void *p, size_t n);

#endif
