/* Unit tests of intent/timecalc.h and intent/duration.h: tables of {input, expected, what},
 * one loop a kind.
 *
 * Every expected value was computed outside the code under test: day numbers and epoch
 * seconds with GNU date (`date -u -d 2026-03-29T01:00:00Z +%s`), local times and offsets
 * with `TZ=Europe/Berlin date -d @1774746000 '+%F %T %u'` and `zdump -v -c 2026,2027 ZONE`.
 * The instant literals carry their RFC 3339 form in a comment or in `what`. */
#include <stdio.h>
#include <string.h>

#include "describe.h"
#include "duration.h"
#include "timecalc.h"
#include "check.h"

#define N(table) (sizeof(table) / sizeof(table)[0])

/* A duration {years, months, days, hours, minutes, seconds}. */
#define D(y, mo, d, h, mi, s) ((struct duration){y, mo, d, h, mi, s})
/* Local fields {year, month, day, hour, minute, second, weekday (1 Monday .. 7 Sunday)}. */
#define L(y, mo, d, h, mi, s, wd) ((struct civil){y, mo, d, h, mi, s, wd})

/* ---- Calendar arithmetic -------------------------------------------------------------- */

/* A date and its day number (days since 1970-01-01), both ways. */
static const struct {
    int y, m, d;
    int64_t days;
    const char *what;
} civil_days[] = {
    {1970, 1, 1, 0, "1970-01-01 is day 0"},
    {1970, 1, 2, 1, "1970-01-02 is day 1"},
    {1969, 12, 31, -1, "1969-12-31 is day -1"},
    {2000, 2, 29, 11016, "2000-02-29 (leap day of a century leap year)"},
    {2000, 3, 1, 11017, "2000-03-01"},
    {2100, 2, 28, 47540, "2100-02-28"},
    {2100, 3, 1, 47541, "2100-03-01 follows 2100-02-28 (2100 not leap)"},
    {2026, 11, 18, 20775, "2026-11-18"},
    {1900, 1, 1, -25567, "1900-01-01 (negative days)"},
    {1600, 3, 1, -135080, "1600-03-01 (negative days, era boundary)"},
    {1, 1, 1, -719162, "0001-01-01 (negative days)"},
    {2400, 2, 29, 157113, "2400-02-29"},
};

static const struct {
    int y, m, days;
    const char *what;
} month_lengths[] = {
    {2024, 2, 29, "February 2024 (leap)"},
    {2026, 2, 28, "February 2026"},
    {2100, 2, 28, "February 2100 (century, not leap)"},
    {2000, 2, 29, "February 2000 (400-year leap)"},
    {1900, 2, 28, "February 1900"},
    {2026, 1, 31, "January"},
    {2026, 4, 30, "April"},
    {2026, 6, 30, "June"},
    {2026, 7, 31, "July"},
    {2026, 8, 31, "August"},
    {2026, 9, 30, "September"},
    {2026, 11, 30, "November"},
    {2026, 12, 31, "December"},
};

/* 1 Monday .. 7 Sunday (date +%u) */
static const struct {
    int64_t days;
    int wday;
    const char *what;
} weekdays[] = {
    {0, 4, "1970-01-01 was a Thursday"},     {-1, 3, "1969-12-31 was a Wednesday"},
    {11016, 2, "2000-02-29 was a Tuesday"},  {20775, 3, "2026-11-18 is a Wednesday"},
    {47540, 7, "2100-02-28 is a Sunday"},    {-25567, 1, "1900-01-01 was a Monday"},
    {-719162, 1, "0001-01-01 was a Monday"}, {20541, 7, "2026-03-29 is a Sunday"},
};

