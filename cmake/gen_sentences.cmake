# Turns intent/intent_kinds.def into the part of grammar/sentence.rl that lists the intents,
# so that an intent's sentence machine (named as the intent: `show_policy`) is all the
# grammar needs of a new intent:
#   sentences.rl        `NAME_e := NAME;` (its entry, for its slots) and `all := (…)`, the union
#                       that says which intents accept a phrase
#   sentence_entries.h  `[IK_ID] = sentence_en_NAME_e,` for C
# Run as: cmake -DIN=intent_kinds.def -DOUT=dir -P gen_sentences.cmake
file(STRINGS "${IN}" lines REGEX "^INTENT\\(")
set(entries "")
set(union "")
set(table "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^INTENT\\(([A-Z_]+), \"([a-z_]+)\"")
    message(FATAL_ERROR "gen_sentences: cannot read the row: ${line}")
  endif()
  set(id "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  string(APPEND entries "${name}_e := ${name};\n")
  if(union STREQUAL "")
    string(APPEND union "all := (\n      ")
  else()
    string(APPEND union "    | ")
  endif()
  string(APPEND union "${name} @{ fin[IK_${id}] = AT; }\n")
  string(APPEND table "    [IK_${id}] = sentence_en_${name}_e,\n")
endforeach()
file(WRITE "${OUT}/sentences.rl.tmp"
  "# Generated from intent/intent_kinds.def by cmake/gen_sentences.cmake: do not edit.\n"
  "%%{\nmachine sentences;\n${entries}${union});\n}%%\n")
file(WRITE "${OUT}/sentence_entries.h.tmp"
  "/* Generated from intent/intent_kinds.def by cmake/gen_sentences.cmake: do not edit. */\n${table}")
foreach(f sentences.rl sentence_entries.h)
  file(READ "${OUT}/${f}.tmp" new)
  set(old "")
  if(EXISTS "${OUT}/${f}")
    file(READ "${OUT}/${f}" old)
  endif()
  if(NOT new STREQUAL old)
    file(RENAME "${OUT}/${f}.tmp" "${OUT}/${f}")
  else()
    file(REMOVE "${OUT}/${f}.tmp")
  endif()
endforeach()
