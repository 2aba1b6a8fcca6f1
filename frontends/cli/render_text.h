/* A reply for the terminal or a pipe: the one place the command line lays a reply out
 * (`--json`: the reply object of interfaces.md; else its sentence, a status word in colour
 * on a terminal, and a new key's secret on lines of its own). Fed by the reply's data
 * (actions/reply.h), as render_slack.c and the JSON writer are. */
#ifndef CONCIERGE_RENDER_TEXT_H
#define CONCIERGE_RENDER_TEXT_H

#include "../../actions/reply.h"
#include "../../intent/text.h"

/* Writes r and flushes it: results to standard output, refusals and errors to standard error
 * (--json: every reply a line on standard output). json: the JSON line; quiet: nothing for a
 * plain success (but a new key's secret); colour: ANSI colour on the status word is allowed,
 * used only where that stream is a terminal. */
void render_text(const struct reply *r, int json, int quiet, int colour);

/* The same text (not the JSON line) appended to out, for those who relay it: the chat-bot
 * API's `text` (interfaces.md: the terminal rendering without colour). Out of memory is
 * out's own (text_failed). */
void render_text_into(struct text *out, const struct reply *r, int quiet, int colour);

#endif