static void test_civil(void)
{
    for (size_t i = 0; i < N(civil_days); i++) {
        CHECK_INT(days_from_civil(civil_days[i].y, civil_days[i].m, civil_days[i].d), civil_days[i].days,
                  civil_days[i].what);
        int y = 0, m = 0, d = 0;
        civil_from_days(civil_days[i].days, &y, &m, &d);
        CHECK_INT(y, civil_days[i].y, civil_days[i].what);
        CHECK_INT(m, civil_days[i].m, civil_days[i].what);
        CHECK_INT(d, civil_days[i].d, civil_days[i].what);
    }

    /* Every day of 1896..2104 goes there and back, and days follow one another. */
    int bad = 0;
    int64_t first = days_from_civil(1896, 1, 1);
    for (int64_t z = first; z < first + 209 * 366; z++) {
        int y, m, d;
        civil_from_days(z, &y, &m, &d);
        if (days_from_civil(y, m, d) != z) bad++;
    }
    CHECK_INT(bad, 0, "civil_from_days then days_from_civil over 1896..2104");

    for (size_t i = 0; i < N(month_lengths); i++)
        CHECK_INT(days_in_month(month_lengths[i].y, month_lengths[i].m), month_lengths[i].days,
                  month_lengths[i].what);
    for (size_t i = 0; i < N(weekdays); i++)
        CHECK_INT(weekday_of_days(weekdays[i].days), weekdays[i].wday, weekdays[i].what);
}

/* ---- Zones ---------------------------------------------------------------------------- */

/* In this order: the zone asked for, tz_use's answer, the zone in force after, and its offset
 * at 2026-03-29T01:00:00Z (1774746000, CEST in Berlin). Unknown zones are errors that leave
 * the zone as it was: never a silent UTC. The empty name is UTC, as POSIX takes TZ="" (the CLI
 * maps an empty TZ to UTC before calling). */
static const struct {
    const char *zone;
    int rc;
    const char *current;
    int offset;
    const char *what;
} zone_uses[] = {
    {"UTC", 0, "UTC", 0, "tz_use(UTC)"},
    {"Europe/Berlin", 0, "Europe/Berlin", 7200, "tz_use(Europe/Berlin)"},
    {"Mars/Olympus", -1, "Europe/Berlin", 7200, "tz_use(Mars/Olympus) refused"},
    {"../etc/passwd", -1, "Europe/Berlin", 7200, "tz_use(../etc/passwd) refused"},
    {"Europe/../../../etc/passwd", -1, "Europe/Berlin", 7200, "tz_use(Europe/../../../etc/passwd) refused"},
    {"/etc/localtime", -1, "Europe/Berlin", 7200, "tz_use of an absolute path refused"},
    {"Europe", -1, "Europe/Berlin", 7200, "tz_use of a directory of the database refused"},
    {"Europe/Berlin ", -1, "Europe/Berlin", 7200, "tz_use with a trailing space refused"},
    {"europe/berlin", -1, "Europe/Berlin", 7200, "tz_use with the wrong case refused (no such file)"},
    {"", 0, "UTC", 0, "tz_use(\"\") is UTC"},
};

/* Offsets either side of the 2026 transitions (zdump). */
static const struct {
    const char *zone;
    int64_t t;
    int offset;
    const char *what;
} offsets[] = {
    {"Europe/Berlin", 1774745999, 3600, "Berlin 2026-03-29T00:59:59Z is CET"},
    {"Europe/Berlin", 1774746000, 7200, "Berlin 2026-03-29T01:00:00Z is CEST"},
    {"Europe/Berlin", 1792888200, 7200, "Berlin 2026-10-25T00:30:00Z is CEST"},
    {"Europe/Berlin", 1792891800, 3600, "Berlin 2026-10-25T01:30:00Z is CET"},
    {"America/New_York", 1772953199, -18000, "New York 2026-03-08T06:59:59Z is EST"},
    {"America/New_York", 1772953200, -14400, "New York 2026-03-08T07:00:00Z is EDT"},
    {"America/New_York", 1793511000, -14400, "New York 2026-11-01T05:30:00Z is EDT"},
    {"America/New_York", 1793514600, -18000, "New York 2026-11-01T06:30:00Z is EST"},
};

/* An instant's local fields, every one of them. */
static const struct {
    const char *zone;
    int64_t t;
    struct civil want;
    const char *what;
} locals[] = {
    {"Europe/Berlin", 1774746000, L(2026, 3, 29, 3, 0, 0, 7),
     "to_local Berlin 2026-03-29T01:00:00Z: 03:00 CEST, just after spring forward, a Sunday"},
    {"Europe/Berlin", 1774745999, L(2026, 3, 29, 1, 59, 59, 7),
     "to_local Berlin 2026-03-29T00:59:59Z: 01:59:59 CET, just before spring forward"},
    {"America/New_York", 1793514600, L(2026, 11, 1, 1, 30, 0, 7),
     "to_local New York 2026-11-01T06:30:00Z: 01:30 EST, the repeated hour's second 01:30"},
    {"UTC", -1, L(1969, 12, 31, 23, 59, 59, 3), "to_local UTC 1969-12-31T23:59:59Z, before the epoch"},
};

