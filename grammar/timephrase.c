/* The time chunker (see timephrase.h). A small recursive-descent reader over tokens: the
 * time sub-language has numbers, fractions and sums whose values are easier to compute
 * in C than to mark in a machine (GRAMMAR-NOTES.md: mark a span, interpret it in C).
 * Every reader takes a position and returns how many tokens it consumed, 0 for none. */
#include "timephrase.h"

#include <string.h>

/* Unit values as words.def gives them. */

struct reader {
    const struct token *t;
    int n;
    const char *text;
};

static int code_at(const struct reader *r, int i) { return i < r->n ? r->t[i].code : T_NONE; }

static int text_is(const struct reader *r, int i, const char *s)
{
    size_t n = strlen(s);
    return i < r->n && r->t[i].len == n && memcmp(r->text + r->t[i].start, s, n) == 0;
}

/* A rational amount: num / den. */
struct amount {
    int64_t num, den;
};

static int digits_value(const char *s, int len, int64_t *num, int64_t *den)
{
    int64_t v = 0, d = 1;
    int seen_point = 0, digits = 0;
    for (int i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (c < '0' || c > '9') break;
        if (v > 100000000000LL || d > 100000000LL) return -1; /* far beyond any use */
        v = v * 10 + (c - '0');
        if (seen_point) d *= 10;
        digits++;
    }
    if (!digits) return -1;
    *num = v;
    *den = d;
    return 0;
}

/* A hyphenated number word, twenty-one .. ninety-nine. */
static int hyphen_number(const char *s, int len)
{
    static const char *const tens[] = {"twenty", "thirty",  "forty",  "fifty",
                                       "sixty",  "seventy", "eighty", "ninety"};
    static const char *const ones[] = {"one", "two",   "three", "four", "five",
                                       "six", "seven", "eight", "nine"};
    for (int i = 0; i < 8; i++) {
        int tl = (int)strlen(tens[i]);
        if (len <= tl + 1 || memcmp(s, tens[i], (size_t)tl) != 0 || s[tl] != '-') continue;
        for (int j = 0; j < 9; j++) {
            int ol = (int)strlen(ones[j]);
            if (len == tl + 1 + ol && memcmp(s + tl + 1, ones[j], (size_t)ol) == 0)
                return (i + 2) * 10 + j + 1;
        }
    }
    return -1;
}

/* A number said in words: `twenty five`, `twenty-five`, `a hundred`, `one hundred`. */
static int number_words(const struct reader *r, int i, int64_t *v)
{
    const struct token *t = &r->t[i];
    if (t->code == T_WORD && (t->flags & TF_HYPHEN)) {
        int h = hyphen_number(r->text + t->start, t->len);
        if (h < 0) return 0;
        *v = h;
        return 1;
    }
    if ((t->code == T_A || t->code == T_AN) && code_at(r, i + 1) == T_HUNDRED) {
        *v = 100;
        return 2;
    }
    if (t->code != T_NUMWORD) return 0;
    *v = t->val;
    if (code_at(r, i + 1) == T_HUNDRED && t->val >= 1 && t->val <= 9) {
        *v = t->val * 100;
        return 2;
    }
    if (t->val >= 20 && t->val % 10 == 0 && code_at(r, i + 1) == T_NUMWORD && r->t[i + 1].val >= 1 &&
        r->t[i + 1].val <= 9) {
        *v += r->t[i + 1].val;
        return 2;
    }
    return 1;
}

/* An amount: a number in digits or words, `a`/`an` (one), `a dozen`, `a couple of`,
 * `a few`. `a` alone counts only when a unit follows, which the caller checks. */
