#include "timecalc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char zone_name[128] = "UTC";
static int zone_is_utc = 1; /* the common case needs no zone database at all */

/* A zone name is letters, digits, and _ - + / with no "..": it names a file below the
 * zone database, so it must not climb out of it. */
static int zone_name_ok(const char *z)
{
    size_t n = strlen(z);
    if (n == 0 || n >= sizeof zone_name || z[0] == '/' || strstr(z, "..")) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '+' || c == '/'))
            return 0;
    }
    return 1;
}

static int zone_file_ok(const char *z)
{
    const char *dirs[] = {getenv("TZDIR"), "/usr/share/zoneinfo"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i]) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dirs[i], z);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        char magic[4];
        size_t got = fread(magic, 1, 4, f);
        fclose(f);
        if (got == 4 && memcmp(magic, "TZif", 4) == 0) return 1;
    }
    return 0;
}

int tz_use(const char *zone)
{
    if (!zone || !*zone || strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0 ||
        strcmp(zone, "Z") == 0) {
        snprintf(zone_name, sizeof zone_name, "UTC");
        zone_is_utc = 1;
        setenv("TZ", "UTC", 1);
        tzset();
        return 0;
    }
    if (!zone_name_ok(zone) || !zone_file_ok(zone)) return -1;
    snprintf(zone_name, sizeof zone_name, "%s", zone);
    zone_is_utc = 0;
    char tzval[140];
    snprintf(tzval, sizeof tzval, ":%s", zone);
    setenv("TZ", tzval, 1);
    tzset();
    return 0;
}

const char *tz_current(void) { return zone_name; }

/* Days since 1970-01-01 of a proleptic Gregorian date (the era algorithm: 400-year eras of
 * 146097 days, years starting in March so the leap day comes last). */
int64_t days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2) return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
    return len[(m - 1) % 12];
}

int weekday_of_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    int64_t w = (days + 3) % 7;
    if (w < 0) w += 7;
    return (int)w + 1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int tz_offset(int64_t t)
{
    if (zone_is_utc) return 0;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) return 0;
    return (int)tm.tm_gmtoff;
}

static void fields_of(int64_t local, struct civil *c)
{
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;
    civil_from_days(days, &c->year, &c->month, &c->day);
    c->hour = (int)(secs / 3600);
    c->minute = (int)(secs / 60 % 60);
    c->second = (int)(secs % 60);
    c->wday = weekday_of_days(days);
}

void to_local(int64_t t, struct civil *c) { fields_of(t + tz_offset(t), c); }

int64_t from_local(const struct civil *c)
{
    int64_t local =
        days_from_civil(c->year, c->month, c->day) * 86400 + c->hour * 3600 + c->minute * 60 + c->second;
    if (zone_is_utc) return local;
    /* The offsets in force two days either side: around a transition, one is the offset
     * before it and one the offset after. Two days, not half of one, because the local
     * time read as UTC is up to 14 hours off the instant (Pacific/Auckland is +13). */
    int before = tz_offset(local - 2 * 86400), after = tz_offset(local + 2 * 86400);
    int64_t u1 = local - before, u2 = local - after;
    int ok1 = tz_offset(u1) == before, ok2 = tz_offset(u2) == after;
    if (ok1 && ok2) return u1 < u2 ? u1 : u2; /* a repeated hour: its first occurrence */
    if (ok1) return u1;
    if (ok2) return u2;
    /* A gap: the first instant after it is the transition itself, found by bisection
     * between the two candidates (the offset changes once between them). */
    int64_t lo = u1 < u2 ? u1 : u2, hi = u1 < u2 ? u2 : u1;
    int off_lo = tz_offset(lo);
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (tz_offset(mid) == off_lo)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

int64_t add_duration(int64_t t, const struct duration *d, int sign)
{
    if (d->years || d->months || d->days) {
        struct civil c;
        to_local(t, &c);
        int64_t months = (int64_t)c.year * 12 + (c.month - 1) + sign * (d->years * 12 + d->months);
        c.year = (int)floor_div(months, 12);
        c.month = (int)(months - (int64_t)c.year * 12) + 1;
        int dim = days_in_month(c.year, c.month);
        if (c.day > dim) c.day = dim; /* Jan 31 + 1 month = Feb 28 or 29 */
        int64_t days = days_from_civil(c.year, c.month, c.day) + sign * d->days;
        civil_from_days(days, &c.year, &c.month, &c.day);
        t = from_local(&c);
    }
    return t + sign * (d->hours * 3600 + d->minutes * 60 + d->seconds);
}

int instant_in_range(int64_t t) { return t >= INSTANT_MIN && t <= INSTANT_MAX; }

int add_duration_checked(int64_t t, const struct duration *d, int sign, int64_t *out)
{
    /* A component longer than the whole range cannot land inside it; refusing it here also
     * keeps the calendar arithmetic far from overflow. */
    const int64_t years = 10000, days = years * 366;
    const int64_t limit[6] = {years, years * 12, days, days * 24, days * 1440, days * 86400};
    const int64_t got[6] = {d->years, d->months, d->days, d->hours, d->minutes, d->seconds};
    if (!instant_in_range(t)) return -1;
    for (int i = 0; i < 6; i++)
        if (got[i] > limit[i] || got[i] < -limit[i]) return -1;
    int64_t r = add_duration(t, d, sign);
    if (!instant_in_range(r)) return -1;
    *out = r;
    return 0;
}

int format_rfc3339(int64_t t, char *buf)
{
    if (!instant_in_range(t)) {
        buf[0] = '\0';
        return -1;
    }
    struct civil c;
    fields_of(t, &c);
    snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)c.year % 10000u, (unsigned)c.month % 13u,
             (unsigned)c.day % 32u, (unsigned)c.hour % 24u, (unsigned)c.minute % 60u,
             (unsigned)c.second % 60u);
    return 0;
}

static int num(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int parse_rfc3339(const char *s, int64_t *t)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) < 20 || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
        num(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || num(s + 11, 2, &h) ||
        s[13] != ':' || num(s + 14, 2, &mi) || s[16] != ':' || num(s + 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60) return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (num(p + 1, 2, &oh) || p[3] != ':' || num(p + 4, 2, &om) || oh > 23 || om > 59) return -1;
        off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p) return -1;
    int64_t at = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    if (!instant_in_range(at)) return -1;
    *t = at;
    return 0;
}
