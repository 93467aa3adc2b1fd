/* SPDX-License-Identifier: BSD-2-Clause */
/* Table-driven TLV codec, IEEE 1588-2019 14.1 and 16.1.4. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tlv.h"
#include "wire.h"

/* 16.1.4.1 REQUEST_UNICAST_TRANSMISSION: messageType(4 bits high) |
 * logInterMessagePeriod | durationField(4).  lengthField 6. */
static int dec_request(const uint8_t *v, uint16_t len, struct tlv *t)
{
	(void)len;
	t->u.uc.messageType = v[0] >> 4;
	t->u.uc.logInterMessagePeriod = (int8_t)v[1];
	t->u.uc.durationField = get_be32(v + 2);
	t->u.uc.flags = 0;
	return 0;
}

static int enc_request(const struct tlv *t, uint8_t *out, size_t room)
{
	if (room < 6) {
		return -EMSGSIZE;
	}
	out[0] = (uint8_t)(t->u.uc.messageType << 4);
	out[1] = (uint8_t)t->u.uc.logInterMessagePeriod;
	put_be32(out + 2, t->u.uc.durationField);
	return 6;
}

/* 16.1.4.2 GRANT_UNICAST_TRANSMISSION: as REQUEST plus reserved octet and
 * a flags octet (bit 0 renewalInvited).  lengthField 8. */
static int dec_grant(const uint8_t *v, uint16_t len, struct tlv *t)
{
	dec_request(v, len, t);
	t->u.uc.flags = v[7];
	return 0;
}

static int enc_grant(const struct tlv *t, uint8_t *out, size_t room)
{
	if (room < 8) {
		return -EMSGSIZE;
	}
	enc_request(t, out, room);
	out[6] = 0;
	out[7] = t->u.uc.flags & TLV_GRANT_RENEWAL_INVITED;
	return 8;
}

/* 16.1.4.3/16.1.4.4 CANCEL and ACKNOWLEDGE_CANCEL: messageType(4 bits high)
 * | flags octet.  lengthField 2. */
static int dec_cancel(const uint8_t *v, uint16_t len, struct tlv *t)
{
	(void)len;
	t->u.uc.messageType = v[0] >> 4;
	t->u.uc.logInterMessagePeriod = 0;
	t->u.uc.durationField = 0;
	t->u.uc.flags = v[1];
	return 0;
}

static int enc_cancel(const struct tlv *t, uint8_t *out, size_t room)
{
	if (room < 2) {
		return -EMSGSIZE;
	}
	out[0] = (uint8_t)(t->u.uc.messageType << 4);
	out[1] = t->u.uc.flags & (TLV_CANCEL_MAINTAIN_REQUEST | TLV_CANCEL_MAINTAIN_GRANT);
	return 2;
}

/* Sorted by type; rows without decode/encode are named but kept raw. */
static const struct tlv_desc tlv_table[] = {
	{ TLV_MANAGEMENT, 2, "MANAGEMENT", NULL, NULL },
	{ TLV_MANAGEMENT_ERROR_STATUS, 8, "MANAGEMENT_ERROR_STATUS", NULL, NULL },
	{ TLV_ORGANIZATION_EXTENSION, 6, "ORGANIZATION_EXTENSION", NULL, NULL },
	{ TLV_REQUEST_UNICAST_TRANSMISSION, 6, "REQUEST_UNICAST_TRANSMISSION", dec_request,
	  enc_request },
	{ TLV_GRANT_UNICAST_TRANSMISSION, 8, "GRANT_UNICAST_TRANSMISSION", dec_grant, enc_grant },
	{ TLV_CANCEL_UNICAST_TRANSMISSION, 2, "CANCEL_UNICAST_TRANSMISSION", dec_cancel,
	  enc_cancel },
	{ TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION, 2,
	  "ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION", dec_cancel, enc_cancel },
	{ TLV_PATH_TRACE, 0, "PATH_TRACE", NULL, NULL },
	{ TLV_ALTERNATE_TIME_OFFSET_INDICATOR, 22, "ALTERNATE_TIME_OFFSET_INDICATOR", NULL, NULL },
};

static int cmp_type(const void *key, const void *row)
{
	return (int)*(const uint16_t *)key - (int)((const struct tlv_desc *)row)->type;
}

const struct tlv_desc *tlv_find(uint16_t type)
{
	return bsearch(&type, tlv_table, sizeof(tlv_table) / sizeof(tlv_table[0]),
		       sizeof(tlv_table[0]), cmp_type);
}

const char *tlv_type_str(uint16_t type)
{
	const struct tlv_desc *d = tlv_find(type);
	return d ? d->name : "UNKNOWN";
}

int tlv_unpack_all(const uint8_t *buf, size_t len, struct ptp_msg *m)
{
	size_t off = 0;

	m->n_tlv = 0;
	while (off < len) {
		struct tlv *t;
		const struct tlv_desc *d;
		uint16_t tl;

		if (len - off < 4) {
			return -EBADMSG;
		}
		tl = get_be16(buf + off + 2);
		if ((tl & 1) || tl > len - off - 4) {
			return -EBADMSG;
		}
		if (m->n_tlv >= PTP_MAX_TLV) {
			return -EBADMSG;
		}
		t = &m->tlv[m->n_tlv];
		memset(t, 0, sizeof(*t));
		t->tlvType = get_be16(buf + off);
		t->lengthField = tl;
		t->value = buf + off + 4;
		d = tlv_find(t->tlvType);
		if (d) {
			if (tl < d->min_len) {
				return -EBADMSG;
			}
			if (d->decode && d->decode(t->value, tl, t) < 0) {
				return -EBADMSG;
			}
		}
		m->n_tlv++;
		off += 4 + (size_t)tl;
	}
	return 0;
}

int tlv_pack_all(const struct ptp_msg *m, uint8_t *out, size_t room)
{
	size_t off = 0;
	int i;

	for (i = 0; i < m->n_tlv; i++) {
		const struct tlv *t = &m->tlv[i];
		const struct tlv_desc *d = tlv_find(t->tlvType);
		int n;

		if (room - off < 4) {
			return -EMSGSIZE;
		}
		if (d && d->encode) {
			n = d->encode(t, out + off + 4, room - off - 4);
			if (n < 0) {
				return n;
			}
		} else {
			if (t->lengthField && !t->value) {
				return -EINVAL;
			}
			if (t->lengthField > room - off - 4) {
				return -EMSGSIZE;
			}
			n = t->lengthField;
			if (n) {
				memcpy(out + off + 4, t->value, (size_t)n);
			}
		}
		if (n & 1) {
			/* 14.1.1: pad to an even length */
			if ((size_t)n + 1 > room - off - 4) {
				return -EMSGSIZE;
			}
			out[off + 4 + (size_t)n] = 0;
			n++;
		}
		put_be16(out + off, t->tlvType);
		put_be16(out + off + 2, (uint16_t)n);
		off += 4 + (size_t)n;
	}
	return (int)off;
}