static int amount(const struct reader *r, int i, struct amount *a)
{
    if (i >= r->n) return 0;
    const struct token *t = &r->t[i];
    int k;
    int64_t v;
    a->den = 1;
    if (t->code == T_NUM && !(t->flags & TF_ORDINAL)) {
        if (digits_value(r->text + t->start, t->len, &a->num, &a->den)) return 0;
        return 1;
    }
    if (t->code == T_SLASHDATE) { /* 1/2, 1/4, 3/4 of a unit (Duckling) */
        const char *s = r->text + t->start;
        if (t->len == 3 && (s[2] == '2' || s[2] == '4') && (s[0] == '1' || (s[0] == '3' && s[2] == '4'))) {
            a->num = s[0] - '0';
            a->den = s[2] - '0';
            return 1;
        }
        return 0;
    }
    if ((k = number_words(r, i, &v))) {
        a->num = v;
        if (code_at(r, i + k) == T_DOZEN) {
            a->num *= 12;
            k++;
        } /* two dozen */
        return k;
    }
    int art = (t->code == T_A || t->code == T_AN) ? 1 : 0;
    if (art && code_at(r, i + 1) == T_NUMWORD && r->t[i + 1].val == 1) {
        a->num = 1;
        return 2;
    } /* a single */
    int c = code_at(r, i + art);
    if (c == T_DOZEN) {
        a->num = 12;
        return art + 1;
    }
    if (c == T_COUPLE) {
        a->num = 2;
        return art + 1 + (code_at(r, i + art + 1) == T_OF);
    }
    if (c == T_FEW) {
        a->num = 3;
        return art + 1;
    }
    if (art) {
        a->num = 1;
        return 1;
    }
    return 0;
}

/* The unit at i: a UNIT keyword (single letters only after a number: `30 d`), or the word
 * `y` that YES also spells. Returns the unit value, 0 for none. */
static int unit_at(const struct reader *r, int i, int after_number)
{
    if (i >= r->n) return 0;
    const struct token *t = &r->t[i];
    if (t->code == T_UNIT) return (t->len == 1 && !after_number) ? 0 : t->val;
    if (t->code == T_QUARTER) return U_QUARTER;
    if (after_number && t->code == T_YES && text_is(r, i, "y")) return U_YEAR;
    return 0;
}

/* Adds num/den of `unit` to d, each part in its own unit, a fraction carried into smaller
 * units (language.md): of years, into whole months; of months, into days at 30 a month
 * and on down; weeks become days; below that down to whole seconds. -1 when it does not
 * come out whole. */
static int add_amount(struct duration *d, int64_t num, int64_t den, int unit)
{
    if (num < 0 || den <= 0) return -1;
    if (num / den > 100000) return -1; /* more than anyone means */
    switch (unit) {
    case U_YEAR:
        d->years += num / den;
        num = (num % den) * 12;
        if (num % den) return -1;
        d->months += num / den;
        return 0;
    case U_QUARTER: return add_amount(d, num * 3, den, U_MONTH);
    case U_MONTH: /* a fraction of a month is whole days at 30 a month: half a month is P15D */
        d->months += num / den;
        num = (num % den) * 30;
        if (num % den) return -1;
        d->days += num / den;
        return 0;
    case U_FORTNIGHT: return add_amount(d, num * 14, den, U_DAY);
    case U_WEEK: return add_amount(d, num * 7, den, U_DAY);
    case U_DAY: d->days += num / den; return (num % den) ? add_amount(d, (num % den) * 24, den, U_HOUR) : 0;
    case U_HOUR: d->hours += num / den; return (num % den) ? add_amount(d, (num % den) * 60, den, U_MIN) : 0;
    case U_MIN: d->minutes += num / den; return (num % den) ? add_amount(d, (num % den) * 60, den, U_SEC) : 0;
    case U_SEC: d->seconds += num / den; return (num % den) ? -1 : 0;
    }
    return -1;
}