static void test_zones(void)
{
    for (size_t i = 0; i < N(zone_uses); i++) {
        CHECK_INT(tz_use(zone_uses[i].zone), zone_uses[i].rc, zone_uses[i].what);
        CHECK_STR(tz_current(), zone_uses[i].current, zone_uses[i].what);
        CHECK_INT(tz_offset(1774746000), zone_uses[i].offset, zone_uses[i].what);
    }
    for (size_t i = 0; i < N(offsets); i++) {
        tz_use(offsets[i].zone);
        CHECK_INT(tz_offset(offsets[i].t), offsets[i].offset, offsets[i].what);
    }
    for (size_t i = 0; i < N(locals); i++) {
        struct civil c, w = locals[i].want;
        memset(&c, 0x55, sizeof c);
        tz_use(locals[i].zone);
        to_local(locals[i].t, &c);
        CHECK_INT(c.year, w.year, locals[i].what);
        CHECK_INT(c.month, w.month, locals[i].what);
        CHECK_INT(c.day, w.day, locals[i].what);
        CHECK_INT(c.hour, w.hour, locals[i].what);
        CHECK_INT(c.minute, w.minute, locals[i].what);
        CHECK_INT(c.second, w.second, locals[i].what);
        CHECK_INT(c.wday, w.wday, locals[i].what);
    }
    tz_use("UTC");
}

/* Local fields and the instant they name (the weekday is ignored, so 0 here). A time in a DST
 * gap is the first instant after it; a time in a repeated hour, its first occurrence. */
static const struct {
    const char *zone;
    struct civil local;
    int64_t t;
    const char *what;
} from_locals[] = {
    {"Europe/Berlin", L(2026, 3, 28, 12, 0, 0, 0), 1774695600, "Berlin 2026-03-28 12:00 CET (11:00Z)"},
    {"Europe/Berlin", L(2026, 3, 29, 12, 0, 0, 0), 1774778400, "Berlin 2026-03-29 12:00 CEST (10:00Z)"},
    {"Europe/Berlin", L(2026, 3, 29, 2, 30, 0, 0), 1774746000,
     "Berlin 02:30 in the gap is the first instant after it (01:00Z)"},
    {"Europe/Berlin", L(2026, 3, 29, 2, 0, 0, 0), 1774746000, "Berlin 02:00, start of the gap, is 01:00Z"},
    {"Europe/Berlin", L(2026, 3, 29, 3, 0, 0, 0), 1774746000, "Berlin 03:00 just after the gap is 01:00Z"},
    {"Europe/Berlin", L(2026, 3, 29, 1, 59, 59, 0), 1774745999,
     "Berlin 01:59:59 just before the gap is 00:59:59Z"},
    {"Europe/Berlin", L(2026, 10, 25, 2, 30, 0, 0), 1792888200,
     "Berlin repeated 02:30 is its first occurrence (00:30Z)"},
    {"Europe/Berlin", L(2026, 10, 25, 3, 0, 0, 0), 1792893600,
     "Berlin 03:00 after the repeated hour is 02:00Z"},
    {"America/New_York", L(2026, 3, 8, 2, 30, 0, 0), 1772953200, "New York 02:30 in the gap is 07:00Z"},
    {"America/New_York", L(2026, 11, 1, 1, 30, 0, 0), 1793511000,
     "New York repeated 01:30 is its first occurrence (05:30Z)"},
    {"America/New_York", L(2026, 3, 7, 20, 0, 0, 0), 1772931600,
     "New York 2026-03-07 20:00 EST is 2026-03-08T01:00Z"},
    /* A zone far east of UTC: the same rules hold there (zdump -v Pacific/Auckland:
     * 2026-04-04T14:00Z NZDT -> NZST, 2026-09-26T14:00Z NZST -> NZDT). */
    {"Pacific/Auckland", L(2026, 4, 5, 2, 30, 0, 0), 1775309400,
     "Auckland repeated 02:30 is its first occurrence (2026-04-04T13:30Z)"},
    {"Pacific/Auckland", L(2026, 9, 27, 2, 30, 0, 0), 1790431200,
     "Auckland 02:30 in the gap is the first instant after it (2026-09-26T14:00Z)"},
    {"Pacific/Auckland", L(2026, 6, 15, 12, 0, 0, 0), 1781481600, "Auckland 2026-06-15 12:00 NZST is 00:00Z"},
    {"UTC", L(2026, 11, 18, 15, 30, 0, 0), 1795015800, "UTC from_local"},
};

