/* The canonicaliser of the doors (canon.h): fold the case, then match the shapes of
 * names.rl whole. A value that does not match is refused with why; nothing is trimmed,
 * shortened or guessed. */
#include "canon.h"

#include <string.h>

#include "../intent/intent.h"

%%{
    machine principal_door;
    alphtype unsigned char;
    include names "names.rl";
    main := (handle - crowd) | email | 'slack:' slack_id | slack_user;
}%%

%% write data noerror noentry;

%%{
    machine crowd_door;
    alphtype unsigned char;
    include names "names.rl";
    main := crowd;
}%%

%% write data noerror noentry;

%%{
    machine name_door;
    alphtype unsigned char;
    include names "names.rl";
    main := name;
}%%

%% write data noerror noentry;

/* A raw value longer than this cannot be a principal even with a Slack display name. */
#define RAW_MAX 1024

#define PRINCIPAL_SHAPE "a principal is @name (letters, digits, ., _ and -), an e-mail address or slack:UID"
#define PRINCIPAL_TOO_LONG "a principal has at most 64 characters after the @, an e-mail address at most 254"
#define PRINCIPAL_CROWD "@here, @channel and @everyone name a crowd, not a person"
#define NAME_SHAPE "a name is letters, digits, _ and -, starting with a letter or a digit"
#define NAME_TOO_LONG "a name has at most 64 characters"

static int principal_shape(const unsigned char *p, const unsigned char *pe)
{
    int cs;
    %% machine principal_door; write init; write exec;
    return cs >= principal_door_first_final;
}

static int crowd_shape(const unsigned char *p, const unsigned char *pe)
{
    int cs;
    %% machine crowd_door; write init; write exec;
    return cs >= crowd_door_first_final;
}

static int name_shape(const unsigned char *p, const unsigned char *pe)
{
    int cs;
    %% machine name_door; write init; write exec;
    return cs >= name_door_first_final;
}

static char fold(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

const char *principal_canon(const char *p, char *out, size_t size)
{
    size_t n = strlen(p);
    if (n > RAW_MAX) return PRINCIPAL_TOO_LONG;
    char f[RAW_MAX + 1];
    /* A Slack ID is the identity and keeps its case; everything else is folded. */
    int slack = strncmp(p, "slack:", 6) == 0 || strncmp(p, "<@", 2) == 0;
    for (size_t i = 0; i <= n; i++)
        f[i] = slack ? p[i] : fold(p[i]);
    const unsigned char *u = (const unsigned char *)f;
    if (crowd_shape(u, u + n)) return PRINCIPAL_CROWD;
    if (!principal_shape(u, u + n)) return PRINCIPAL_SHAPE;
    const char *c = f, *id = NULL;
    size_t len = n, idl = 0;
    if (f[0] == '<') { /* <@UID|name>: the ID is the identity, the display name is dropped */
        id = f + 2;
        idl = strcspn(id, "|>");
    } else if (slack) {
        id = f + 6;
        idl = n - 6;
    }
    if (id) {
        if (idl > NAME_MAX_LEN) return PRINCIPAL_TOO_LONG;
        len = 6 + idl;
        if (len >= size) return PRINCIPAL_TOO_LONG;
        memcpy(out, "slack:", 6);
        memcpy(out + 6, id, idl);
        out[len] = '\0';
        return NULL;
    }
    if (f[0] == '@' ? n - 1 > NAME_MAX_LEN : n > PRINCIPAL_MAX_LEN) return PRINCIPAL_TOO_LONG;
    if (len >= size) return PRINCIPAL_TOO_LONG;
    memcpy(out, c, len + 1);
    return NULL;
}

const char *name_canon(const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    if (n > NAME_MAX_LEN || n >= size) return NAME_TOO_LONG;
    char f[NAME_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        f[i] = fold(s[i]);
    if (!name_shape((const unsigned char *)f, (const unsigned char *)f + n)) return NAME_SHAPE;
    memcpy(out, f, n + 1);
    return NULL;
}