/* A compact duration written as one word: 30d, 1h30m, 1.5h, 2hours, 30days. */
static int compact(const char *s, int len, struct duration *d, int *bad)
{
    static const struct {
        const char *w;
        int u;
    } units[] = {
        {"seconds", U_SEC}, {"second", U_SEC}, {"secs", U_SEC},  {"sec", U_SEC},      {"s", U_SEC},
        {"minutes", U_MIN}, {"minute", U_MIN}, {"mins", U_MIN},  {"min", U_MIN},      {"m", U_MIN},
        {"hours", U_HOUR},  {"hour", U_HOUR},  {"hrs", U_HOUR},  {"hr", U_HOUR},      {"h", U_HOUR},
        {"days", U_DAY},    {"day", U_DAY},    {"d", U_DAY},     {"weeks", U_WEEK},   {"week", U_WEEK},
        {"wks", U_WEEK},    {"wk", U_WEEK},    {"w", U_WEEK},    {"months", U_MONTH}, {"month", U_MONTH},
        {"mo", U_MONTH},    {"years", U_YEAR}, {"year", U_YEAR}, {"yrs", U_YEAR},     {"yr", U_YEAR},
        {"y", U_YEAR},
    };
    int i = 0, parts = 0;
    while (i < len) {
        int j = i;
        while (j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.'))
            j++;
        if (j == i) return 0;
        int64_t num, den;
        if (digits_value(s + i, j - i, &num, &den)) return 0;
        int k = j;
        while (k < len && s[k] >= 'a' && s[k] <= 'z')
            k++;
        int unit = 0;
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if ((int)strlen(units[u].w) == k - j && memcmp(units[u].w, s + j, (size_t)(k - j)) == 0)
                unit = units[u].u;
        if (!unit) return 0;
        if (add_amount(d, num, den, unit)) *bad = 1;
        parts++;
        i = k;
    }
    return parts > 0;
}

/* Duckling's `<integer> hour(s) (and)? <integer>`: a bare number of minutes, 1 to 59,
 * after a whole number of hours said as `hour`/`hours` (`1 hour thirty`, `2 hours and 10`).
 * i is the amount's first token, j the token after the unit. Taken only when nothing that
 * could go on a number or a time follows the minutes (`1 hour 15 seconds` is a second term;
 * `2 hours 10 dec` is not this), so that a number is never read as minutes by a guess.
 * Returns the tokens used after the unit, 0 for none. */
static int hour_minutes(const struct reader *r, int i, int j, int64_t *hours, int64_t *minutes)
{
    static const uint8_t goes_on[T__COUNT] = {
        [T_UNIT] = 1,    [T_QUARTER] = 1, [T_HALF] = 1, [T_MONTHNAME] = 1, [T_AMPM] = 1,  [T_DOZEN] = 1,
        [T_HUNDRED] = 1, [T_NUMWORD] = 1, [T_NUM] = 1,  [T_OF] = 1,        [T_COLON] = 1, [T_SLASHDATE] = 1,
        [T_MORE] = 1,    [T_EXTRA] = 1,   [T_CDUR] = 1, [T_AND] = 1,       [T_MINUS] = 1, [T_CLOCKNUM] = 1,
    };
    int64_t m, den;
    struct amount h;
    /* the hours: a whole number in digits or words, not `an hour` nor `1.5 hours` */
    if (r->t[i].code == T_A || r->t[i].code == T_AN || amount(r, i, &h) != j - 1 - i || h.den != 1) return 0;
    if (!text_is(r, j - 1, "hour") && !text_is(r, j - 1, "hours")) return 0;
    int f = j;
    if (code_at(r, f) == T_AND) f++;
    if (f >= r->n) return 0;
    int k = 0;
    if (code_at(r, f) == T_NUM && !(r->t[f].flags & (TF_DECIMAL | TF_ORDINAL))) {
        if (digits_value(r->text + r->t[f].start, r->t[f].len, &m, &den)) return 0;
        k = 1;
    } else if (!(k = number_words(r, f, &m))) {
        return 0;
    }
    if (m < 1 || m > 59 || (f + k < r->n && goes_on[r->t[f + k].code])) return 0;
    *hours = h.num;
    *minutes = m;
    return f + k - j;
}

/* One term of a duration. */
static int term(const struct reader *r, int i, struct duration *d, int *bad)
{
    struct amount a;
    int k, u;
    if (i >= r->n) return 0;
    const struct token *t = &r->t[i];
    /* 30d, 1h30m, 2hours */
    if ((t->code == T_CDUR || (t->code == T_WORD && t->len > 1 && t->start < 2000 &&
                               r->text[t->start] >= '0' && r->text[t->start] <= '9')) &&
        compact(r->text + t->start, t->len, d, bad))
        return 1;
    /* half a day, half an hour, half of a month */
    if (t->code == T_HALF) {
        int j = i + 1;
        if (code_at(r, j) == T_OF) j++;
        if (code_at(r, j) == T_A || code_at(r, j) == T_AN) j++;
        if ((u = unit_at(r, j, 0)) && u != U_QUARTER) {
            if (add_amount(d, 1, 2, u)) *bad = 1;
            return j + 1 - i;
        }
        return 0;
    }
    /* quarter of an hour, three-quarters of an hour */
    if ((t->code == T_QUARTER ||
         (t->code == T_WORD && t->len == 14 && memcmp(r->text + t->start, "three-quarters", 14) == 0)) &&
        code_at(r, i + 1) == T_OF) {
        int f = i + 2;
        if (code_at(r, f) == T_A || code_at(r, f) == T_AN) f++;
        if ((u = unit_at(r, f, 0)) && u != U_QUARTER) {
            if (add_amount(d, t->code == T_QUARTER ? 1 : 3, 4, u)) *bad = 1;
            return f + 1 - i;
        }
        return 0;
    }
    if (!(k = amount(r, i, &a))) return 0;
    int j = i + k;
    /* two and a quarter hours, 2 and a half days, one and three quarters of an hour */
    if (code_at(r, j) == T_AND) {
        int f = j + 1;
        int64_t quarters = 1;
        if (code_at(r, f) == T_A || code_at(r, f) == T_AN) {
            f++;
        } else if (code_at(r, f) == T_NUMWORD && r->t[f].val >= 1 && r->t[f].val <= 3 &&
                   code_at(r, f + 1) == T_QUARTER) {
            quarters = r->t[f].val; /* one and two quarters hour (Duckling) */
            f++;
        }
        int frac = code_at(r, f);
        int64_t fn = frac == T_HALF ? 1 : frac == T_QUARTER ? quarters : 0;
        int64_t fd = frac == T_HALF ? 2 : 4;
        int g = f + 1;
        if (frac == T_QUARTER && code_at(r, g) == T_OF) { /* one and a quarter of (an) hour */
            g++;
            if (code_at(r, g) == T_A || code_at(r, g) == T_AN) g++;
        }
        if (fn && (u = unit_at(r, g, 1)) && u != U_QUARTER) {
            if (add_amount(d, a.num * fd + a.den * fn, a.den * fd, u)) *bad = 1;
            return g + 1 - i;
        }
    }
    /* three quarters of an hour, a quarter of an hour; `3 quarters` of a year below */
    if (code_at(r, j) == T_QUARTER && code_at(r, j + 1) == T_OF) {
        int f = j + 2;
        if (code_at(r, f) == T_A || code_at(r, f) == T_AN) f++;
        if ((u = unit_at(r, f, 0)) && u != U_QUARTER) {
            if (add_amount(d, a.num, a.den * 4, u)) *bad = 1;
            return f + 1 - i;
        }
    }
    if (code_at(r, j) == T_MORE || code_at(r, j) == T_EXTRA) j++; /* 2 more weeks, 2 extra minutes */
    if (!(u = unit_at(r, j, 1))) return 0;
    j++;
    int64_t hours, minutes;
    if (u == U_HOUR && (k = hour_minutes(r, i, j, &hours, &minutes))) { /* 1 hour thirty, 2 hours and 10 */
        if (add_amount(d, hours, 1, U_HOUR) || add_amount(d, minutes, 1, U_MIN)) *bad = 1;
        return j + k - i;
    }
    /* an hour and a half, a month and a half */
    if (code_at(r, j) == T_AND) {
        int f = j + 1;
        if (code_at(r, f) == T_A || code_at(r, f) == T_AN) f++;
        int after = code_at(r, f + 1);
        if (code_at(r, f) == T_HALF && after != T_A && after != T_AN && after != T_OF && after != T_UNIT) {
            if (add_amount(d, a.num * 2 + a.den, a.den * 2, u)) *bad = 1;
            return f + 1 - i;
        }
    }
    if (add_amount(d, a.num, a.den, u)) *bad = 1;
    return j - i;
}

/* A duration: a hedge, then terms joined by `and`, `,` or nothing. */
static int duration_at(const struct reader *r, int i, struct timephrase *tp)
{
    int j = i, bad = 0;
    if (code_at(r, j) == T_ABOUT) j++;
    if (code_at(r, j) == T_MINUS) {
        tp->negative = 1;
        j++;
    }
    int k = term(r, j, &tp->dur, &bad);
    if (!k) {
        /* A lone unit word is one of it: `another week`, `the past month`. */
        int u = unit_at(r, j, 0);
        int before = j > 0 ? r->t[j - 1].code : T_NONE;
        if (!u || !(before == T_ANOTHER || before == T_LAST || before == T_PAST || before == T_NEXT ||
                    before == T_EXTRA))
            return 0;
        add_amount(&tp->dur, 1, 1, u);
        k = 1;
    }
    j += k;
    for (;;) {
        int s = j;
        if (code_at(r, s) == T_COMMA) s++;
        if (code_at(r, s) == T_AND) s++;
        int more = term(r, s, &tp->dur, &bad);
        if (!more) break;
        j = s + more;
    }
    if (bad)
        tp->invalid = C_NOT_WHOLE_UNITS;
    else if (tp->negative || duration_is_zero(&tp->dur))
        tp->invalid = C_NOT_POSITIVE;
    return j - i;
}

static int small_int(const struct reader *r, int i, int maxdigits, int *v)
{
    if (code_at(r, i) != T_NUM || (r->t[i].flags & TF_DECIMAL)) return 0;
    const char *s = r->text + r->t[i].start;
    int n = 0, x = 0;
    while (n < r->t[i].len && s[n] >= '0' && s[n] <= '9') {
        if (n < 9) x = x * 10 + (s[n] - '0'); /* past 9 digits it is refused below anyway */
        n++;
    }
    if (n == 0 || n > maxdigits) return 0;
    *v = x;
    return 1;
}

static int year_at(const struct reader *r, int i, int *y)
{
    int j = i;
    if (code_at(r, j) == T_COMMA) j++;
    if (code_at(r, j) != T_NUM || r->t[j].len != 4 || (r->t[j].flags & (TF_ORDINAL | TF_DECIMAL))) return 0;
    small_int(r, j, 4, y);
    return j + 1 - i;
}

static void check_date(struct timephrase *tp)
{
    if (tp->month < 1 || tp->month > 12 || tp->mday < 1 || tp->mday > 31 ||
        (tp->year && tp->mday > days_in_month(tp->year, tp->month)) ||
        (!tp->year && tp->mday > (tp->month == 2 ? 29 : days_in_month(2001, tp->month))))
        tp->invalid = C_NO_SUCH_DAY;
}

/* A day: today, tomorrow, 2026-12-31, Dec 31, 31 December 2026, the 31st of December,
 * (next|this) Friday, the end of the week|month|year, the end of DAY. */
static int day_at(const struct reader *r, int i, struct timephrase *tp)
{
    int j = i, k, v;
    int c = code_at(r, j);
    if (c == T_THE && code_at(r, j + 1) == T_END) {
        j++;
        c = T_END;
    }
    if (c == T_END && code_at(r, j + 1) == T_OF) {
        int f = j + 2;
        if (code_at(r, f) == T_THE) f++;
        /* the end of the week / month / year / day */
        static const struct {
            enum time_unit unit;
            enum day_kind day;
        } ends[] = {{U_WEEK, DK_END_WEEK}, {U_MONTH, DK_END_MONTH}, {U_YEAR, DK_END_YEAR}, {U_DAY, DK_TODAY}};
        int u = unit_at(r, f, 0);
        for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
            if (u != (int)ends[e].unit) continue;
            tp->day = ends[e].day;
            return f + 1 - i;
        }
        if ((k = day_at(r, f, tp))) return f + k - i; /* the end of Dec 31: still that day */
        return 0;
    }
    switch (c) {
    case T_TODAY: tp->day = DK_TODAY; return j + 1 - i;
    case T_TOMORROW: tp->day = DK_TOMORROW; return j + 1 - i;
    case T_YESTERDAY: tp->day = DK_YESTERDAY; return j + 1 - i;
    case T_ISODATE: {
        const char *s = r->text + r->t[j].start;
        tp->day = DK_DATE;
        tp->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        tp->month = (s[5] - '0') * 10 + (s[6] - '0');
        tp->mday = (s[8] - '0') * 10 + (s[9] - '0');
        check_date(tp);
        return j + 1 - i;
    }
    case T_SLASHDATE:
        tp->day = DK_DATE;
        tp->ambiguous = C_NUMERIC_DATE;
        return j + 1 - i;
    case T_NEXT:
    case T_THIS:
        if (code_at(r, j + 1) != T_WEEKDAY) return 0;
        j++;
        /* fall through */
    case T_WEEKDAY:
        tp->day = DK_WEEKDAY;
        tp->weekday = r->t[j].val;
        return j + 1 - i;
    case T_MONTHNAME:
        if (!small_int(r, j + 1, 2, &v)) return 0;
        tp->day = DK_DATE;
        tp->month = r->t[j].val;
        tp->mday = v;
        j += 2;
        if ((k = year_at(r, j, &tp->year))) j += k;
        check_date(tp);
        return j - i;
    case T_THE:
        if (!(r->t[j + 1 < r->n ? j + 1 : j].flags & TF_ORDINAL) || code_at(r, j + 1) != T_NUM) return 0;
        j++;
        /* fall through */
    case T_NUM:
        if (!small_int(r, j, 2, &v)) return 0;
        k = j + 1;
        if (code_at(r, k) == T_OF) k++;
        if (code_at(r, k) != T_MONTHNAME) return 0;
        tp->day = DK_DATE;
        tp->mday = v;
        tp->month = r->t[k].val;
        k++;
        if ((v = year_at(r, k, &tp->year))) k += v;
        check_date(tp);
        return k - i;
    }
    return 0;
}