static void test_from_local(void)
{
    for (size_t i = 0; i < N(from_locals); i++) {
        tz_use(from_locals[i].zone);
        CHECK_T(from_local(&from_locals[i].local), from_locals[i].t, from_locals[i].what);
    }
    tz_use("UTC");
}

/* ---- add_duration --------------------------------------------------------------------- */

/* t + sign * d in zone. Days keep the local clock time across DST; hours add elapsed time. */
static const struct {
    const char *zone;
    int64_t t;
    struct duration d;
    int sign;
    int64_t want;
    const char *what;
} sums[] = {
    {"UTC", 1801353600, D(0, 1, 0, 0, 0, 0), 1, 1803772800, "2027-01-31 + P1M = 2027-02-28"},
    {"UTC", 1832889600, D(0, 1, 0, 0, 0, 0), 1, 1835395200, "2028-01-31 + P1M = 2028-02-29"},
    {"UTC", 1806451200, D(0, 1, 0, 0, 0, 0), -1, 1803772800, "2027-03-31 - P1M = 2027-02-28"},
    {"UTC", 1838073600, D(0, 1, 0, 0, 0, 0), -1, 1835395200, "2028-03-31 - P1M = 2028-02-29"},
    {"UTC", 1799971200, D(0, 1, 0, 0, 0, 0), -1, 1797292800, "2027-01-15 - P1M = 2026-12-15"},
    {"UTC", 1798675200, D(0, 2, 0, 0, 0, 0), 1, 1803772800, "2026-12-31 + P2M = 2027-02-28"},
    {"UTC", 1835395200, D(1, 0, 0, 0, 0, 0), 1, 1866931200, "2028-02-29 + P1Y = 2029-02-28"},
    {"UTC", 1835395200, D(1, 0, 0, 0, 0, 0), -1, 1803772800, "2028-02-29 - P1Y = 2027-02-28"},
    {"UTC", 1835395200, D(4, 0, 0, 0, 0, 0), 1, 1961625600, "2028-02-29 + P4Y = 2032-02-29"},
    {"UTC", 1801353600, D(0, 1, 1, 0, 0, 0), 1, 1803859200,
     "2027-01-31 + P1M1D = 2027-03-01 (months clamp first, then days)"},
    {"UTC", 1795015800, D(0, 0, 30, 0, 0, 0), 1, 1797607800, "2026-11-18T15:30Z + P30D"},
    {"UTC", 1795015800, D(0, 0, 1, 12, 0, 0), 1, 1795145400, "2026-11-18T15:30Z + P1DT12H"},
    {"UTC", 1795015800, D(0, 0, 0, 0, 90, 0), 1, 1795021200, "2026-11-18T15:30Z + PT90M"},
    {"UTC", 1795015800, D(0, 0, 0, 0, 90, 0), -1, 1795010400, "2026-11-18T15:30Z - PT90M"},
    {"UTC", 1795015800, D(0, 6, 0, 0, 0, 0), 1, 1810654200, "2026-11-18T15:30Z + P6M"},
    {"UTC", 1795015800, D(0, 1, 0, 0, 0, 0), -1, 1792337400, "2026-11-18T15:30Z - P1M (over the past month)"},
    {"UTC", 1795015800, D(0, 0, 14, 0, 0, 0), -1, 1793806200, "2026-11-18T15:30Z - P14D"},
    {"UTC", 1795015800, D(0, 0, 0, 0, 0, 0), 1, 1795015800, "+ PT0S changes nothing"},
    /* 2026-03-07 12:00 EST = 17:00Z */
    {"America/New_York", 1772902800, D(0, 0, 1, 0, 0, 0), 1, 1772985600,
     "New York spring forward: + P1D is 12:00 EDT (16:00Z)"},
    {"America/New_York", 1772902800, D(0, 0, 0, 24, 0, 0), 1, 1772989200,
     "New York spring forward: + PT24H is 13:00 EDT (17:00Z)"},
    {"America/New_York", 1772985600, D(0, 0, 1, 0, 0, 0), -1, 1772902800,
     "New York spring forward: 12:00 EDT - P1D is 12:00 EST"},
    /* 2026-10-31 12:00 EDT = 16:00Z */
    {"America/New_York", 1793462400, D(0, 0, 1, 0, 0, 0), 1, 1793552400,
     "New York fall back: + P1D is 12:00 EST (17:00Z)"},
    {"America/New_York", 1793462400, D(0, 0, 0, 24, 0, 0), 1, 1793548800,
     "New York fall back: + PT24H is 11:00 EST (16:00Z)"},
    /* 2026-03-28 12:00 CET = 11:00Z */
    {"Europe/Berlin", 1774695600, D(0, 0, 1, 0, 0, 0), 1, 1774778400,
     "Berlin spring forward: + P1D is 12:00 CEST (10:00Z)"},
    {"Europe/Berlin", 1774695600, D(0, 0, 0, 24, 0, 0), 1, 1774782000,
     "Berlin spring forward: + PT24H is 13:00 CEST (11:00Z)"},
    {"Europe/Berlin", 1774778400, D(0, 0, 1, 0, 0, 0), -1, 1774695600,
     "Berlin spring forward: 12:00 CEST - P1D is 12:00 CET"},
    /* 2026-10-24 12:00 CEST = 10:00Z */
    {"Europe/Berlin", 1792836000, D(0, 0, 1, 0, 0, 0), 1, 1792926000,
     "Berlin fall back: + P1D is 12:00 CET (11:00Z)"},
    {"Europe/Berlin", 1792836000, D(0, 0, 0, 24, 0, 0), 1, 1792922400,
     "Berlin fall back: + PT24H is 11:00 CET (10:00Z)"},
    /* Landing in the gap or the repeated hour */
    {"Europe/Berlin", 1774661400, D(0, 0, 1, 0, 0, 0), 1, 1774746000,
     "Berlin 2026-03-28 02:30 CET + P1D lands in the gap: 2026-03-29T01:00Z"},
    {"Europe/Berlin", 1792801800, D(0, 0, 1, 0, 0, 0), 1, 1792888200,
     "Berlin 2026-10-24 02:30 CEST + P1D: first 02:30 of 2026-10-25 (00:30Z)"},
    {"Europe/Berlin", 1792891800, D(0, 0, 1, 0, 0, 0), 1, 1792978200,
     "Berlin 2026-10-25 02:30 CET + P1D: 2026-10-26 02:30 CET (01:30Z)"},
    /* A week and months across DST */
    {"Europe/Berlin", 1774177200, D(0, 0, 7, 0, 0, 0), 1, 1774778400,
     "Berlin 2026-03-22 12:00 CET + P7D = 2026-03-29 12:00 CEST"},
    {"Europe/Berlin", 1773572400, D(0, 1, 0, 0, 0, 0), 1, 1776247200,
     "Berlin 2026-03-15 12:00 CET + P1M = 2026-04-15 12:00 CEST"},
    {"Europe/Berlin", 1769850000, D(0, 1, 0, 0, 0, 0), 1, 1772269200,
     "Berlin 2026-01-31 10:00 + P1M = 2026-02-28 10:00"},
};

