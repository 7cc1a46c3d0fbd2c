// SPDX-License-Identifier: Apache-2.0
/*
 * DNS query questions (dns.h). A query's question never uses compression
 * (there is nothing before it to point at), so a compression pointer is
 * treated as malformed rather than followed.
 */
#include "dns.h"

#include <errno.h>
#include <stdbool.h>

static bool plain(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '*';
}

int ag_dns_question(const uint8_t *msg, size_t n, char *name, size_t cap, size_t *ret_len,
		    uint16_t *ret_qtype)
{
	size_t i = 12, o = 0, wire = 0;
	uint16_t qd;

	if (n < 12 + 1 + 4 || cap < 2)
		return -EINVAL;
	if (msg[2] & 0x80) /* QR: a response */
		return -EINVAL;
	if ((msg[2] >> 3) & 0x0f) /* OPCODE: only standard queries */
		return -EINVAL;
	qd = (uint16_t)(msg[4] << 8 | msg[5]);
	if (!qd)
		return -EINVAL;
	for (;;) {
		uint8_t len, k;

		if (i >= n)
			return -EINVAL;
		len = msg[i++];
		if (!len)
			break;
		if (len & 0xc0) /* pointer or reserved label type */
			return -EINVAL;
		wire += (size_t)len + 1;
		if (wire > 255 || i + len > n)
			return -EINVAL;
		if (o) {
			if (o + 1 >= cap)
				return -E2BIG;
			name[o++] = '.';
		}
		for (k = 0; k < len; k++) {
			uint8_t c = msg[i + k];

			if (plain(c)) {
				if (o + 1 >= cap)
					return -E2BIG;
				name[o++] = (char)c;
			} else if (c == '.' || c == '\\') {
				if (o + 2 >= cap)
					return -E2BIG;
				name[o++] = '\\';
				name[o++] = (char)c;
			} else {
				if (o + 4 >= cap)
					return -E2BIG;
				name[o++] = '\\';
				name[o++] = (char)('0' + c / 100);
				name[o++] = (char)('0' + c / 10 % 10);
				name[o++] = (char)('0' + c % 10);
			}
		}
		i += len;
	}
	if (i + 4 > n)
		return -EINVAL;
	if (!o)
		name[o++] = '.';
	name[o] = '\0';
	*ret_len = o;
	*ret_qtype = (uint16_t)(msg[i] << 8 | msg[i + 1]);
	return 0;
}

const char *ag_dns_type_name(uint16_t qtype)
{
	switch (qtype) {
	case 1:
		return "A";
	case 2:
		return "NS";
	case 5:
		return "CNAME";
	case 6:
		return "SOA";
	case 12:
		return "PTR";
	case 15:
		return "MX";
	case 16:
		return "TXT";
	case 28:
		return "AAAA";
	case 33:
		return "SRV";
	case 35:
		return "NAPTR";
	case 64:
		return "SVCB";
	case 65:
		return "HTTPS";
	case 99:
		return "SPF";
	case 252:
		return "AXFR";
	case 255:
		return "ANY";
	}
	return NULL;
}
