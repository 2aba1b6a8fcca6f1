/* The tables of codes.h, made from its lists. */
#include "codes.h"

#include <string.h>

static const struct {
    const char *name;
    int exit;
} statuses[] = {
#define X(id, name, code) [RS_##id] = {name, code},
    REPLY_STATUSES(X)
#undef X
};

static const struct {
    const char *name;
    enum reply_status status;
    const char *message;
} codes[C__COUNT] = {
    [C_NONE] = {NULL, RS_DONE, ""},
#define CODE(id, name, st, msg) [C_##id] = {name, RS_##st, msg},
#include "codes.def"
#undef CODE
};

const char *reply_status_name(enum reply_status st)
{
    return (unsigned)st < sizeof statuses / sizeof statuses[0] ? statuses[st].name : "error";
}

int reply_exit_code(enum reply_status st)
{
    return (unsigned)st < sizeof statuses / sizeof statuses[0] ? statuses[st].exit : 1;
}

const char *code_name(enum code c) { return c > C_NONE && c < C__COUNT ? codes[c].name : NULL; }
enum reply_status code_status(enum code c) { return c > C_NONE && c < C__COUNT ? codes[c].status : RS_DONE; }
const char *code_message(enum code c) { return c > C_NONE && c < C__COUNT ? codes[c].message : ""; }

enum code code_from_name(const char *name)
{
    for (int c = C_NONE + 1; c < C__COUNT; c++)
        if (strcmp(codes[c].name, name) == 0) return (enum code)c;
    return C_NONE;
}
