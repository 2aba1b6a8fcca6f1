/* Time arithmetic in the context zone: calendar dates, durations, DST. The zone rules come
 * from the system's zone database (glibc reading /usr/share/zoneinfo), never from here. */
#ifndef CONCIERGE_TIMECALC_H
#define CONCIERGE_TIMECALC_H
#include <stdint.h>
#include "duration.h"

struct civil {
    int year, month, day; /* month 1..12, day 1..31 */
    int hour, minute, second;
    int wday; /* 1 Monday .. 7 Sunday */
};

/* Makes `zone` (an IANA name such as Europe/Berlin, or UTC) the zone of every function
 * below. 0, or -1 when the zone is not in the zone database: an unknown zone is an error,
 * never a silent UTC. The zone is process-wide, as glibc's is. */
int tz_use(const char *zone);
const char *tz_current(void);

int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t days, int *y, int *m, int *d);
int days_in_month(int y, int m);
int weekday_of_days(int64_t days); /* 1 Monday .. 7 Sunday */

int tz_offset(int64_t t);                  /* seconds east of UTC at instant t */
void to_local(int64_t t, struct civil *c); /* the instant's local fields */
/* The instant of local fields (wday ignored). A time in a DST gap is the first instant
 * after the gap; a time in a repeated hour, its first occurrence. */
int64_t from_local(const struct civil *c);

/* The instants concierge keeps: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, the years RFC 3339
 * writes with four digits. An instant outside is refused (`out_of_range`), never clamped. */
#define INSTANT_MIN                 (-62135596800LL)
#define INSTANT_MAX                 253402300799LL
#define OUT_OF_RANGE_MESSAGE        "that is after 9999-12-31T23:59:59Z, the last instant concierge keeps"
#define OUT_OF_RANGE_BEFORE_MESSAGE "that is before 0001-01-01T00:00:00Z, the first instant concierge keeps"
int instant_in_range(int64_t t);

/* t + d as language.md says: years and months add calendar fields and clamp the day, then
 * days add calendar days keeping the local clock time, then hours, minutes and seconds add
 * elapsed time. sign is +1 or -1 (looking back, for `since`). */
int64_t add_duration(int64_t t, const struct duration *d, int sign);
/* add_duration for instants that are kept: 0 and *out, or -1 when the result (or a
 * component of d on its own) falls outside INSTANT_MIN..INSTANT_MAX. */
int add_duration_checked(int64_t t, const struct duration *d, int sign, int64_t *out);

/* RFC 3339 UTC with seconds, "2026-12-01T00:00:00Z": buf holds 21 bytes at least. 0, or -1
 * with buf empty for an instant outside INSTANT_MIN..INSTANT_MAX (which no door lets in). */
int format_rfc3339(int64_t t, char *buf);
/* Parses RFC 3339 (any offset, or Z). 0, or -1 (also for an instant out of range). */
int parse_rfc3339(const char *s, int64_t *t);

#endif