static void test_add(void)
{
    for (size_t i = 0; i < N(sums); i++) {
        tz_use(sums[i].zone);
        CHECK_T(add_duration(sums[i].t, &sums[i].d, sums[i].sign), sums[i].want, sums[i].what);
    }
    tz_use("UTC");
}

/* ---- RFC 3339 ------------------------------------------------------------------------- */

/* An instant written in zone: always UTC, 20 bytes; outside INSTANT_MIN..INSTANT_MAX refused
 * (-1) and written as nothing, never as a clamped year. */
static const struct {
    const char *zone;
    int64_t t;
    int rc;
    const char *want;
    const char *what;
} formats[] = {
    {"UTC", 0, 0, "1970-01-01T00:00:00Z", "format 0"},
    {"UTC", 1795015800, 0, "2026-11-18T15:30:00Z", "format 2026-11-18T15:30:00Z"},
    {"UTC", 1774746000, 0, "2026-03-29T01:00:00Z", "format 2026-03-29T01:00:00Z"},
    {"UTC", -1, 0, "1969-12-31T23:59:59Z", "format -1"},
    {"UTC", 2147483648LL, 0, "2038-01-19T03:14:08Z", "format past 2038"},
    {"UTC", 253402300799LL, 0, "9999-12-31T23:59:59Z", "format 9999-12-31T23:59:59Z"},
    {"America/New_York", 1795015800, 0, "2026-11-18T15:30:00Z", "format in New York is still UTC"},
    {"UTC", INSTANT_MIN, 0, "0001-01-01T00:00:00Z", "format 0001-01-01, the first instant"},
    {"UTC", INSTANT_MAX + 1, -1, "", "format 10000-01-01 refused"},
    {"UTC", INSTANT_MIN - 1, -1, "", "format year 0 refused"},
};

