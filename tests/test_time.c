/* Unit tests of intent/timecalc.h and intent/duration.h.
 *
 * Every expected value was computed outside the code under test: day numbers and epoch
 * seconds with GNU date (`date -u -d 2026-03-29T01:00:00Z +%s`), local times and offsets
 * with `TZ=Europe/Berlin date -d @1774746000` and `zdump -v -c 2026,2027 ZONE`. The instant
 * literals carry their RFC 3339 form in a comment. */
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "timecalc.h"
#include "check.h"

static struct duration dur(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s)
{
    struct duration r = {y, mo, d, h, mi, s};
    return r;
}

static struct civil civ(int y, int mo, int d, int h, int mi, int s)
{
    struct civil c = {y, mo, d, h, mi, s, 0};
    return c;
}

/* ---- Calendar arithmetic -------------------------------------------------------------- */

static void round_trip(int y, int m, int d, int64_t want_days, const char *what)
{
    CHECK_INT(days_from_civil(y, m, d), want_days, what);
    int yy = 0, mm = 0, dd = 0;
    civil_from_days(want_days, &yy, &mm, &dd);
    CHECK_INT(yy, y, what);
    CHECK_INT(mm, m, what);
    CHECK_INT(dd, d, what);
}

static void test_civil(void)
{
    round_trip(1970, 1, 1, 0, "1970-01-01 is day 0");
    round_trip(1970, 1, 2, 1, "1970-01-02 is day 1");
    round_trip(1969, 12, 31, -1, "1969-12-31 is day -1");
    round_trip(2000, 2, 29, 11016, "2000-02-29 (leap day of a century leap year)");
    round_trip(2000, 3, 1, 11017, "2000-03-01");
    round_trip(2100, 2, 28, 47540, "2100-02-28");
    round_trip(2100, 3, 1, 47541, "2100-03-01 follows 2100-02-28 (2100 not leap)");
    round_trip(2026, 11, 18, 20775, "2026-11-18");
    round_trip(1900, 1, 1, -25567, "1900-01-01 (negative days)");
    round_trip(1600, 3, 1, -135080, "1600-03-01 (negative days, era boundary)");
    round_trip(1, 1, 1, -719162, "0001-01-01 (negative days)");
    round_trip(2400, 2, 29, 157113, "2400-02-29");

    /* Every day of 1896..2104 goes there and back, and days follow one another. */
    int bad = 0;
    int64_t first = days_from_civil(1896, 1, 1);
    for (int64_t z = first; z < first + 209 * 366; z++) {
        int y, m, d;
        civil_from_days(z, &y, &m, &d);
        if (days_from_civil(y, m, d) != z) bad++;
    }
    CHECK_INT(bad, 0, "civil_from_days then days_from_civil over 1896..2104");

    CHECK_INT(days_in_month(2024, 2), 29, "February 2024 (leap)");
    CHECK_INT(days_in_month(2026, 2), 28, "February 2026");
    CHECK_INT(days_in_month(2100, 2), 28, "February 2100 (century, not leap)");
    CHECK_INT(days_in_month(2000, 2), 29, "February 2000 (400-year leap)");
    CHECK_INT(days_in_month(1900, 2), 28, "February 1900");
    CHECK_INT(days_in_month(2026, 1), 31, "January");
    CHECK_INT(days_in_month(2026, 4), 30, "April");
    CHECK_INT(days_in_month(2026, 6), 30, "June");
    CHECK_INT(days_in_month(2026, 7), 31, "July");
    CHECK_INT(days_in_month(2026, 8), 31, "August");
    CHECK_INT(days_in_month(2026, 9), 30, "September");
    CHECK_INT(days_in_month(2026, 11), 30, "November");
    CHECK_INT(days_in_month(2026, 12), 31, "December");

    /* 1 Monday .. 7 Sunday (date +%u) */
    CHECK_INT(weekday_of_days(0), 4, "1970-01-01 was a Thursday");
    CHECK_INT(weekday_of_days(-1), 3, "1969-12-31 was a Wednesday");
    CHECK_INT(weekday_of_days(11016), 2, "2000-02-29 was a Tuesday");
    CHECK_INT(weekday_of_days(20775), 3, "2026-11-18 is a Wednesday");
    CHECK_INT(weekday_of_days(47540), 7, "2100-02-28 is a Sunday");
    CHECK_INT(weekday_of_days(-25567), 1, "1900-01-01 was a Monday");
    CHECK_INT(weekday_of_days(-719162), 1, "0001-01-01 was a Monday");
    CHECK_INT(weekday_of_days(20541), 7, "2026-03-29 is a Sunday");
}

