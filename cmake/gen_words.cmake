# Turns grammar/words.def into the files the build needs (see that file's header):
#   words.h          enum tok_code, the token names and the spelling table, for C
#   words_names.c    their definitions
#   words_codes.rl   `NAME = code;` for the sentence machines
#   words_scan.rl    the keyword machine (grammar/keywords.rl)
# Run as: cmake -DIN=words.def -DOUT=dir -P gen_words.cmake
file(STRINGS "${IN}" lines)
set(code 1)
set(enum "")
set(names "")
set(codes "")
set(spell "")
set(scan "")
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  string(REPLACE " " ";" parts "${line}")
  list(GET parts 0 cls)
  list(REMOVE_AT parts 0)
  string(APPEND enum "    T_${cls} = ${code},\n")
  string(APPEND names "    [T_${cls}] = \"${cls}\",\n")
  string(APPEND codes "${cls} = ${code};\n")
  foreach(sp IN LISTS parts)
    set(val 0)
    if(sp MATCHES "^(.+):([0-9]+)$")
      set(sp "${CMAKE_MATCH_1}")
      set(val "${CMAKE_MATCH_2}")
    endif()
    string(LENGTH "${sp}" tlen)
    string(APPEND spell "    {T_${cls}, ${val}, ${tlen}, \"${sp}\"},\n")
    if(scan STREQUAL "")
      string(APPEND scan "keyword =\n    ")
    else()
      string(APPEND scan "  | ")
    endif()
    string(APPEND scan "\"${sp}\" @{ kw = T_${cls}; kv = ${val}; }\n")
  endforeach()
  math(EXPR code "${code} + 1")
endforeach()
if(code GREATER 1000)
  message(FATAL_ERROR "more than 1000 token classes")
endif()
file(WRITE "${OUT}/words.h.tmp"
  "/* Generated from grammar/words.def by cmake/gen_words.cmake: do not edit. */\n"
  "#ifndef CONCIERGE_WORDS_H\n#define CONCIERGE_WORDS_H\n"
  "enum tok_code {\n    T_NONE = 0,\n${enum}    T__COUNT = ${code}\n};\n"
  "extern const char *const tok_names[T__COUNT];\n"
  "/* Every spelling of every keyword, with the value words.def gives it. */\n"
  "struct tok_spelling { int code; int val; int len; const char *text; };\n"
  "extern const struct tok_spelling tok_spellings[];\nextern const int tok_spellings_count;\n#endif\n")
file(WRITE "${OUT}/words_names.c.tmp"
  "/* Generated from grammar/words.def: do not edit. */\n#include \"words.h\"\n"
  "const char *const tok_names[T__COUNT] = {\n    [T_NONE] = \"NONE\",\n${names}};\n"
  "const struct tok_spelling tok_spellings[] = {\n${spell}};\n"
  "const int tok_spellings_count = (int)(sizeof tok_spellings / sizeof tok_spellings[0]);\n")
file(WRITE "${OUT}/words_scan.rl.tmp" "# Generated from grammar/words.def: do not edit.\n%%{\nmachine words_scan;\n${scan};\n}%%\n")
file(WRITE "${OUT}/words_codes.rl.tmp" "# Generated from grammar/words.def: do not edit.\n%%{\nmachine words_codes;\n${codes}}%%\n")
# Only touch a file whose content changed, so editing one word rebuilds what depends on it.
foreach(f words.h words_names.c words_codes.rl words_scan.rl)
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}/${f}.tmp" "${OUT}/${f}")
  file(REMOVE "${OUT}/${f}.tmp")
endforeach()