/* Text and the instant it names. */
static const struct {
    const char *text;
    int64_t t;
    const char *what;
} parses[] = {
    {"2026-11-18T15:30:00Z", 1795015800, "parse Z"},
    {"1970-01-01T00:00:00Z", 0, "parse epoch"},
    {"2026-03-29T03:00:00+02:00", 1774746000, "parse +02:00"},
    {"2026-01-01T00:00:00-05:30", 1767245400, "parse -05:30"},
    {"2026-11-18T15:30:00.123456Z", 1795015800, "parse fractional seconds"},
    {"2026-11-18T17:30:00.5+02:00", 1795015800, "parse fraction and offset"},
    {"2026-11-18t15:30:00z", 1795015800, "parse lower-case t and z"},
    {"2000-02-29T00:00:00+00:00", 951782400, "parse leap day +00:00"},
    {"1969-12-31T23:59:59Z", -1, "parse before the epoch"},
    {"9999-12-31T23:59:59Z", INSTANT_MAX, "the last instant parses: INSTANT_MAX"},
};

/* Text parse_rfc3339 refuses, leaving the instant alone. */
static const char *const bad_rfc3339[] = {
    "",
    "garbage",
    "2026-11-18",
    "2026-11-18T15:30:00", /* no offset */
    "2026-11-18T15:30Z",   /* no seconds */
    "2026-11-18T15:30:00ZZ",
    "2026-11-18T15:30:00Z ",
    " 2026-11-18T15:30:00Z",
    "2026-11-18T15:30:00+0200",
    "2026-11-18T15:30:00+02",
    "2026-11-18T15:30:00+2:00",
    "2026-11-18T15:30:00+24:00",
    "2026-11-18T15:30:00.Z",
    "2026-11-18X15:30:00Z",
    "2026/11/18T15:30:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2026-02-29T00:00:00Z", /* 2026 is not a leap year */
    "2100-02-29T00:00:00Z",
    "2026-11-31T00:00:00Z",
    "2026-11-00T00:00:00Z",
    "2026-11-18T24:00:00Z",
    "2026-11-18T15:60:00Z",
    "2026-11-18T15:30:61Z",
    "2026-1a-18T15:30:00Z",
    "+2026-11-18T15:30:00Z",
    "9999-12-31T23:59:60Z",      /* a leap second past 9999: out of range */
    "9999-12-31T23:00:00-01:00", /* an offset past 9999: out of range */
    "0000-12-31T23:59:59Z",      /* year 0: out of range */
};