/* ---- Zones ---------------------------------------------------------------------------- */

static void test_zones(void)
{
    CHECK_INT(tz_use("UTC"), 0, "tz_use(UTC)");
    CHECK_STR(tz_current(), "UTC", "tz_current after UTC");

    CHECK_INT(tz_use("Europe/Berlin"), 0, "tz_use(Europe/Berlin)");
    CHECK_STR(tz_current(), "Europe/Berlin", "tz_current after Europe/Berlin");

    /* Unknown zones are errors, and leave the zone as it was: never a silent UTC. */
    CHECK_INT(tz_use("Mars/Olympus"), -1, "tz_use(Mars/Olympus) refused");
    CHECK_STR(tz_current(), "Europe/Berlin", "zone unchanged after Mars/Olympus");
    CHECK_INT(tz_offset(1774746000), 7200, "Berlin offset still in force after a refusal");
    CHECK_INT(tz_use("../etc/passwd"), -1, "tz_use(../etc/passwd) refused");
    CHECK_INT(tz_use("Europe/../../../etc/passwd"), -1, "tz_use(Europe/../../../etc/passwd) refused");
    CHECK_INT(tz_use("/etc/localtime"), -1, "tz_use of an absolute path refused");
    CHECK_INT(tz_use("Europe"), -1, "tz_use of a directory of the database refused");
    CHECK_INT(tz_use("Europe/Berlin "), -1, "tz_use with a trailing space refused");
    CHECK_INT(tz_use("europe/berlin"), -1, "tz_use with the wrong case refused (no such file)");
    CHECK_STR(tz_current(), "Europe/Berlin", "zone unchanged after the refusals");

    /* The empty name: the code (and the CLI, which maps an empty TZ to UTC before calling)
     * takes it as UTC, as POSIX does for TZ="". */
    CHECK_INT(tz_use(""), 0, "tz_use(\"\") is UTC");
    CHECK_STR(tz_current(), "UTC", "tz_current after \"\"");
    CHECK_INT(tz_offset(1774746000), 0, "offset after tz_use(\"\")");

    /* Offsets either side of the 2026 transitions (zdump). */
    tz_use("Europe/Berlin");
    CHECK_INT(tz_offset(1774745999), 3600, "Berlin 2026-03-29T00:59:59Z is CET");
    CHECK_INT(tz_offset(1774746000), 7200, "Berlin 2026-03-29T01:00:00Z is CEST");
    CHECK_INT(tz_offset(1792888200), 7200, "Berlin 2026-10-25T00:30:00Z is CEST");
    CHECK_INT(tz_offset(1792891800), 3600, "Berlin 2026-10-25T01:30:00Z is CET");
    tz_use("America/New_York");
    CHECK_INT(tz_offset(1772953199), -18000, "New York 2026-03-08T06:59:59Z is EST");
    CHECK_INT(tz_offset(1772953200), -14400, "New York 2026-03-08T07:00:00Z is EDT");
    CHECK_INT(tz_offset(1793511000), -14400, "New York 2026-11-01T05:30:00Z is EDT");
    CHECK_INT(tz_offset(1793514600), -18000, "New York 2026-11-01T06:30:00Z is EST");

    /* to_local */
    struct civil c;
    tz_use("Europe/Berlin");
    to_local(1774746000, &c); /* 2026-03-29T01:00:00Z = 03:00 CEST, a Sunday */
    CHECK_INT(c.year, 2026, "to_local Berlin year");
    CHECK_INT(c.month, 3, "to_local Berlin month");
    CHECK_INT(c.day, 29, "to_local Berlin day");
    CHECK_INT(c.hour, 3, "to_local Berlin hour just after spring forward");
    CHECK_INT(c.minute, 0, "to_local Berlin minute");
    CHECK_INT(c.wday, 7, "to_local Berlin weekday (Sunday)");
    to_local(1774745999, &c); /* 00:59:59Z = 01:59:59 CET */
    CHECK_INT(c.hour, 1, "to_local Berlin hour just before spring forward");
    CHECK_INT(c.second, 59, "to_local Berlin second");
    tz_use("America/New_York");
    to_local(1793514600, &c); /* 2026-11-01T06:30:00Z = 01:30 EST (second 01:30) */
    CHECK_INT(c.day, 1, "to_local New York day");
    CHECK_INT(c.hour, 1, "to_local New York hour in the repeated hour");
    CHECK_INT(c.minute, 30, "to_local New York minute");
    tz_use("UTC");
    to_local(-1, &c); /* 1969-12-31T23:59:59Z, a Wednesday */
    CHECK_INT(c.year, 1969, "to_local UTC before the epoch: year");
    CHECK_INT(c.hour, 23, "to_local UTC before the epoch: hour");
    CHECK_INT(c.second, 59, "to_local UTC before the epoch: second");
    CHECK_INT(c.wday, 3, "to_local UTC before the epoch: weekday");
}

