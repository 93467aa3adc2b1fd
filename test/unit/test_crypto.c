/* SPDX-License-Identifier: BSD-2-Clause */
/* core/crypto: the example vectors of the specifications -- FIPS 180-4
 * (SHA-256), RFC 4231 (HMAC-SHA256), FIPS 197 Appendices A and C (AES),
 * RFC 4493 4 and NIST SP 800-38B Appendix D (CMAC) -- plus split updates,
 * padding boundaries, key length errors and the constant-time comparison.
 * Values not printed in those documents (marked "python3") were computed
 * with python3's hashlib and hmac modules. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "crypto.h"
#include "test.h"

/* 1 when the n octets at p equal the hex string (spaces allowed) */
static int eq_hex(const uint8_t *p, size_t n, const char *hex)
{
	unsigned char want[256];
	int len = hex_to_bytes(hex, want, (int)sizeof(want));
	return len == (int)n && memcmp(p, want, n) == 0;
}

static int sha256_is(const void *p, size_t n, const char *hex)
{
	uint8_t d[SHA256_DIGEST_LEN];
	sha256(p, n, d);
	return eq_hex(d, sizeof(d), hex);
}

/* FIPS 180-4 examples (NIST's SHA256.pdf) and the empty string */
TEST(sha256_fips180_examples)
{
	static const char abc448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_LEN], a[1000];
	int i;

	CHECK(sha256_is("", 0, "e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b 7852b855"));
	CHECK(sha256_is(NULL, 0, "e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b 7852b855"));
	CHECK(sha256_is("abc", 3, "ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad"));
	CHECK_EQ(strlen(abc448), 56);
	CHECK(sha256_is(abc448, 56, "248d6a61 d20638b8 e5c02693 0c3e6039 a33ce459 64ff2167 f6ecedd4 19db06c1"));
	/* one million 'a', in 1000 updates of 1000 */
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	for (i = 0; i < 1000; i++) {
		sha256_update(&s, a, sizeof(a));
	}
	CHECK_EQ(s.len, 1000000);
	sha256_final(&s, d);
	CHECK(eq_hex(d, 32, "cdc76e5c 9914fb92 81a1c7e2 84d73e67 f1809a48 a497200e 046d39cc c7112cd0"));
	/* final wiped the state */
	CHECK_EQ(s.len, 0);
	CHECK_EQ(s.h[0], 0);
}

/* the padding boundaries: 55 octets fit one block, 56..63 take two, 64 and
 * 119 (python3 hashlib) */