/* A clock time: 5pm, 5 pm, 17:00, 9:30am, noon, midnight. */
static int clock_at(const struct reader *r, int i, struct timephrase *tp)
{
    int c = code_at(r, i);
    if (c == T_NOON) {
        tp->hour = 12;
        return 1;
    }
    if (c == T_MIDNIGHT) {
        tp->midnight = 1;
        return 1;
    }
    int h = -1, m = 0, ampm = -1, k = 1;
    if (c == T_CLOCKNUM) {
        const char *s = r->text + r->t[i].start;
        int len = r->t[i].len, p = 0;
        h = 0;
        /* Digits past the fourth cannot make a time of day: stop adding them, so that no
         * count overflows, and let the range check below refuse the time. */
        while (p < len && s[p] >= '0' && s[p] <= '9')
            h = h < 10000 ? h * 10 + (s[p++] - '0') : (p++, h);
        if (p < len && s[p] == ':') {
            p++;
            int q = p;
            while (p < len && s[p] >= '0' && s[p] <= '9')
                m = m < 10000 ? m * 10 + (s[p++] - '0') : (p++, m);
            if (p - q != 2) tp->invalid = C_CLOCK_FORMAT;
            if (p < len && s[p] == ':') { /* seconds: only :00 means anything here */
                p++;
                while (p < len && s[p] >= '0' && s[p] <= '9')
                    p++;
            }
        }
        if (p < len) ampm = s[p] == 'p' ? 12 : 0;
    } else if (c == T_NUM) {
        if (!small_int(r, i, 2, &h) || code_at(r, i + 1) != T_AMPM) return 0;
    } else {
        return 0;
    }
    if (ampm < 0 && code_at(r, i + k) == T_AMPM) {
        ampm = r->t[i + k].val;
        k++;
    }
    if (ampm >= 0) {
        if (h < 1 || h > 12) tp->invalid = C_CLOCK_12H;
        h = h % 12 + ampm;
    }
    if (h > 23 || m > 59) tp->invalid = C_NO_SUCH_TIME;
    tp->hour = h;
    tp->minute = m;
    return k;
}