static void test_rfc3339(void)
{
    for (size_t i = 0; i < N(formats); i++) {
        char buf[32] = "unchanged";
        tz_use(formats[i].zone);
        CHECK_INT(format_rfc3339(formats[i].t, buf), formats[i].rc, formats[i].what);
        CHECK_STR(buf, formats[i].want, formats[i].what);
        CHECK_INT(strlen(buf), formats[i].rc ? 0 : 20, formats[i].what);
    }
    tz_use("UTC");

    for (size_t i = 0; i < N(parses); i++) {
        int64_t t = 12345;
        CHECK_INT(parse_rfc3339(parses[i].text, &t), 0, parses[i].what);
        CHECK_T(t, parses[i].t, parses[i].what);
    }
    /* Round trip through format */
    int64_t t = 0;
    char buf[32];
    parse_rfc3339("2100-02-28T23:59:59Z", &t);
    format_rfc3339(t, buf);
    CHECK_STR(buf, "2100-02-28T23:59:59Z", "round trip 2100-02-28T23:59:59Z");

    for (size_t i = 0; i < N(bad_rfc3339); i++) {
        char what[96];
        snprintf(what, sizeof what, "parse_rfc3339 refuses \"%s\"", bad_rfc3339[i]);
        t = 12345;
        CHECK_INT(parse_rfc3339(bad_rfc3339[i], &t), -1, what);
        CHECK_T(t, 12345, what); /* a refused parse leaves the instant alone */
    }
}

/* ---- ISO 8601 durations --------------------------------------------------------------- */

/* A duration and its ISO 8601 form, both ways. */
static const struct {
    struct duration d;
    const char *iso;
    const char *what;
} isos[] = {
    {D(0, 0, 14, 0, 0, 0), "P14D", "P14D"},
    {D(0, 0, 0, 0, 90, 0), "PT90M", "PT90M (not normalised to PT1H30M)"},
    {D(0, 0, 1, 12, 0, 0), "P1DT12H", "P1DT12H"},
    {D(1, 6, 0, 0, 0, 0), "P1Y6M", "P1Y6M"},
    {D(0, 0, 0, 0, 0, 0), "PT0S", "PT0S"},
    {D(0, 1, 0, 0, 0, 0), "P1M", "P1M (months)"},
    {D(0, 0, 0, 0, 1, 0), "PT1M", "PT1M (minutes)"},
    {D(0, 0, 0, 36, 0, 0), "PT36H", "PT36H"},
    {D(0, 0, 0, 1, 30, 0), "PT1H30M", "PT1H30M"},
    {D(0, 0, 3, 12, 0, 0), "P3DT12H", "P3DT12H"},
    {D(2, 3, 4, 5, 6, 7), "P2Y3M4DT5H6M7S", "all components"},
    {D(0, 0, 0, 0, 0, 45), "PT45S", "PT45S"},
};

/* Forms only read, never written: weeks are days. */
static const struct {
    const char *iso;
    struct duration d;
    const char *what;
} read_only_isos[] = {
    {"P2W", D(0, 0, 14, 0, 0, 0), "P2W is 14 days"},
    {"P1W2D", D(0, 0, 9, 0, 0, 0), "P1W2D is 9 days"},
};

static const char *const bad_isos[] = {
    "",    "P",     "PT",   "14D",  "p14d",  "P14",  "P1H",  "PT1D",    "PT1Y",
    "P1S", "P1.5D", "P-1D", "P1DT", "PT1H2", "P1D ", " P1D", "PT1HT2M", "P1X",
};

static void check_duration(const struct duration *got, const struct duration *want, const char *what)
{
    CHECK_INT(got->years, want->years, what);
    CHECK_INT(got->months, want->months, what);
    CHECK_INT(got->days, want->days, what);
    CHECK_INT(got->hours, want->hours, what);
    CHECK_INT(got->minutes, want->minutes, what);
    CHECK_INT(got->seconds, want->seconds, what);
}

