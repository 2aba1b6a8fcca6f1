/* The parse pipeline (parse.h). */
#include "parse.h"

#include <stdio.h>
#include <string.h>

#include "note.h"
#include "phrase.h"

const char *parse_status_name(enum parse_status st)
{
    switch (st) {
    case PARSE_OK: return "ok";
    case PARSE_NOT_UNDERSTOOD: return "not_understood";
    case PARSE_INVALID: return "invalid";
    }
    return "error";
}

/* src whole, or nothing when it does not fit: a cut hint could say something else. */
static void copy_whole(char *dst, size_t size, const char *src)
{
    size_t n = src ? strnlen(src, size) : 0;
    if (n == size) n = 0;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

void set_error(struct parse_error *err, enum code code, const char *msg, const char *hint)
{
    err->status = code_status(code) == RS_INVALID ? PARSE_INVALID : PARSE_NOT_UNDERSTOOD;
    err->code = code;
    copy_whole(err->message, sizeof err->message, msg ? msg : code_message(code));
    copy_whole(err->hint, sizeof err->hint, hint);
}

enum parse_status parse_phrase(const char *text, size_t len, const struct parse_ctx *ctx, struct intent *out,
                               struct parse_error *err)
{
    struct phrase ph;
    err->status = PARSE_OK;
    err->code = C_NONE;
    err->message[0] = err->hint[0] = '\0';

    /* The note after `because` first, on the raw bytes: nothing below reads it. */
    struct note_cut nc;
    const char *nc_message;
    enum code nc_code = note_cut(text, len, &nc, &nc_message);
    if (nc_code != C_NONE) {
        set_error(err, nc_code, nc_message, NULL);
        return err->status;
    }
    enum norm_status ns = normalise(text, nc.line_len, ph.text, &ph.len);
    if (ns == NORM_EMPTY && nc.note) {
        set_error(err, C_NOTHING_TO_DO, NULL,
                  "say what you ask first, then why: request editor access because …");
        return err->status;
    }
    if (ns != NORM_OK) {
        set_error(err, norm_status_code(ns), NULL, ns == NORM_EMPTY ? "try: help" : NULL);
        return err->status;
    }
    scan_tokens(ph.text, (int)ph.len, &ph.tl);
    if (ph.tl.overflow) {
        set_error(err, C_TOO_MANY_WORDS, NULL, NULL);
        return err->status;
    }
    tokens_join_and_strip(&ph.tl, ph.text);
    if (ph.tl.n == 0) {
        set_error(err, C_NOTHING_TO_DO, NULL, "try: help");
        return err->status;
    }
    chunk_time(&ph.tl, ph.text, &ph.tt);
    for (int i = 0; i < ph.tl.n; i++)
        ph.codes[i] = ph.tl.t[i].code;

    uint8_t accepted[IK__COUNT];
    int stop = 0;
    int count = sentence_match_all(ph.codes, ph.tl.n, accepted, &stop);
    if (count == 0) {
        explain_refusal(&ph, stop, err);
        return err->status;
    }
    if (count > 1) {
        /* The grammar is written so that this does not happen; if it does, the phrase
         * means two things, and guessing between them is not allowed. */
        set_error(err, C_AMBIGUOUS, NULL, NULL);
        return err->status;
    }
    int kind = 0;
    for (int k = 1; k < IK__COUNT; k++)
        if (accepted[k]) kind = k;
    struct slots s;
    if (sentence_slots(kind, ph.codes, ph.tl.n, &s) != 0) {
        set_error(err, C_GRAMMAR_MISMATCH, NULL, NULL);
        return err->status;
    }
    enum parse_status st = build_intent(&ph, kind, &s, ctx, out, err);
    if (st != PARSE_OK || !nc.note) return st;
    /* Free text is allowed only after `because`, and only where the intent keeps it: a
     * reason said elsewhere is refused, never dropped (language.md: a part its intent has no
     * key for is refused). The hint is the phrase without it, which parsed. */
    if (!intent_kind_has_key(out->kind, K_NOTE)) {
        char hint[PARSE_HINT_MAX];
        snprintf(hint, sizeof hint, "did you mean: %s", ph.text);
        set_error(err, C_NOTE_NOT_HERE, NULL, hint);
        return err->status;
    }
    memcpy(out->note, nc.note, nc.note_len);
    out->note[nc.note_len] = '\0';
    return PARSE_OK;
}
