/* The statuses of a reply, each with its exit code, and the closed list of codes that say
 * why (codes.def): the one place either is written (interfaces.md, exit status; language.md,
 * Refusals). The command line's exit codes, the JSON's `status` and `code`, and the grammar's
 * refusals all come from here. */
#ifndef CONCIERGE_CODES_H
#define CONCIERGE_CODES_H

/* X(ID, "name", exit code) */
#define REPLY_STATUSES(X)                                                                                    \
    X(DONE, "done", 0)                                                                                       \
    X(NEEDS_CONFIRMATION, "needs_confirmation", 3)                                                           \
    X(CANCELLED, "cancelled", 3)                                                                             \
    X(DENIED, "denied", 4)                                                                                   \
    X(REJECTED, "rejected", 5)                                                                               \
    X(NOT_UNDERSTOOD, "not_understood", 2)                                                                   \
    X(INVALID, "invalid", 2)                                                                                 \
    X(ERROR, "error", 1)

enum reply_status {
#define X(id, name, code) RS_##id,
    REPLY_STATUSES(X)
#undef X
};

enum code {
    C_NONE = 0, /* a plain success: `code` is null */
#define CODE(id, name, status, message) C_##id,
#include "codes.def"
#undef CODE
    C__COUNT
};

const char *reply_status_name(enum reply_status st);
int reply_exit_code(enum reply_status st);

/* The code's snake_case id ("owner_grant"; NULL for C_NONE), its status and its message. */
const char *code_name(enum code c);
enum reply_status code_status(enum code c);
const char *code_message(enum code c);
/* C_NONE when name is no code. */
enum code code_from_name(const char *name);

#endif