static void test_from_local(void)
{
    struct civil c;

    tz_use("Europe/Berlin");
    c = civ(2026, 3, 28, 12, 0, 0);
    CHECK_T(from_local(&c), 1774695600, "Berlin 2026-03-28 12:00 CET"); /* 11:00Z */
    c = civ(2026, 3, 29, 12, 0, 0);
    CHECK_T(from_local(&c), 1774778400, "Berlin 2026-03-29 12:00 CEST"); /* 10:00Z */
    c = civ(2026, 3, 29, 2, 30, 0);
    CHECK_T(from_local(&c), 1774746000, "Berlin 02:30 in the gap is the first instant after it (01:00Z)");
    c = civ(2026, 3, 29, 2, 0, 0);
    CHECK_T(from_local(&c), 1774746000, "Berlin 02:00, start of the gap, is 01:00Z");
    c = civ(2026, 3, 29, 3, 0, 0);
    CHECK_T(from_local(&c), 1774746000, "Berlin 03:00 just after the gap is 01:00Z");
    c = civ(2026, 3, 29, 1, 59, 59);
    CHECK_T(from_local(&c), 1774745999, "Berlin 01:59:59 just before the gap is 00:59:59Z");
    c = civ(2026, 10, 25, 2, 30, 0);
    CHECK_T(from_local(&c), 1792888200, "Berlin repeated 02:30 is its first occurrence (00:30Z)");
    c = civ(2026, 10, 25, 3, 0, 0);
    CHECK_T(from_local(&c), 1792893600, "Berlin 03:00 after the repeated hour is 02:00Z");

    tz_use("America/New_York");
    c = civ(2026, 3, 8, 2, 30, 0);
    CHECK_T(from_local(&c), 1772953200, "New York 02:30 in the gap is 07:00Z");
    c = civ(2026, 11, 1, 1, 30, 0);
    CHECK_T(from_local(&c), 1793511000, "New York repeated 01:30 is its first occurrence (05:30Z)");
    c = civ(2026, 3, 7, 20, 0, 0);
    CHECK_T(from_local(&c), 1772931600, "New York 2026-03-07 20:00 EST is 2026-03-08T01:00Z");

    /* A zone far east of UTC: the same rules hold there (zdump -v Pacific/Auckland:
     * 2026-04-04T14:00Z NZDT -> NZST, 2026-09-26T14:00Z NZST -> NZDT). */
    tz_use("Pacific/Auckland");
    c = civ(2026, 4, 5, 2, 30, 0);
    CHECK_T(from_local(&c), 1775309400,
            "Auckland repeated 02:30 is its first occurrence (2026-04-04T13:30Z)");
    c = civ(2026, 9, 27, 2, 30, 0);
    CHECK_T(from_local(&c), 1790431200,
            "Auckland 02:30 in the gap is the first instant after it (2026-09-26T14:00Z)");
    c = civ(2026, 6, 15, 12, 0, 0);
    CHECK_T(from_local(&c), 1781481600, "Auckland 2026-06-15 12:00 NZST is 00:00Z");

    tz_use("UTC");
    c = civ(2026, 11, 18, 15, 30, 0);
    CHECK_T(from_local(&c), 1795015800, "UTC from_local");
}

/* ---- add_duration --------------------------------------------------------------------- */

