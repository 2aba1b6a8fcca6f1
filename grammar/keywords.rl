/* Keyword look-up: which word of words.def a word is. The scanner finds where a word is;
 * this machine, a plain DFA over the one word, says which it is. Kept apart from the
 * scanner because the union of every keyword with the scanner's name patterns made one
 * machine that took minutes to compile under the sanitizers and ran slower (it had to
 * track longest matches between keywords and names); this one compiles in seconds.
 *
 * Depends on: words_scan.rl (the `keyword` machine, generated from words.def). */
#include "keywords.h"

%%{
    machine keywords;
    alphtype unsigned char;
    include words_scan "words_scan.rl";
    main := keyword;
}%%

%% write data noerror;

int keyword_find(const char *word, int len, int *val)
{
    const unsigned char *p = (const unsigned char *)word, *pe = p + len;
    int cs, kw = 0, kv = 0;
    %% write init;
    %% write exec;
    /* A final state after the whole word: the last keyword action fired on its last
     * letter. Anything else (a longer word, a prefix of a keyword) is no keyword. */
    if (cs < keywords_first_final) return 0;
    *val = kv;
    return kw;
}
