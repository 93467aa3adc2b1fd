/* SPDX-License-Identifier: BSD-2-Clause */
/* core/util.c's pb_pow() against libm's pow() (which the unit tests link,
 * and the shipped binary does not). */
#include <math.h>
#include <stdint.h>

#include "../../core/util.h"
#include "test.h"

static double rel(double a, double b)
{
	return fabs(a - b) / fabs(b);
}

/* the servo's exponents (0.4, 1.5, pi's -0.3 and 0.4 and any a user
 * sets), the report's 10^d: relative error below 2e-14 over x in
 * 1e-9..1e12 (|y log2 x| up to 120); whole powers exact */
TEST(pb_pow_matches_libm)
{
	static const double ys[] = { 0.4, 1.5, -0.3, 0.7, -1.7, 2.5, 0.05, -0.999 };
	uint64_t r = 88172645463325252ull;
	double worst = 0;
	int i, j;

	for (i = 0; i < 20000; i++) {
		double x, y;
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		x = pow(10, -9 + 21.0 * (double)(r >> 11) / 9007199254740992.0);
		y = i < 16000 ? ys[i % 8] : -3 + 6.0 * (double)(r & 0xffff) / 65536;
		if (rel(pb_pow(x, y), pow(x, y)) > worst) {
			worst = rel(pb_pow(x, y), pow(x, y));
		}
	}
	printf("  pb_pow: worst relative error %.2g\n", worst);
	CHECK(worst < 2e-14);
	for (j = -9; j <= 12; j++) {
		CHECK(pb_pow(10, j) == pow(10, j));
	}
	CHECK(pb_pow(2, 0.5) == pb_pow(2, 0.5) && rel(pb_pow(2, 0.5), M_SQRT2) < 1e-15);
	CHECK(pb_pow(0, 1.5) == 0 && pb_pow(0, 0) == 1 && pb_pow(7, 0) == 1);
	CHECK(isnan(pb_pow(-1, 0.5)) && isnan(pb_pow(NAN, 0.5)) && isnan(pb_pow(0, -1)));
	CHECK(pb_pow(1e300, 2.5) == HUGE_VAL && pb_pow(1e-300, 2.5) == 0);
}