static void test_add(void)
{
    struct duration d;
    tz_use("UTC");

    d = dur(0, 1, 0, 0, 0, 0);
    CHECK_T(add_duration(1801353600, &d, 1), 1803772800, "2027-01-31 + P1M = 2027-02-28");
    CHECK_T(add_duration(1832889600, &d, 1), 1835395200, "2028-01-31 + P1M = 2028-02-29");
    CHECK_T(add_duration(1806451200, &d, -1), 1803772800, "2027-03-31 - P1M = 2027-02-28");
    CHECK_T(add_duration(1838073600, &d, -1), 1835395200, "2028-03-31 - P1M = 2028-02-29");
    CHECK_T(add_duration(1799971200, &d, -1), 1797292800, "2027-01-15 - P1M = 2026-12-15");
    d = dur(0, 2, 0, 0, 0, 0);
    CHECK_T(add_duration(1798675200, &d, 1), 1803772800, "2026-12-31 + P2M = 2027-02-28");
    d = dur(1, 0, 0, 0, 0, 0);
    CHECK_T(add_duration(1835395200, &d, 1), 1866931200, "2028-02-29 + P1Y = 2029-02-28");
    CHECK_T(add_duration(1835395200, &d, -1), 1803772800, "2028-02-29 - P1Y = 2027-02-28");
    d = dur(4, 0, 0, 0, 0, 0);
    CHECK_T(add_duration(1835395200, &d, 1), 1961625600, "2028-02-29 + P4Y = 2032-02-29");
    d = dur(0, 1, 1, 0, 0, 0);
    CHECK_T(add_duration(1801353600, &d, 1), 1803859200,
            "2027-01-31 + P1M1D = 2027-03-01 (months clamp first, then days)");
    d = dur(0, 0, 30, 0, 0, 0);
    CHECK_T(add_duration(1795015800, &d, 1), 1797607800, "2026-11-18T15:30Z + P30D");
    d = dur(0, 0, 1, 12, 0, 0);
    CHECK_T(add_duration(1795015800, &d, 1), 1795145400, "2026-11-18T15:30Z + P1DT12H");
    d = dur(0, 0, 0, 0, 90, 0);
    CHECK_T(add_duration(1795015800, &d, 1), 1795021200, "2026-11-18T15:30Z + PT90M");
    CHECK_T(add_duration(1795015800, &d, -1), 1795010400, "2026-11-18T15:30Z - PT90M");
    d = dur(0, 6, 0, 0, 0, 0);
    CHECK_T(add_duration(1795015800, &d, 1), 1810654200, "2026-11-18T15:30Z + P6M");
    d = dur(0, 1, 0, 0, 0, 0);
    CHECK_T(add_duration(1795015800, &d, -1), 1792337400, "2026-11-18T15:30Z - P1M (over the past month)");
    d = dur(0, 0, 14, 0, 0, 0);
    CHECK_T(add_duration(1795015800, &d, -1), 1793806200, "2026-11-18T15:30Z - P14D");
    d = dur(0, 0, 0, 0, 0, 0);
    CHECK_T(add_duration(1795015800, &d, 1), 1795015800, "+ PT0S changes nothing");

    /* Days keep the local clock time across DST; hours add elapsed time. */
    struct duration p1d = dur(0, 0, 1, 0, 0, 0), pt24h = dur(0, 0, 0, 24, 0, 0);
    tz_use("America/New_York");
    /* 2026-03-07 12:00 EST = 17:00Z */
    CHECK_T(add_duration(1772902800, &p1d, 1), 1772985600,
            "New York spring forward: + P1D is 12:00 EDT (16:00Z)");
    CHECK_T(add_duration(1772902800, &pt24h, 1), 1772989200,
            "New York spring forward: + PT24H is 13:00 EDT (17:00Z)");
    CHECK_T(add_duration(1772985600, &p1d, -1), 1772902800,
            "New York spring forward: 12:00 EDT - P1D is 12:00 EST");
    /* 2026-10-31 12:00 EDT = 16:00Z */
    CHECK_T(add_duration(1793462400, &p1d, 1), 1793552400, "New York fall back: + P1D is 12:00 EST (17:00Z)");
    CHECK_T(add_duration(1793462400, &pt24h, 1), 1793548800,
            "New York fall back: + PT24H is 11:00 EST (16:00Z)");

    tz_use("Europe/Berlin");
    /* 2026-03-28 12:00 CET = 11:00Z */
    CHECK_T(add_duration(1774695600, &p1d, 1), 1774778400,
            "Berlin spring forward: + P1D is 12:00 CEST (10:00Z)");
    CHECK_T(add_duration(1774695600, &pt24h, 1), 1774782000,
            "Berlin spring forward: + PT24H is 13:00 CEST (11:00Z)");
    CHECK_T(add_duration(1774778400, &p1d, -1), 1774695600,
            "Berlin spring forward: 12:00 CEST - P1D is 12:00 CET");
    /* 2026-10-24 12:00 CEST = 10:00Z */
    CHECK_T(add_duration(1792836000, &p1d, 1), 1792926000, "Berlin fall back: + P1D is 12:00 CET (11:00Z)");
    CHECK_T(add_duration(1792836000, &pt24h, 1), 1792922400,
            "Berlin fall back: + PT24H is 11:00 CET (10:00Z)");
    /* Landing in the gap or the repeated hour */
    CHECK_T(add_duration(1774661400, &p1d, 1), 1774746000,
            "Berlin 2026-03-28 02:30 CET + P1D lands in the gap: 2026-03-29T01:00Z");
    CHECK_T(add_duration(1792801800, &p1d, 1), 1792888200,
            "Berlin 2026-10-24 02:30 CEST + P1D: first 02:30 of 2026-10-25 (00:30Z)");
    CHECK_T(add_duration(1792891800, &p1d, 1), 1792978200,
            "Berlin 2026-10-25 02:30 CET + P1D: 2026-10-26 02:30 CET (01:30Z)");
    /* A week and months across DST */
    struct duration p7d = dur(0, 0, 7, 0, 0, 0), p1m = dur(0, 1, 0, 0, 0, 0);
    CHECK_T(add_duration(1774177200, &p7d, 1), 1774778400,
            "Berlin 2026-03-22 12:00 CET + P7D = 2026-03-29 12:00 CEST");
    CHECK_T(add_duration(1773572400, &p1m, 1), 1776247200,
            "Berlin 2026-03-15 12:00 CET + P1M = 2026-04-15 12:00 CEST");
    CHECK_T(add_duration(1769850000, &p1m, 1), 1772269200,
            "Berlin 2026-01-31 10:00 + P1M = 2026-02-28 10:00");
    tz_use("UTC");
}