static void replace(struct token_list *tl, int i, int k, int code, int idx)
{
    struct token *t = &tl->t[i];
    int end = tl->t[i + k - 1].start + tl->t[i + k - 1].len;
    t->len = (uint16_t)(end - t->start);
    t->code = (uint16_t)code;
    t->val = idx;
    t->flags = 0;
    memmove(&tl->t[i + 1], &tl->t[i + k], sizeof(struct token) * (size_t)(tl->n - i - k));
    tl->n -= k - 1;
}

/* The token classes a time phrase can start with: every other token is passed over at the
 * cost of one table look-up. */
static const uint8_t can_start[T__COUNT] = {
    [T_NUM] = 1,       [T_NUMWORD] = 1,   [T_A] = 1,       [T_AN] = 1,       [T_HALF] = 1,
    [T_QUARTER] = 1,   [T_UNIT] = 1,      [T_CDUR] = 1,    [T_CLOCKNUM] = 1, [T_ISODATE] = 1,
    [T_SLASHDATE] = 1, [T_MONTHNAME] = 1, [T_WEEKDAY] = 1, [T_TODAY] = 1,    [T_TOMORROW] = 1,
    [T_YESTERDAY] = 1, [T_NEXT] = 1,      [T_THIS] = 1,    [T_THE] = 1,      [T_END] = 1,
    [T_ABOUT] = 1,     [T_MINUS] = 1,     [T_NOON] = 1,    [T_MIDNIGHT] = 1, [T_DOZEN] = 1,
    [T_COUPLE] = 1,    [T_FEW] = 1,       [T_WORD] = 1,
};

