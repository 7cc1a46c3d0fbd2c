// SPDX-License-Identifier: Apache-2.0
/*
 * Typo hints for unknown modifiers, identifiers and keys (see suggest.h).
 */
#include "suggest.h"

#include <string.h>

#define CAP 4u

unsigned sc_edit_distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), i, j;
	unsigned d[34][34];

	if (la > 32 || lb > 32)
		return la == lb && memcmp(a, b, la) == 0 ? 0 : CAP;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			unsigned v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > CAP ? CAP : d[la][lb];
}

const char *sc_suggest(const char *name, size_t nlen, const char *const *cands, size_t ncands)
{
	unsigned limit = nlen <= 4 ? 1 : nlen <= 8 ? 2 : 3, best = CAP + 1;
	const char *ret = NULL;
	size_t i;

	for (i = 0; i < ncands; i++) {
		unsigned dist = sc_edit_distance(name, nlen, cands[i]);

		if (dist <= limit && dist < best && dist > 0) {
			best = dist;
			ret = cands[i];
		}
	}
	return ret;
}