/* ---- RFC 3339 ------------------------------------------------------------------------- */

static void test_rfc3339(void)
{
    char buf[32];
    format_rfc3339(0, buf);
    CHECK_STR(buf, "1970-01-01T00:00:00Z", "format 0");
    format_rfc3339(1795015800, buf);
    CHECK_STR(buf, "2026-11-18T15:30:00Z", "format 2026-11-18T15:30:00Z");
    format_rfc3339(1774746000, buf);
    CHECK_STR(buf, "2026-03-29T01:00:00Z", "format 2026-03-29T01:00:00Z");
    format_rfc3339(-1, buf);
    CHECK_STR(buf, "1969-12-31T23:59:59Z", "format -1");
    format_rfc3339(2147483648LL, buf);
    CHECK_STR(buf, "2038-01-19T03:14:08Z", "format past 2038");
    format_rfc3339(253402300799LL, buf);
    CHECK_STR(buf, "9999-12-31T23:59:59Z", "format 9999-12-31T23:59:59Z");
    CHECK_INT(strlen(buf), 20, "RFC 3339 length");
    /* Formatting is UTC whatever the zone */
    tz_use("America/New_York");
    format_rfc3339(1795015800, buf);
    CHECK_STR(buf, "2026-11-18T15:30:00Z", "format in New York is still UTC");
    tz_use("UTC");

    int64_t t;
    t = 12345;
    CHECK_INT(parse_rfc3339("2026-11-18T15:30:00Z", &t), 0, "parse Z");
    CHECK_T(t, 1795015800, "parse 2026-11-18T15:30:00Z");
    t = 12345;
    CHECK_INT(parse_rfc3339("1970-01-01T00:00:00Z", &t), 0, "parse epoch");
    CHECK_T(t, 0, "parse 1970-01-01T00:00:00Z");
    t = 12345;
    CHECK_INT(parse_rfc3339("2026-03-29T03:00:00+02:00", &t), 0, "parse +02:00");
    CHECK_T(t, 1774746000, "parse 2026-03-29T03:00:00+02:00");
    t = 12345;
    CHECK_INT(parse_rfc3339("2026-01-01T00:00:00-05:30", &t), 0, "parse -05:30");
    CHECK_T(t, 1767245400, "parse 2026-01-01T00:00:00-05:30");
    t = 12345;
    CHECK_INT(parse_rfc3339("2026-11-18T15:30:00.123456Z", &t), 0, "parse fractional seconds");
    CHECK_T(t, 1795015800, "parse 2026-11-18T15:30:00.123456Z");
    t = 12345;
    CHECK_INT(parse_rfc3339("2026-11-18T17:30:00.5+02:00", &t), 0, "parse fraction and offset");
    CHECK_T(t, 1795015800, "parse 2026-11-18T17:30:00.5+02:00");
    t = 12345;
    CHECK_INT(parse_rfc3339("2026-11-18t15:30:00z", &t), 0, "parse lower-case t and z");
    CHECK_T(t, 1795015800, "parse 2026-11-18t15:30:00z");
    t = 12345;
    CHECK_INT(parse_rfc3339("2000-02-29T00:00:00+00:00", &t), 0, "parse leap day +00:00");
    CHECK_T(t, 951782400, "parse 2000-02-29T00:00:00+00:00");
    t = 12345;
    CHECK_INT(parse_rfc3339("1969-12-31T23:59:59Z", &t), 0, "parse before the epoch");
    CHECK_T(t, -1, "parse 1969-12-31T23:59:59Z");

    /* Round trip through format */
    t = 0;
    parse_rfc3339("2100-02-28T23:59:59Z", &t);
    format_rfc3339(t, buf);
    CHECK_STR(buf, "2100-02-28T23:59:59Z", "round trip 2100-02-28T23:59:59Z");

    static const char *const bad[] = {
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
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[96];
        snprintf(what, sizeof what, "parse_rfc3339 refuses \"%s\"", bad[i]);
        CHECK_INT(parse_rfc3339(bad[i], &t), -1, what);
    }
}