static void test_duration(void)
{
    for (size_t i = 0; i < N(isos); i++) {
        char buf[64];
        int n = duration_iso(&isos[i].d, buf, sizeof buf);
        CHECK_STR(buf, isos[i].iso, isos[i].what);
        CHECK_INT(n, strlen(isos[i].iso), isos[i].what);
        struct duration back;
        memset(&back, 0x55, sizeof back);
        CHECK_INT(duration_parse_iso(isos[i].iso, &back), 0, isos[i].what);
        check_duration(&back, &isos[i].d, isos[i].what);
    }
    for (size_t i = 0; i < N(read_only_isos); i++) {
        struct duration back;
        memset(&back, 0x55, sizeof back);
        CHECK_INT(duration_parse_iso(read_only_isos[i].iso, &back), 0, read_only_isos[i].what);
        check_duration(&back, &read_only_isos[i].d, read_only_isos[i].what);
    }
    struct duration d;
    for (size_t i = 0; i < N(bad_isos); i++) {
        char what[64];
        snprintf(what, sizeof what, "duration_parse_iso refuses \"%s\"", bad_isos[i]);
        CHECK_INT(duration_parse_iso(bad_isos[i], &d), -1, what);
    }

    char small[5];
    d = D(0, 0, 14, 0, 0, 0);
    duration_iso(&d, small, sizeof small);
    CHECK_STR(small, "P14D", "duration_iso into an exact-size buffer");

    CHECK_INT(duration_parse_iso("PT0S", &d), 0, "PT0S parses");
    CHECK(duration_is_zero(&d), "PT0S is zero");
    struct duration acc = D(0, 0, 1, 0, 0, 0), more = D(0, 0, 0, 12, 0, 0), want = D(0, 0, 1, 12, 0, 0);
    duration_add(&acc, &more);
    check_duration(&acc, &want, "duration_add P1D + PT12H = P1DT12H");
    CHECK(!duration_is_zero(&acc), "P1DT12H is not zero");
}

/* ---- the range of instants (out_of_range: refused, never clamped) ---------------------- */

/* t + sign * d when the sum is kept (rc 0, out = want), or refused (rc -1, out left alone). */
static const struct {
    int64_t t;
    struct duration d;
    int sign, rc;
    int64_t want;
    const char *what;
} checked_sums[] = {
    {1796169600, D(7973, 0, 0, 0, 0, 0), 1, 0, 253399708800LL, "2026-12-02 + P7973Y = 9999-12-02, it fits"},
    {1796169600, D(7974, 0, 0, 0, 0, 0), 1, -1, 0, "2026-12-02 + 7974 years is refused"},
    {INSTANT_MAX, D(0, 0, 0, 0, 0, 1), 1, -1, 0, "INSTANT_MAX + 1 s is refused"},
    {INSTANT_MAX, D(0, 0, 0, 0, 0, 1), -1, 0, INSTANT_MAX - 1, "INSTANT_MAX - 1 s fits"},
    /* the grammar's largest number: no overflow, a refusal */
    {0, D(0, 0, 100000000000LL, 0, 0, 0), 1, -1, 0, "1e11 days is refused"},
    {0, D(0, 0, 100000000000LL, 0, 0, 0), -1, -1, 0, "1e11 days back is refused"},
    {0, D(0, 100000000000LL, 0, 0, 0, 0), 1, -1, 0, "1e11 months is refused"},
    {1796169600, D(3000, 0, 0, 0, 0, 0), -1, -1, 0, "3000 years before 2026 is refused"},
};

static void test_range(void)
{
    for (size_t i = 0; i < N(checked_sums); i++) {
        int64_t out = 12345;
        CHECK_INT(add_duration_checked(checked_sums[i].t, &checked_sums[i].d, checked_sums[i].sign, &out),
                  checked_sums[i].rc, checked_sums[i].what);
        CHECK_T(out, checked_sums[i].rc ? 12345 : checked_sums[i].want, checked_sums[i].what);
    }
}

/* How far an instant is, as people read it (describe_relative): to the nearest unit. */
static void relative_is(int64_t d, const char *want)
{
    struct text t = TEXT_INIT;
    describe_relative(1796176800 + d, 1796176800, &t);
    CHECK_STR(t.s, want, "describe_relative");
    text_free(&t);
}

static void test_relative(void)
{
    relative_is(0, "now");
    relative_is(59, "now");
    relative_is(90, "in 2 minutes");
    relative_is(-3 * 3600, "3 hours ago");
    relative_is(7 * 86400 - 10, "in 7 days"); /* a 7-day grant, seconds after it was made */
    relative_is(29 * 86400 + 15 * 3600, "in 30 days");
    relative_is(2 * 86400 - 1, "in 48 hours");
    relative_is(-2 * 86400, "2 days ago");
}

int main(void)
{
    test_civil();
    test_zones();
    test_from_local();
    test_add();
    test_rfc3339();
    test_duration();
    test_range();
    test_relative();
    return CHECK_SUMMARY();
}
