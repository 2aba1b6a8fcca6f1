#include "duration.h"

#include <stdio.h>
#include <string.h>

int duration_is_zero(const struct duration *d)
{
    return !d->years && !d->months && !d->days && !d->hours && !d->minutes && !d->seconds;
}

void duration_add(struct duration *acc, const struct duration *d)
{
    acc->years += d->years;
    acc->months += d->months;
    acc->days += d->days;
    acc->hours += d->hours;
    acc->minutes += d->minutes;
    acc->seconds += d->seconds;
}

/* Appends "<v><unit>" when v is not zero. */
static size_t put(char *buf, size_t size, size_t o, int64_t v, char unit)
{
    if (!v || o >= size) return o;
    int n = snprintf(buf + o, size - o, "%lld%c", (long long)v, unit);
    return n < 0 ? o : o + (size_t)n;
}

int duration_iso(const struct duration *d, char *buf, size_t size)
{
    if (duration_is_zero(d)) return snprintf(buf, size, "PT0S");
    size_t o = (size_t)snprintf(buf, size, "P");
    o = put(buf, size, o, d->years, 'Y');
    o = put(buf, size, o, d->months, 'M');
    o = put(buf, size, o, d->days, 'D');
    if ((d->hours || d->minutes || d->seconds) && o + 1 < size) {
        buf[o++] = 'T';
        buf[o] = '\0';
        o = put(buf, size, o, d->hours, 'H');
        o = put(buf, size, o, d->minutes, 'M');
        o = put(buf, size, o, d->seconds, 'S');
    }
    return (int)o;
}

int duration_parse_iso(const char *s, struct duration *d)
{
    memset(d, 0, sizeof *d);
    if (*s++ != 'P' || !*s) return -1;
    int in_time = 0, any = 0;
    while (*s) {
        if (*s == 'T') {
            if (in_time || !s[1]) return -1; /* a T needs a time part after it */
            in_time = 1;
            s++;
            continue;
        }
        int64_t v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (v > 100000000) return -1;
            v = v * 10 + (*s++ - '0');
            digits++;
        }
        if (!digits) return -1;
        switch (*s++) {
        case 'Y':
            if (in_time) return -1;
            d->years += v;
            break;
        case 'W':
            if (in_time) return -1;
            d->days += 7 * v;
            break;
        case 'D':
            if (in_time) return -1;
            d->days += v;
            break;
        case 'M':
            if (in_time)
                d->minutes += v;
            else
                d->months += v;
            break;
        case 'H':
            if (!in_time) return -1;
            d->hours += v;
            break;
        case 'S':
            if (!in_time) return -1;
            d->seconds += v;
            break;
        default: return -1;
        }
        any = 1;
    }
    return any ? 0 : -1;
}