/* ---- ISO 8601 durations --------------------------------------------------------------- */

static void iso_case(struct duration d, const char *want, const char *what)
{
    char buf[64];
    int n = duration_iso(&d, buf, sizeof buf);
    CHECK_STR(buf, want, what);
    CHECK_INT(n, strlen(want), what);
    struct duration back;
    memset(&back, 0x55, sizeof back);
    CHECK_INT(duration_parse_iso(want, &back), 0, what);
    CHECK(back.years == d.years && back.months == d.months && back.days == d.days && back.hours == d.hours &&
              back.minutes == d.minutes && back.seconds == d.seconds,
          what);
}

static void test_duration(void)
{
    iso_case(dur(0, 0, 14, 0, 0, 0), "P14D", "P14D");
    iso_case(dur(0, 0, 0, 0, 90, 0), "PT90M", "PT90M (not normalised to PT1H30M)");
    iso_case(dur(0, 0, 1, 12, 0, 0), "P1DT12H", "P1DT12H");
    iso_case(dur(1, 6, 0, 0, 0, 0), "P1Y6M", "P1Y6M");
    iso_case(dur(0, 0, 0, 0, 0, 0), "PT0S", "PT0S");
    iso_case(dur(0, 1, 0, 0, 0, 0), "P1M", "P1M (months)");
    iso_case(dur(0, 0, 0, 0, 1, 0), "PT1M", "PT1M (minutes)");
    iso_case(dur(0, 0, 0, 36, 0, 0), "PT36H", "PT36H");
    iso_case(dur(0, 0, 0, 1, 30, 0), "PT1H30M", "PT1H30M");
    iso_case(dur(0, 0, 3, 12, 0, 0), "P3DT12H", "P3DT12H");
    iso_case(dur(2, 3, 4, 5, 6, 7), "P2Y3M4DT5H6M7S", "all components");
    iso_case(dur(0, 0, 0, 0, 0, 45), "PT45S", "PT45S");

    char small[5];
    struct duration d = dur(0, 0, 14, 0, 0, 0);
    duration_iso(&d, small, sizeof small);
    CHECK_STR(small, "P14D", "duration_iso into an exact-size buffer");

    CHECK_INT(duration_parse_iso("P2W", &d), 0, "P2W parses");
    CHECK_INT(d.days, 14, "P2W is 14 days");
    CHECK_INT(duration_parse_iso("P1W2D", &d), 0, "P1W2D parses");
    CHECK_INT(d.days, 9, "P1W2D is 9 days");
    CHECK_INT(duration_parse_iso("PT0S", &d), 0, "PT0S parses");
    CHECK(duration_is_zero(&d), "PT0S is zero");

    static const char *const bad[] = {
        "",    "P",     "PT",   "14D",  "p14d",  "P14",  "P1H",  "PT1D",    "PT1Y",
        "P1S", "P1.5D", "P-1D", "P1DT", "PT1H2", "P1D ", " P1D", "PT1HT2M", "P1X",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "duration_parse_iso refuses \"%s\"", bad[i]);
        CHECK_INT(duration_parse_iso(bad[i], &d), -1, what);
    }

    struct duration acc = dur(0, 0, 1, 0, 0, 0), more = dur(0, 0, 0, 12, 0, 0);
    duration_add(&acc, &more);
    CHECK(acc.days == 1 && acc.hours == 12 && !acc.years && !acc.months && !acc.minutes && !acc.seconds,
          "duration_add P1D + PT12H = P1DT12H");
    CHECK(!duration_is_zero(&acc), "P1DT12H is not zero");
}