void chunk_time(struct token_list *tl, const char *text, struct time_table *tt)
{
    struct reader r = {tl->t, tl->n, text};
    tt->n = 0;
    for (int i = 0; i < tl->n && tt->n < TIMEPHRASE_MAX; i++) {
        int c = tl->t[i].code;
        if (!can_start[c]) continue;
        if (c == T_WORD && !(tl->t[i].flags & TF_HYPHEN) &&
            !(text[tl->t[i].start] >= '0' && text[tl->t[i].start] <= '9'))
            continue;
        /* Articles are common and rarely start a time: look one token ahead first. */
        int next = i + 1 < tl->n ? tl->t[i + 1].code : T_NONE;
        if ((c == T_A || c == T_AN) &&
            !(next == T_UNIT || next == T_DOZEN || next == T_COUPLE || next == T_FEW || next == T_HUNDRED ||
              next == T_HALF || next == T_QUARTER || next == T_NUMWORD))
            continue;
        if (c == T_THE && !(next == T_END || next == T_NUM)) continue;
        r.n = tl->n;
        struct timephrase *tp = &tt->p[tt->n];
        memset(tp, 0, sizeof *tp);
        int k, code;
        if ((k = clock_at(&r, i, tp))) {
            /* 5pm friday, 9:30am tomorrow, 5pm on Dec 31 */
            int j = i + k, d;
            if (code_at(&r, j) == T_ON) j++;
            if ((d = day_at(&r, j, tp))) k = j + d - i;
            code = T_CLOCK;
        } else if ((k = duration_at(&r, i, tp))) {
            code = T_DUR;
        } else if ((k = day_at(&r, i, tp))) {
            /* friday at 5pm, tomorrow 9am */
            int j = i + k, c;
            if (code_at(&r, j) == T_AT) j++;
            struct timephrase probe = *tp;
            if ((c = clock_at(&r, j, &probe))) {
                *tp = probe;
                k = j + c - i;
                code = T_CLOCK;
            } else {
                code = T_DAY;
            }
        } else {
            continue;
        }
        replace(tl, i, k, code, tt->n);
        tt->n++;
    }
}