TEST(sha256_padding_boundaries)
{
	uint8_t a[119];

	memset(a, 'a', sizeof(a));
	CHECK(sha256_is(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"));
	CHECK(sha256_is(a, 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"));
	CHECK(sha256_is(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"));
	CHECK(sha256_is(a, 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"));
}

/* a message fed in two pieces at every split (lengths 0..160), and in three
 * pieces at every pair of splits of 150 octets, hashes as in one call */
TEST(sha256_split_updates)
{
	uint8_t m[160], one[SHA256_DIGEST_LEN], d[SHA256_DIGEST_LEN];
	struct sha256 s;
	size_t n, i, j;
	int bad = 0;

	for (i = 0; i < sizeof(m); i++) {
		m[i] = (uint8_t)(i * 131 + 7);
	}
	for (n = 0; n <= sizeof(m); n++) {
		sha256(m, n, one);
		for (i = 0; i <= n; i++) {
			sha256_init(&s);
			sha256_update(&s, m, i);
			sha256_update(&s, m + i, n - i);
			sha256_final(&s, d);
			bad += memcmp(d, one, sizeof(d)) != 0;
		}
	}
	n = 150;
	sha256(m, n, one);
	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			sha256_init(&s);
			sha256_update(&s, m, i);
			sha256_update(&s, m + i, j - i);
			sha256_update(&s, m + j, n - j);
			sha256_final(&s, d);
			bad += memcmp(d, one, sizeof(d)) != 0;
		}
	}
	/* octet by octet */
	sha256_init(&s);
	for (i = 0; i < n; i++) {
		sha256_update(&s, m + i, 1);
	}
	sha256_final(&s, d);
	bad += memcmp(d, one, sizeof(d)) != 0;
	CHECK_EQ(bad, 0);
}

/* HMAC-SHA256 of msg under key against the leftmost octets given in hex */
static int hmac_is(const uint8_t *key, size_t keylen, const void *msg, size_t n, const char *hex)
{
	struct hmac_sha256 h;
	uint8_t mac[SHA256_DIGEST_LEN], again[SHA256_DIGEST_LEN];
	unsigned char want[SHA256_DIGEST_LEN];
	int len = hex_to_bytes(hex, want, (int)sizeof(want));

	hmac_sha256_init(&h, key, keylen);
	hmac_sha256(&h, msg, n, mac);
	/* the precomputed states are not consumed */
	hmac_sha256(&h, msg, n, again);
	crypto_wipe(&h, sizeof(h));
	return len > 0 && memcmp(mac, want, (size_t)len) == 0 && memcmp(mac, again, sizeof(mac)) == 0;
}

/* RFC 4231 4.2-4.8: test cases 1-7 */
TEST(hmac_sha256_rfc4231)
{
	static const char m6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char m7[] = "This is a test using a larger than block-size key and a larger than "
				 "block-size data. The key needs to be hashed before being used by the "
				 "HMAC algorithm.";
	uint8_t key[131], data[50];
	int i;

	/* 1 */
	memset(key, 0x0b, 20);
	CHECK(hmac_is(key, 20, "Hi There", 8,
		      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
	/* 2: a key shorter than the output */
	CHECK(hmac_is((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
		      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
	/* 3: 20 x aa, 50 x dd */
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	CHECK(hmac_is(key, 20, data, 50,
		      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));
	/* 4: key 01..19, 50 x cd */
	for (i = 0; i < 25; i++) {
		key[i] = (uint8_t)(i + 1);
	}
	memset(data, 0xcd, 50);
	CHECK(hmac_is(key, 25, data, 50,
		      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"));
	/* 5: truncated to 128 bits */
	memset(key, 0x0c, 20);
	CHECK(hmac_is(key, 20, "Test With Truncation", 20, "a3b6167473100ee06e0c796c2955552b"));
	/* 6, 7: a 131-octet key, hashed first; 7 with a 152-octet message */
	memset(key, 0xaa, 131);
	CHECK_EQ(strlen(m6), 54);
	CHECK(hmac_is(key, 131, m6, 54,
		      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
	CHECK_EQ(strlen(m7), 152);
	CHECK(hmac_is(key, 131, m7, 152,
		      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
}

/* key lengths 0, 64 (one block, used as is) and 65 (hashed first); python3
 * hmac */
TEST(hmac_sha256_key_lengths)
{
	uint8_t key[65], msg[64];
	int i;

	for (i = 0; i < 65; i++) {
		key[i] = (uint8_t)i;
	}
	memset(msg, 'x', sizeof(msg));
	CHECK(hmac_is(NULL, 0, NULL, 0,
		      "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
	CHECK(hmac_is(key, 64, msg, 64,
		      "68ea1dc616c008f415c25ae1c02e52f6d3944979c639fee1891de2bfcb75cb45"));
	CHECK(hmac_is(key, 65, msg, 64,
		      "8f25dd0369e938dc79512cee2fc3b43f51af3a40b9458f6f7ff8f1570a6d5480"));
}

static int aes_is(const char *key_hex, const char *pt_hex, const char *ct_hex)
{
	struct aes a;
	uint8_t key[32], pt[16], ct[16];
	int klen = hex_to_bytes(key_hex, key, sizeof(key));

	hex_to_bytes(pt_hex, pt, sizeof(pt));
	if (aes_setkey(&a, key, (size_t)klen)) {
		return 0;
	}
	aes_encrypt(&a, pt, ct);
	if (!eq_hex(ct, 16, ct_hex)) {
		return 0;
	}
	/* in place */
	aes_encrypt(&a, pt, pt);
	return memcmp(pt, ct, 16) == 0;
}

/* FIPS 197 Appendix C.1, C.2, C.3: the example vectors */
TEST(aes_fips197_appendix_c)
{
	CHECK(aes_is("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
		     "69c4e0d86a7b0430d8cdb78070b4c55a"));
	CHECK(aes_is("000102030405060708090a0b0c0d0e0f1011121314151617",
		     "00112233445566778899aabbccddeeff", "dda97ca4864cdfe06eaf70a0ec0d7191"));
	CHECK(aes_is("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		     "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089"));
}

/* FIPS 197 Appendix A.1-A.3: round key words of the key expansion examples */
TEST(aes_fips197_key_expansion)
{
	struct aes a;
	uint8_t key[32];

	hex_to_bytes("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	CHECK_EQ(aes_setkey(&a, key, 16), 0);
	CHECK_EQ(a.nr, 10);
	CHECK_EQ(a.rk[4], 0xa0fafe17);
	CHECK_EQ(a.rk[5], 0x88542cb1);
	CHECK_EQ(a.rk[6], 0x23a33939);
	CHECK_EQ(a.rk[7], 0x2a6c7605);
	CHECK_EQ(a.rk[40], 0xd014f9a8);
	CHECK_EQ(a.rk[43], 0xb6630ca6);

	hex_to_bytes("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", key, 24);
	CHECK_EQ(aes_setkey(&a, key, 24), 0);
	CHECK_EQ(a.nr, 12);
	CHECK_EQ(a.rk[6], 0xfe0c91f7);
	CHECK_EQ(a.rk[51], 0x01002202);

	hex_to_bytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
	CHECK_EQ(aes_setkey(&a, key, 32), 0);
	CHECK_EQ(a.nr, 14);
	CHECK_EQ(a.rk[8], 0x9ba35411);
	CHECK_EQ(a.rk[11], 0x2067fcde);
	CHECK_EQ(a.rk[12], 0xa8b09c1a); /* i mod Nk = 4: SubWord alone */
	CHECK_EQ(a.rk[59], 0x706c631e);
}

TEST(aes_bad_key_lengths)
{
	static const size_t bad[] = { 0, 1, 15, 17, 23, 25, 31, 33, 64 };
	struct aes_cmac c;
	struct aes a;
	uint8_t key[64] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(aes_setkey(&a, key, bad[i]), -EINVAL);
		CHECK_EQ(aes_cmac_init(&c, key, bad[i]), -EINVAL);
	}
}

/* the example message of RFC 4493 4 and SP 800-38B D, 64 octets; the
 * examples take its first 0, 16, 40 and 64 */
static const char cmac_msg[] = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
			       "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

/* the CMACs of the example message's 0, 16, 40, 64 octets under key */
static int cmac_examples(const char *key_hex, const char *const t[4])
{
	static const size_t mlen[4] = { 0, 16, 40, 64 };
	struct aes_cmac c;
	uint8_t key[32], m[64], mac[16];
	int klen = hex_to_bytes(key_hex, key, sizeof(key)), ok = 1, i;

	hex_to_bytes(cmac_msg, m, sizeof(m));
	if (aes_cmac_init(&c, key, (size_t)klen)) {
		return 0;
	}
	for (i = 0; i < 4; i++) {
		aes_cmac(&c, m, mlen[i], mac);
		if (!eq_hex(mac, 16, t[i])) {
			printf("  cmac: key %d octets, Mlen %zu octets differs\n", klen, mlen[i]);
			ok = 0;
		}
	}
	crypto_wipe(&c, sizeof(c));
	return ok;
}

/* RFC 4493 4: the subkeys of the example key (generated as in 2.3) and
 * examples 1-4; they are also SP 800-38B D.1's (AES-128) */
TEST(cmac_rfc4493)
{
	static const char *const t[4] = {
		"bb1d6929e95937287fa37d129b756746",
		"070a16b46b4d4144f79bdd9dd04a287c",
		"dfa66747de9ae63030ca32611497c827",
		"51f0bebf7e3b9d92fc49741779363cfe",
	};
	struct aes_cmac c;
	uint8_t key[16], zero[16] = { 0 }, l[16];

	hex_to_bytes("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	CHECK_EQ(aes_cmac_init(&c, key, 16), 0);
	aes_encrypt(&c.aes, zero, l);
	CHECK(eq_hex(l, 16, "7df76b0c1ab899b33e42f047b91b546f"));
	CHECK(eq_hex(c.k1, 16, "fbeed618357133667c85e08f7236a8de"));
	CHECK(eq_hex(c.k2, 16, "f7ddac306ae266ccf90bc11ee46d513b"));
	CHECK(cmac_examples("2b7e151628aed2a6abf7158809cf4f3c", t));
	/* NULL with length 0 is the empty message */
	{
		uint8_t mac[16];
		aes_cmac(&c, NULL, 0, mac);
		CHECK(eq_hex(mac, 16, t[0]));
	}
}

/* NIST SP 800-38B Appendix D.2 (AES-192) and D.3 (AES-256): Mlen 0, 128,
 * 320 and 512 bits, and D.3's subkeys */
TEST(cmac_sp800_38b)
{
	static const char *const t192[4] = {
		"d17ddf46adaacde531cac483de7a9367",
		"9e99a7bf31e710900662f65e617c5184",
		"8a1de5be2eb31aad089a82e6ee908b0e",
		"a1d5df0eed790f794d77589659f39a11",
	};
	static const char *const t256[4] = {
		"028962f61b7bf89efc6b551f4667d983",
		"28a7023f452e8f82bd4bf28d8c37c35c",
		"aaf3d8f1de5640c232f5b169b9c911e6",
		"e1992190549f6ed5696a2c056c315410",
	};
	static const char k256[] = "603deb1015ca71be2b73aef0857d7781"
				   "1f352c073b6108d72d9810a30914dff4";
	struct aes_cmac c;
	uint8_t key[32];

	CHECK(cmac_examples("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", t192));
	CHECK(cmac_examples(k256, t256));
	hex_to_bytes(k256, key, 32);
	CHECK_EQ(aes_cmac_init(&c, key, 32), 0);
	CHECK(eq_hex(c.k1, 16, "cad1ed03299eedac2e9a99808621502f"));
	CHECK(eq_hex(c.k2, 16, "95a3da06533ddb585d3533010c42a0d9"));
}

TEST(crypto_memeq_and_wipe)
{
	uint8_t a[44], b[44];
	size_t i;
	int bit, bad = 0;

	for (i = 0; i < sizeof(a); i++) {
		a[i] = b[i] = (uint8_t)(i * 37 + 1);
	}
	CHECK_EQ(crypto_memeq(a, b, sizeof(a)), 1);
	CHECK_EQ(crypto_memeq(a, b, 0), 1);
	b[0] ^= 1; /* first octet */
	CHECK_EQ(crypto_memeq(a, b, sizeof(a)), 0);
	CHECK_EQ(crypto_memeq(a + 1, b + 1, sizeof(a) - 1), 1);
	b[0] ^= 1;
	b[43] ^= 0x80; /* last octet */
	CHECK_EQ(crypto_memeq(a, b, sizeof(a)), 0);
	CHECK_EQ(crypto_memeq(a, b, sizeof(a) - 1), 1);
	b[43] ^= 0x80;
	/* every single-bit difference anywhere */
	for (i = 0; i < sizeof(a); i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1 << bit);
			bad += crypto_memeq(a, b, sizeof(a)) != 0;
			b[i] ^= (uint8_t)(1 << bit);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(crypto_memeq(a, b, sizeof(a)), 1);

	crypto_wipe(a, sizeof(a));
	for (i = 0; i < sizeof(a); i++) {
		bad += a[i] != 0;
	}
	CHECK_EQ(bad, 0);
}