/* ---- the range of instants (out_of_range: refused, never clamped) ---------------------- */

static void test_range(void)
{
    char buf[32] = "unchanged";
    int64_t t = 12345;
    CHECK_INT(format_rfc3339(INSTANT_MAX + 1, buf), -1, "format 10000-01-01 refused");
    CHECK_STR(buf, "", "an instant out of range is written as nothing, never as a clamped year");
    CHECK_INT(format_rfc3339(INSTANT_MIN - 1, buf), -1, "format year 0 refused");
    CHECK_INT(format_rfc3339(INSTANT_MIN, buf), 0, "format 0001-01-01");
    CHECK_STR(buf, "0001-01-01T00:00:00Z", "the first instant");
    CHECK_INT(parse_rfc3339("9999-12-31T23:59:60Z", &t), -1, "a leap second past 9999 is out of range");
    CHECK_INT(parse_rfc3339("9999-12-31T23:00:00-01:00", &t), -1, "an offset past 9999 is out of range");
    CHECK_INT(parse_rfc3339("0000-12-31T23:59:59Z", &t), -1, "year 0 is out of range");
    CHECK_T(t, 12345, "a refused parse leaves the instant alone");
    CHECK_INT(parse_rfc3339("9999-12-31T23:59:59Z", &t), 0, "the last instant parses");
    CHECK_T(t, INSTANT_MAX, "9999-12-31T23:59:59Z is INSTANT_MAX");

    struct duration d = {0};
    int64_t out = 12345;
    d.years = 7973; /* 2026-12-02 + 7973 years = 9999-12-02 */
    CHECK_INT(add_duration_checked(1796169600, &d, 1, &out), 0, "2026-12-02 + 7973 years fits");
    format_rfc3339(out, buf);
    CHECK_STR(buf, "9999-12-02T00:00:00Z", "2026-12-02 + P7973Y");
    d.years = 7974;
    out = 12345;
    CHECK_INT(add_duration_checked(1796169600, &d, 1, &out), -1, "2026-12-02 + 7974 years is refused");
    CHECK_T(out, 12345, "a refused sum leaves out alone");
    d.years = 0;
    d.seconds = 1;
    CHECK_INT(add_duration_checked(INSTANT_MAX, &d, 1, &out), -1, "INSTANT_MAX + 1 s is refused");
    CHECK_INT(add_duration_checked(INSTANT_MAX, &d, -1, &out), 0, "INSTANT_MAX - 1 s fits");
    CHECK_T(out, INSTANT_MAX - 1, "INSTANT_MAX - 1 s");
    d.seconds = 0;
    d.days = 100000000000LL; /* the grammar's largest number: no overflow, a refusal */
    CHECK_INT(add_duration_checked(0, &d, 1, &out), -1, "1e11 days is refused");
    CHECK_INT(add_duration_checked(0, &d, -1, &out), -1, "1e11 days back is refused");
    d.days = 0;
    d.months = 100000000000LL;
    CHECK_INT(add_duration_checked(0, &d, 1, &out), -1, "1e11 months is refused");
    d.months = 0;
    d.years = 3000;
    CHECK_INT(add_duration_checked(1796169600, &d, -1, &out), -1, "3000 years before 2026 is refused");
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
    return CHECK_SUMMARY();
}
