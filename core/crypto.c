/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256, HMAC-SHA256, AES encryption, AES-CMAC: see crypto.h for the
 * definitions and clauses.  Written for size (the static binary is built
 * with -Os): one loop per step of the specifications, no unrolling, no
 * T-tables. */
#include "crypto.h"

#include <errno.h>
#include <string.h>

#include "wire.h"

/* ---- SHA-256 (FIPS 180-4) ---- */

/* 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/* 5.3.3: the first 32 bits of the fractional parts of the square roots of
 * the first 8 primes */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* 3.2 ROTR^n(x), 0 < n < 32 */
static inline uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* 6.2.2 steps 1-4 on one 64-octet block */
static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int t;

	/* step 1: the message schedule (4.1.2 sigma0, sigma1) */
	for (t = 0; t < 16; t++) {
		w[t] = get_be32(p + 4 * t);
	}
	for (t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = s1 + w[t - 7] + s0 + w[t - 16];
	}
	/* step 2 (k stands for h, the name of the state) */
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	f = h[5];
	g = h[6];
	k = h[7];
	/* step 3 (4.1.2 Ch, Maj, Sigma0, Sigma1) */
	for (t = 0; t < 64; t++) {
		t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
		     sha256_k[t] + w[t];
		t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	/* step 4 */
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += k;
	/* the schedule of a key's block is key material */
	crypto_wipe(w, sizeof(w));
}

void sha256_init(struct sha256 *s)
{
	memcpy(s->h, sha256_h0, sizeof(s->h));
	s->len = 0;
	s->n = 0;
}

void sha256_update(struct sha256 *s, const void *p, size_t n)
{
	const uint8_t *b = p;

	if (n == 0) {
		return; /* p may be NULL */
	}
	s->len += n;
	if (s->n) {
		size_t k = SHA256_BLOCK_LEN - s->n;
		if (k > n) {
			k = n;
		}
		memcpy(s->buf + s->n, b, k);
		s->n += k;
		b += k;
		n -= k;
		if (s->n < SHA256_BLOCK_LEN) {
			return;
		}
		sha256_block(s->h, s->buf);
		s->n = 0;
	}
	for (; n >= SHA256_BLOCK_LEN; n -= SHA256_BLOCK_LEN, b += SHA256_BLOCK_LEN) {
		sha256_block(s->h, b);
	}
	if (n) {
		memcpy(s->buf, b, n);
		s->n = n;
	}
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_LEN])
{
	uint64_t bits = s->len << 3;
	int i;

	/* 5.1.1: a 1 bit, zeros to 56 mod 64 octets, the length in bits as a
	 * 64-bit big-endian integer */
	s->buf[s->n++] = 0x80;
	if (s->n > SHA256_BLOCK_LEN - 8) {
		memset(s->buf + s->n, 0, SHA256_BLOCK_LEN - s->n);
		sha256_block(s->h, s->buf);
		s->n = 0;
	}
	memset(s->buf + s->n, 0, SHA256_BLOCK_LEN - 8 - s->n);
	put_be32(s->buf + 56, (uint32_t)(bits >> 32));
	put_be32(s->buf + 60, (uint32_t)bits);
	sha256_block(s->h, s->buf);
	for (i = 0; i < 8; i++) {
		put_be32(out + 4 * i, s->h[i]);
	}
	crypto_wipe(s, sizeof(*s));
}

void sha256(const void *p, size_t n, uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, out);
}

/* ---- HMAC-SHA256 (RFC 2104) ---- */

void hmac_sha256_init(struct hmac_sha256 *h, const uint8_t *key, size_t keylen)
{
	uint8_t k0[SHA256_BLOCK_LEN];
	int i;

	/* K0: the key, or its digest when longer than B, padded with zeros */
	memset(k0, 0, sizeof(k0));
	if (keylen > SHA256_BLOCK_LEN) {
		sha256(key, keylen, k0);
	} else if (keylen) {
		memcpy(k0, key, keylen);
	}
	for (i = 0; i < SHA256_BLOCK_LEN; i++) {
		k0[i] ^= 0x36; /* ipad */
	}
	sha256_init(&h->inner);
	sha256_update(&h->inner, k0, sizeof(k0));
	for (i = 0; i < SHA256_BLOCK_LEN; i++) {
		k0[i] ^= 0x36 ^ 0x5c; /* opad */
	}
	sha256_init(&h->outer);
	sha256_update(&h->outer, k0, sizeof(k0));
	crypto_wipe(k0, sizeof(k0));
}

void hmac_sha256(const struct hmac_sha256 *h, const void *msg, size_t n,
		 uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256 s = h->inner;
	uint8_t ih[SHA256_DIGEST_LEN];

	/* H(K0 ^ opad, H(K0 ^ ipad, text)) */
	sha256_update(&s, msg, n);
	sha256_final(&s, ih);
	s = h->outer;
	sha256_update(&s, ih, sizeof(ih));
	sha256_final(&s, out);
	crypto_wipe(ih, sizeof(ih));
}

/* ---- AES (FIPS 197) ---- */

/* 5.1.1 Figure 7 (Table 4 of the 2023 update): SubBytes, the multiplicative
 * inverse in GF(2^8) followed by the affine transformation */
static const uint8_t aes_sbox[256] = {
	0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
	0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
	0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
	0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
	0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
	0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
	0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
	0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
	0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
	0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
	0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
	0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
	0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
	0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
	0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
	0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

/* 4.2.1 xtime() on the four octets of a word at once: multiplication by x
 * ({02}) modulo m(x) = x^8 + x^4 + x^3 + x + 1, without a branch on the
 * data */
static inline uint32_t xtime4(uint32_t w)
{
	return ((w & 0x7f7f7f7f) << 1) ^ (((w >> 7) & 0x01010101) * 0x1b);
}

/* 5.2 SubWord(): 5.1.1 SubBytes on the four octets of a word */
static uint32_t sub_word(uint32_t w)
{
	return (uint32_t)aes_sbox[w >> 24] << 24 | (uint32_t)aes_sbox[(w >> 16) & 0xff] << 16 |
	       (uint32_t)aes_sbox[(w >> 8) & 0xff] << 8 | aes_sbox[w & 0xff];
}

int aes_setkey(struct aes *a, const uint8_t *key, size_t keylen)
{
	int nk = (int)(keylen / 4), i;
	uint8_t rcon = 1;

	if (keylen != 16 && keylen != 24 && keylen != 32) {
		return -EINVAL;
	}
	/* 5.2 KeyExpansion: Nk words of key, Nr = Nk + 6 rounds, 4 (Nr + 1)
	 * words of round keys */
	a->nr = nk + 6;
	for (i = 0; i < nk; i++) {
		a->rk[i] = get_be32(key + 4 * i);
	}
	for (; i < 4 * (a->nr + 1); i++) {
		uint32_t t = a->rk[i - 1];
		if (i % nk == 0) {
			/* SubWord(RotWord(temp)) ^ Rcon[i / Nk] */
			t = sub_word(rotr(t, 24)) ^ (uint32_t)rcon << 24;
			rcon = (uint8_t)xtime4(rcon);
		} else if (nk > 6 && i % nk == 4) {
			t = sub_word(t);
		}
		a->rk[i] = a->rk[i - nk] ^ t;
	}
	return 0;
}

void aes_encrypt(const struct aes *a, const uint8_t in[16], uint8_t out[16])
{
	const uint32_t *w = a->rk;
	uint32_t s[4], t[4];
	int round, c;

	/* the state as its four columns (3.4), column c = octets 4c..4c+3 of
	 * the input, row 0 in the high bits; 5.1.4 AddRoundKey with w[0..3] */
	for (c = 0; c < 4; c++) {
		s[c] = get_be32(in + 4 * c) ^ w[c];
	}
	for (round = 1; round <= a->nr; round++) {
		w += 4;
		for (c = 0; c < 4; c++) {
			/* 5.1.1 SubBytes and 5.1.2 ShiftRows: row r of column c
			 * comes from column c + r mod 4 */
			t[c] = sub_word((s[c] & 0xff000000) | (s[(c + 1) & 3] & 0xff0000) |
					 (s[(c + 2) & 3] & 0xff00) | (s[(c + 3) & 3] & 0xff));
		}
		for (c = 0; c < 4; c++) {
			if (round < a->nr) {
				/* 5.1.3 MixColumns: a'_r = {02}a_r ^ {03}a_r+1 ^
				 * a_r+2 ^ a_r+3 = xtime(a_r ^ a_r+1) ^ a_r+1 ^
				 * a_r+2 ^ a_r+3 (indices mod 4); a_r+k of every row
				 * at once is the column rotated left by k octets */
				uint32_t r8 = rotr(t[c], 24);
				t[c] = xtime4(t[c] ^ r8) ^ r8 ^ rotr(t[c], 16) ^ rotr(t[c], 8);
			}
			/* 5.1.4 AddRoundKey */
			s[c] = t[c] ^ w[c];
		}
	}
	for (c = 0; c < 4; c++) {
		put_be32(out + 4 * c, s[c]);
	}
	crypto_wipe(s, sizeof(s));
	crypto_wipe(t, sizeof(t));
}

/* ---- AES-CMAC (RFC 4493, NIST SP 800-38B) ---- */

/* RFC 4493 2.3 steps 2-3 (SP 800-38B 6.1): out = in << 1, then ^ Rb =
 * 0^120 || 10000111 when MSB(in) was 1 (no branch on the key material) */
static void cmac_dbl(const uint8_t in[16], uint8_t out[16])
{
	uint8_t msb = in[0] >> 7;
	int i;

	for (i = 0; i < 15; i++) {
		out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
	}
	out[15] = (uint8_t)((in[15] << 1) ^ (0x87 & -msb));
}

int aes_cmac_init(struct aes_cmac *c, const uint8_t *key, size_t keylen)
{
	uint8_t l[16];

	if (aes_setkey(&c->aes, key, keylen)) {
		return -EINVAL;
	}
	/* RFC 4493 2.3 step 1: L = AES-128(K, const_Zero) */
	memset(l, 0, sizeof(l));
	aes_encrypt(&c->aes, l, l);
	cmac_dbl(l, c->k1);
	cmac_dbl(c->k1, c->k2);
	crypto_wipe(l, sizeof(l));
	return 0;
}

void aes_cmac(const struct aes_cmac *c, const void *msg, size_t n, uint8_t out[16])
{
	const uint8_t *m = msg;
	uint8_t x[16];
	int i;

	/* RFC 4493 2.4 step 6: X := const_Zero; Y := X ^ M_i; X := AES(K, Y)
	 * for every block but the last (an empty message has one, empty) */
	memset(x, 0, sizeof(x));
	for (; n > 16; n -= 16, m += 16) {
		for (i = 0; i < 16; i++) {
			x[i] ^= m[i];
		}
		aes_encrypt(&c->aes, x, x);
	}
	/* steps 3-4: the last block complete ^ K1, or padded 10^i ^ K2 */
	for (i = 0; i < (int)n; i++) {
		x[i] ^= m[i];
	}
	if (n == 16) {
		for (i = 0; i < 16; i++) {
			x[i] ^= c->k1[i];
		}
	} else {
		x[n] ^= 0x80;
		for (i = 0; i < 16; i++) {
			x[i] ^= c->k2[i];
		}
	}
	/* step 6 on the last block; step 7: T = X, 128 bits */
	aes_encrypt(&c->aes, x, out);
	crypto_wipe(x, sizeof(x));
}

/* ---- comparison and wipe ---- */

int crypto_memeq(const void *a, const void *b, size_t n)
{
	const uint8_t *pa = a, *pb = b;
	uint32_t d = 0;
	size_t i;

	/* every octet, no early exit: d collects the differing bits */
	for (i = 0; i < n; i++) {
		d |= pa[i] ^ pb[i];
	}
	/* d in 0..255: d - 1 borrows into bit 8 only when d == 0 */
	return (int)(((d - 1) >> 8) & 1);
}

void crypto_wipe(void *p, size_t n)
{
	memset(p, 0, n);
	/* the compiler must assume the asm reads the zeros through p, so the
	 * memset cannot be dropped as a store to dead memory */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
