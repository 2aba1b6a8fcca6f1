/* The sentences: one machine over token codes, an entry per intent (GRAMMAR-NOTES.md shape B).
 *
 * Depends on: words_codes.rl (the token codes, generated from words.def).
 * Requires of its C: `i` (the index of the token being read) and `S` (struct slots *).
 *
 * Time expressions reach these machines as one token each (DUR, DAY, CLOCK; see
 * timephrase.c), padding is gone (tokens.c), so a sentence reads like the language.
 *
 * Field marking follows one rule, because a DFA runs every alternative at once and an
 * action on a path that later dies is not undone: an action fires only on the token that
 * decides what it marks. `project NAME` marks NAME as it is read; `the NAME project` marks
 * the token before PROJECT when PROJECT is read (the _prev actions). */
#include "slots.h"
#include "words.h"
#include "../intent/intent.h"

#include <string.h>

%%{
    machine sentence_common;
    alphtype unsigned short;
    include words_codes "words_codes.rl";

    action sb        { S->sandbox = AT; }
    action sb_prev   { S->sandbox = (int8_t)(AT - 1); }
    action sb_here   { S->sandbox = SLOT_HERE; }
    action proj      { S->project = AT; }
    # A bare name read as a sandbox (`to acme`) is a project after all when PROJECT follows.
    action proj_prev { S->project = (int8_t)(AT - 1); if (S->sandbox == AT - 1) S->sandbox = SLOT_NONE; }
    action agent      { S->agent = AT; }
    action agent_prev { S->agent = (int8_t)(AT - 1); if (S->sandbox == AT - 1) S->sandbox = SLOT_NONE; }
    action rdr       { S->reader = AT; }
    action rdr_prev  { S->reader = (int8_t)(AT - 1); }
    action rdr_here  { S->reader = SLOT_HERE; }
    action src       { S->source = AT; }
    action src_prev  { S->source = (int8_t)(AT - 1); }
    action src_here  { S->source = SLOT_HERE; }
    # "refresh X's access to Y": X was read as the source until TO said it is the reader.
    action src_is_reader { S->reader = S->source; S->source = SLOT_NONE; }

    # A role said twice (`as viewer as editor`) is refused, so each role action counts the
    # distinct tokens it fired on; promote / demote only set the default.
    action role_e { slot_role(S, ROLE_EDITOR, AT); }
    action role_v { slot_role(S, ROLE_VIEWER, AT); }
    action role_o { slot_role(S, ROLE_OWNER, AT); }
    action promote { S->role_default = ROLE_EDITOR; }
    action demote  { S->role_default = ROLE_VIEWER; }

    action exp_in     { S->time = AT; S->time_use = TU_EXPIRES_IN; }
    action exp_at     { S->time = AT; S->time_use = TU_EXPIRES_AT; }
    action ext_by     { S->time = AT; S->time_use = TU_EXTEND_BY; }
    action since_ago  { S->time = AT; S->time_use = TU_SINCE_AGO; }
    action since_day  { S->time = AT; S->time_use = TU_SINCE_DAY; }
    action since_this { S->unit = AT; S->time_use = TU_SINCE_THIS; }
    action permanent  { S->permanent = 1; }

    # ---- Names -------------------------------------------------------------------
    art = A | AN | THE;
    # A name is a plain word, or one of the few keywords that are also common names of
    # projects and sandboxes (the test project, the team sandbox).
    name = WORD | TESTS | TEAM | CODE | SERVICE | HISTORY | LOG | SCRIPTS | WIDGET | TERMINAL | TUNNEL
         | EVENTS | WEB;
    principal = PRINC | ME | I;
    plist = principal ((COMMA | AND | COMMA AND)? principal)*;
    # whose access: "@bob's access", "my access"
    whose = plist POSS | MY;

    here = (THIS | THE) SANDBOX @sb_here | HERE @sb_here;
    sandbox_named = SANDBOX name @sb | THE? name SANDBOX @sb_prev;
    sandbox_ref = here | sandbox_named;
    # a project or an agent may name its sandbox: the apollo project in sandbox acme
    in_sandbox = (IN | ON | OF | FROM) sandbox_named;
    project_ref = PROJECT name @proj | THE? name PROJECT @proj_prev;
    project_in = project_ref in_sandbox?;
    agent_ref = (AGENT name @agent | THE? name AGENT @agent_prev) in_sandbox?;
    target = sandbox_ref | project_ref in_sandbox?;

    # ---- Roles -------------------------------------------------------------------
    role_editor = (EDITOR | EDIT | WRITE | BUILD) @role_e;
    role_viewer = (VIEWER | VIEW | READ | READONLY) @role_v;
    role = READONLY? (role_editor | role_viewer | OWNER @role_o);
    role_plain = EDITOR | EDIT | WRITE | BUILD | VIEWER | VIEW | READ | READONLY | OWNER;
    role_as = (AS art? role ACCESS?) | (WITH art? role ACCESS);
    to_role = TO art? role (ACCESS | ROLE)?;

    # ---- Tokens ------------------------------------------------------------------
    # A confirmation or request token (K7Q2, R7K2): its form is checked in grammar/build.c.
    action tok { S->token = AT; }
    token = (WORD | NUM | DUR | CLOCKNUM | CDUR) @tok;

    # ---- Scope and expiry --------------------------------------------------------
    # `to acme`: a bare name after `to` is a sandbox (after on / in / for it could as well be
    # a project, so it is refused there: the word project is required for projects).
    sandbox_scope = (TO | ON | IN | FOR | INTO | AT | OF) sandbox_ref | TO name @sb;
    project_scope = BUT? ONLY? (FOR | ON | IN | TO | WITH | OF) project_in;
    scope = sandbox_scope | project_scope;
    from_scope = BUT? ONLY? (FROM | ON | IN | TO | FOR | OFF | OF | AT) (sandbox_ref | project_ref);

    expiry = FOR (THE? NEXT)? DUR @exp_in
           | THAT? EXPIRE IN DUR @exp_in
           | UNTIL (DAY | CLOCK) @exp_at
           | THAT? EXPIRE (ON | AT)? (DAY | CLOCK) @exp_at;

    # ---- invite ------------------------------------------------------------------
    invite_clause = COMMA? (role_as | scope | expiry | HERE @sb_here);
    let_verb = (EDIT | BUILD | WRITE | CHANGE) @role_e | (VIEW | READ | SEE | BROWSE | ACCESS | USE) @role_v;
    invite_head =
          (INVITE | ADD) plist
        | GIVE plist (art? role)? ACCESS
        | GIVE plist art? role ROLE
        | (GIVE | GRANT) (art? role)? ACCESS TO plist
        | GRANT plist (art? role)? ACCESS?
        | SHARE sandbox_ref WITH plist
        | LET plist (IN | INTO sandbox_ref)
        | LET plist let_verb target?;
    invite = invite_head invite_clause*;

    # ---- change_role -------------------------------------------------------------
    change_verb = CHANGE | SWITCH | SET | UPDATE | MOVE;
    role_clause = COMMA? (scope | HERE @sb_here);
    change_role_head =
          MAKE plist art? role (INSTEAD OF art? role_plain)?
        | change_verb plist to_role
        | change_verb whose (ROLE | ACCESS) (TO | AS) art? role ACCESS?
        | change_verb THE? ROLE (OF | FOR) plist to_role
        | SET ROLE role FOR plist
        | PROMOTE @promote plist to_role?
        | DEMOTE @demote plist to_role?
        | (UPGRADE | BUMP) plist UP? (FROM art? role_plain)? to_role
        | DOWNGRADE plist (FROM art? role_plain)? to_role;
    change_role = change_role_head role_clause*;

    # ---- revoke ------------------------------------------------------------------
    revoke_clause = COMMA? (from_scope | HERE @sb_here);
    their_access = whose (ACCESS | GRANT | GRANTS);
    revoke_head =
          (REVOKE | REMOVE | DROP) plist
        | (REVOKE | REMOVE | DROP | TAKE AWAY? | DELETE) their_access AWAY?
        | TAKE plist POSS ACCESS AWAY
        | (REVOKE | REMOVE | TAKE AWAY) ALL? ACCESS (FOR | FROM | OF) plist
        | KICK plist (OUT | OFF)?
        | KICK OUT plist
        | UNSHARE sandbox_ref WITH plist
        | plist NOLONGER NEEDS ACCESS
        | plist SHOULDNT HAVE ACCESS;
    revoke = revoke_head revoke_clause* (ANYMORE | NOW)?;

    # ---- set_expiry --------------------------------------------------------------
    extend_by = (BY | FOR) (ANOTHER | AN EXTRA)? DUR @ext_by;
    extend_to = (UNTIL | TO | OUT TO) (DAY | CLOCK) @exp_at;
    expiry_clause = COMMA? (scope | HERE @sb_here);
    set_expiry =
          EXTEND (plist | their_access | ACCESS FOR plist | whose EXPIRY) expiry_clause* (extend_by | extend_to) expiry_clause*
        | GIVE plist (ANOTHER | AN EXTRA) DUR @ext_by expiry_clause*
        | KEEP plist ON FOR (ANOTHER | AN EXTRA) DUR @ext_by expiry_clause*
        | RENEW (plist | their_access) expiry_clause* (extend_by | extend_to)
        | (SET | CHANGE | MOVE | PUSH | BUMP) whose EXPIRY expiry_clause* OUT? (TO | UNTIL) (DAY | CLOCK) @exp_at
              expiry_clause*
        | their_access expiry_clause* SHOULD EXPIRE (ON | AT)? (DAY | CLOCK) @exp_at expiry_clause*
        | MAKE their_access expiry_clause* (PERMANENT | FOREVER) @permanent expiry_clause*
        | REMOVE THE? EXPIRY (ON | FROM | FOR | OF) (their_access | plist) @permanent expiry_clause*;

    # ---- list_access -------------------------------------------------------------
    on_target = (TO | ON | IN | FOR | OF | AT) target | HERE @sb_here;
    see_verb = SEE | VIEW | READ | ACCESS | BROWSE | USE;
    edit_verb = (EDIT | BUILD | CHANGE | WRITE | MODIFY) @role_e;
    role_plural = (EDITOR @role_e | VIEWER @role_v);
    everyone = MEMBERS | EVERYONE (WITH ACCESS)? | ACCESS LIST? | GRANTS | role_plural
             | WHO HAS ACCESS | EVERYONE WHO HAS ACCESS;
    list_access =
          (WHO | WHOS) (HAS | HAVE) ACCESS on_target?
        | (WHO | WHOS) (HAS | HAVE) (EDIT | WRITE | BUILD) @role_e ACCESS on_target?
        | (WHO | WHOS) (HAS | HAVE) (READ | VIEW | READONLY) ACCESS on_target?
        | (WHO | WHICH MEMBERS) CAN (see_verb | edit_verb) (target | HERE @sb_here)?
        | (WHO IS | WHOS) (ON | IN) target
        | WHOS HERE
        | WHO ARE THE? (role_plural | MEMBERS) on_target?
        | (LIST | SHOW) ALL? THE? everyone on_target?
        | (WHATS | WHAT IS) THE ACCESS LIST on_target?;

    # ---- check_access ------------------------------------------------------------
    action a_read    { S->action = ACT_READ; }
    action a_run     { S->action = ACT_RUN; }
    action a_build   { S->action = ACT_BUILD; }
    action a_destroy { S->action = ACT_DESTROY; }
    action a_manage  { S->action = ACT_MANAGE; }
    action a_exec    { S->action = ACT_EXEC; }
    action a_file    { S->action = ACT_FILE; }
    action a_tunnel  { S->action = ACT_TUNNEL; }
    action a_proxy   { S->action = ACT_PROXY; }

    act_verb =
          (SEE | VIEW | READ | BROWSE | ACCESS) @a_read
        | (RUN | USE | INVOKE) @a_run AGENTS?
        | (EDIT | BUILD | CHANGE | CREATE | MODIFY | WRITE) @a_build (SOMETHING | AGENTS)?
        | (DELETE | DESTROY | ARCHIVE) @a_destroy
        | (INVITE | REVOKE | SHARE) @a_manage (MEMBERS | SOMEONE | EVERYONE)?
        | MANAGE @a_manage ACCESS?
        | RUN (COMMANDS | SCRIPTS | TESTS) @a_exec
        | EXECUTE @a_exec COMMANDS?
        | SSH @a_exec
        | OPEN art? TERMINAL @a_exec
        | (READ | WRITE | EDIT) FILES @a_file
        | OPEN art? TUNNEL @a_tunnel
        | REACH art? SERVICE URL? @a_proxy
        | REACH art? URL @a_proxy;
    check_target = target | HERE @sb_here | (IN | TO | ON | FOR) target | INTO sandbox_ref;
    check_access =
          CAN plist act_verb check_target?
        | IS plist ALLOWED TO act_verb check_target?
        | DOES plist STILL? HAVE ACCESS @a_read (TO target | HERE @sb_here)?
        | DOES plist STILL? HAVE (EDIT | WRITE | BUILD) @a_build ACCESS (TO target | HERE @sb_here)?
        | DOES plist STILL? HAVE (READ | VIEW) @a_read ACCESS (TO target | HERE @sb_here)?
        | WHAT CAN plist DO check_target?
        | CHECK ACCESS FOR plist (ON target)?
        | CHECK their_access (ON target)?
        | CHECK (IF | WHETHER) plist CAN act_verb check_target?;

    # ---- show_audit --------------------------------------------------------------
    since = SINCE (DAY | CLOCK) @since_day
          | DAY @since_day
          | THIS UNIT @since_this
          | (IN | OVER | FOR | DURING)? THE? (LAST | PAST) DUR @since_ago;
    audit_about = (FOR | BY | OF | ABOUT | ON) plist;
    audit_clause = COMMA? (since | audit_about | (FOR | ON | IN | OF | TO) sandbox_ref | HERE @sb_here);
    audit_noun = AUDIT (LOG | TRAIL | HISTORY | EVENTS)? | LOG | HISTORY;
    show_audit =
          (SHOW | LIST)? THE? audit_noun audit_clause*
        | WHO INVITED plist audit_clause*
        | WHAT DID plist DO audit_clause*
        | SHOW WHAT plist DID audit_clause*
        | WHAT (CHANGED | HAPPENED | HAS CHANGED) audit_clause*
        | WHO CHANGED ACCESS RECENT? audit_clause*
        | (SHOW | LIST) (RECENT)? (ACCESS)? CHANGES audit_clause*;

    # ---- set_mode and show_mode --------------------------------------------------
    action m_shared  { S->mode = MODE_SHARED; }
    action m_collab  { S->mode = MODE_COLLABORATED; }
    action m_private { S->mode = MODE_PRIVATE; }

    mode_word = SHARED @m_shared | COLLABORATED @m_collab | PRIVATE @m_private;
    this_sandbox = sandbox_ref | IT @sb_here;
    set_mode =
          MAKE this_sandbox mode_word AGAIN?
        | (SWITCH | CHANGE | SET | TURN) (this_sandbox | THE? SHARING MODE? (OF sandbox_ref)?)? TO mode_word MODE?
        | SET THE? SHARING? MODE (TO)? mode_word
        | SET this_sandbox (TO | AS) mode_word MODE?
        | ONLY LET plist (INTO | IN | USE) this_sandbox POSS WORKLOADS @m_collab
        | ONLY LET plist (INTO | IN | USE) THE WORKLOADS (OF sandbox_ref | HERE @sb_here)? @m_collab;
    show_mode =
          (WHATS | WHAT IS) THE? (SHARING MODE? | MODE) (OF sandbox_ref | FOR sandbox_ref | HERE @sb_here)?
        | WHAT SHARING? MODE IS this_sandbox IN?
        | (WHATS | WHAT IS) (THIS SANDBOX POSS | sandbox_named POSS) SHARING? MODE
        | SHOW THE? SHARING? MODE (OF sandbox_ref | FOR sandbox_ref)?
        | IS this_sandbox (SHARED | COLLABORATED | PRIVATE);

    # ---- show_policy (lifecycle.md, Max-duration policy) -------------------------
    # The policy, or the limits it sets (`what are the access limits?`, `what's the limit for
    # editors?`): every role's is shown, so the role a question names is read and not kept.
    policy_noun = ACCESS? (POLICY | LIMIT);
    asked_role = (EDITOR | EDIT | WRITE | BUILD | VIEWER | VIEW | READ | READONLY) ACCESS?;
    policy_of = (OF | FOR | IN) sandbox_ref | HERE @sb_here | (FOR | ON) asked_role;
    show_policy =
          (WHATS | WHAT IS | WHAT ARE) THE? policy_noun policy_of? policy_of?
        | (WHATS | WHAT IS | WHAT ARE) THE? asked_role LIMIT policy_of?
        | (WHATS | WHAT IS | WHAT ARE) (THIS SANDBOX POSS | sandbox_named POSS) policy_noun
        | SHOW (ME)? THE? policy_noun (OF sandbox_ref | FOR sandbox_ref)?
        | SHOW (ME)? THE? asked_role LIMIT
        | IS THERE art? LIMIT (ON | FOR) asked_role ((IN | ON) sandbox_ref | HERE @sb_here)?
        | HOW LONG CAN (EDITOR | VIEWER | EVERYONE) HAVE ACCESS ((TO | IN) this_sandbox | HERE @sb_here)?
        | HOW LONG CAN asked_role LAST ((IN | ON) this_sandbox | HERE @sb_here)?;

    # ---- sign_in (interfaces.md, Web page) ----------------------------------------
    # A link to the web page for the one asking (`open concierge in the browser`: concierge is
    # padding only at the start). Nobody else is ever named: a link is for oneself.
    web_page = (THE | MY)? CONCIERGE? (WEB PAGE | WEBPAGE);
    page_of = (FOR | OF) sandbox_ref | HERE @sb_here;
    in_browser = IN (THE | MY | A)? BROWSER;
    login_link = (SIGN IN | LOGIN) LINK | LINK;
    sign_in =
          OPEN web_page page_of? in_browser?
        | OPEN (IT | CONCIERGE)? in_browser
        | (GIVE | SEND | GET) ME art? login_link ((TO | FOR) web_page)? page_of?
        | SIGN ME? IN (TO (web_page | sandbox_ref))?
        | LOG ME? IN (TO web_page)?
        | LOGIN (TO web_page)?;

    # ---- set_policy (lifecycle.md, Max-duration policy) --------------------------
    # The length is marked on its own token; a day or a clock time where the length belongs
    # is read too, so that it is refused as what it is (want_duration), never guessed at.
    # `limit editor access for 30 days` is not a sentence: it could mean a limit that lasts
    # 30 days. `editors get 30 days` needs its `at most`: without it, it reads as a grant.
    action max_len  { S->time = AT; S->time_use = TU_MAX; }
    action no_limit { S->no_limit = 1; }

    # `editor access`, `editors`, `the viewers`; two roles (`editor and viewer access`) are
    # read so that they are refused as two (two_roles), never one of them chosen, and `limit
    # access` so that it is asked which role (no_role).
    pol_role1 = THE? (role_editor | role_viewer);
    pol_role = pol_role1 (AND pol_role1)? ACCESS?;
    # A bare number (`to 30`) is read too, and refused as no length (want_duration).
    pol_len = (DUR | DAY | CLOCK) @max_len | NUM;
    at_most = AT MOST | art? MAXIMUM OF | NO MORE THAN | UP TO;
    pol_place = COMMA? ((IN | ON | FOR | OF) sandbox_ref | HERE @sb_here);
    pol_get = GET | HAVE | CAN HAVE ACCESS FOR | CAN GET;
    set_policy =
          LIMIT (pol_role | ACCESS) pol_place* (TO | AT) at_most? pol_len pol_place*
        | pol_role pol_place* pol_get at_most pol_len pol_place*
        | pol_role pol_place* pol_get pol_len AT MOST pol_place*
        | SET art? (LIMIT | MAXIMUM) (FOR | ON) pol_role pol_place* TO pol_len pol_place*
        | SET art? pol_role1 ACCESS? LIMIT pol_place* TO pol_len pol_place*
        | NO LIMIT @no_limit (FOR | ON) pol_role pol_place*
        | (REMOVE | DROP) THE? LIMIT @no_limit (FOR | ON) pol_role pol_place*
        | (REMOVE | DROP) THE? pol_role1 ACCESS? LIMIT @no_limit pol_place*;

    # ---- request_access (lifecycle.md, Access requests) ----------------------------
    # The asker asks for themself. A person named (`request access for @bob`, `@bob needs
    # editor access`) is read so that it is refused as what it is (request_for_other, with
    # `invite @bob` as the hint), never made the asker's own request. The reason after
    # `because` never reaches the machines: grammar/note.c cuts it from the raw line.
    req_access = (art? role)? ACCESS | art? role ROLE;
    req_clause = COMMA? (role_as | scope | expiry | HERE @sb_here | FOR plist);
    request_access =
          REQUEST req_access req_clause*
        | ASK FOR req_access req_clause*
        | principal (NEEDS | WANT) req_access req_clause*
        | CAN I (GET | HAVE) req_access req_clause*;

    # ---- approve_request and deny_request (lifecycle.md, Access requests) -----------
    # A request is named by whose it is, by its token (R7K2), or both. A bare word where the
    # token goes (`approve bob`) is read too, so that grammar/build.c can hint `@bob`.
    req_noun = ACCESS? (REQUEST | REQUESTS);
    req_ref =
          plist POSS req_noun token?
        | THE? req_noun (FROM | OF | BY) plist
        | THE? req_noun token ((FROM | OF | BY) plist)?
        | token;
    req_place = COMMA? ((IN | ON | FOR | TO) sandbox_ref | HERE @sb_here);
    approve_request = APPROVE req_ref req_place*;
    deny_request = DENY req_ref req_place*;

    # ---- share_agent and unshare_agent -------------------------------------------
    action k_invoke   { S->key = KEY_INVOKE; }
    action k_delegate { S->key = KEY_DELEGATE; }

    key_kind = INVOKE @k_invoke | DELEGATE @k_delegate;
    a_key = art? (DUR @exp_in)? key_kind? AGENT? KEY;
    agent_expiry = COMMA? expiry;
    share_agent =
          SHARE agent_ref KEY? WITH plist agent_expiry?
        | SHARE a_key (FOR | TO) agent_ref WITH plist agent_expiry?
        | (GIVE | ISSUE | SEND) plist a_key (FOR | TO) agent_ref agent_expiry?
        | (CREATE | GENERATE | MINT | MAKE | ISSUE) a_key (FOR | TO) agent_ref (FOR plist)? agent_expiry?
        | (CREATE | GENERATE | MINT | MAKE | ISSUE) a_key FOR plist (FOR | TO) agent_ref agent_expiry?
        | LET plist INVOKE agent_ref agent_expiry?
        | GIVE plist ACCESS TO INVOKE agent_ref agent_expiry?;
    unshare_agent =
          STOP SHARING agent_ref (WITH plist)?
        | UNSHARE agent_ref (WITH | FROM) plist
        | (REVOKE | REMOVE | DELETE) ALL? THE? KEY (FOR | OF | TO) agent_ref
        | (REVOKE | REMOVE) whose (KEY | ACCESS) (FOR | TO) agent_ref
        | (REVOKE | REMOVE) (KEY | ACCESS) (FOR | TO) agent_ref FROM plist;

    # ---- cross-sandbox reads -----------------------------------------------------
    # The reader is the sandbox given access or told to read; the source the one whose
    # code is shared (language.md, Edge cases). A bare name is a sandbox here.
    reader_kw = (THIS | THE) SANDBOX @rdr_here | HERE @rdr_here
              | SANDBOX name @rdr | THE? name SANDBOX @rdr_prev;
    reader_bare = name @rdr;
    reader_ref = reader_kw | reader_bare;
    source_ref = ((THIS | THE) SANDBOX @src_here | HERE @src_here
               | SANDBOX name @src | THE? name SANDBOX @src_prev | name @src)
               (POSS CODE | CODE)?;
    source_here = HERE @src_here;
    read_access = (READ | READONLY) ACCESS | CROSS READ ACCESS? | READ GRANT;
    grant_cross =
          (GIVE | GRANT) reader_kw read_access ((TO | ON | FOR | FROM | OF) source_ref | source_here)?
        | (GIVE | GRANT) reader_bare read_access ((TO | ON | FOR | FROM | OF) source_ref)
        | GRANT read_access TO reader_ref
        | (LET | ALLOW) reader_ref TO? READ FROM? source_ref
        | SHARE source_ref READONLY? (WITH reader_ref | HERE @rdr_here)
        | ADD art? read_access FOR reader_ref;
    refresh_cross =
          (REFRESH | RENEW | UPDATE) THE? (SHARED | CROSS | READ)? (SNAPSHOT | GRANT | ACCESS | CODE)
              (OF | FOR | FROM | TO | WITH) source_ref
        | (REFRESH | RENEW | UPDATE) source_ref POSS (SHARED | CROSS | READ)? (SNAPSHOT | GRANT | ACCESS)
              ((TO | ON | FROM | OF) @src_is_reader source_ref)?
        | (REFRESH | RENEW) source_ref
        | (REFRESH | RENEW | UPDATE) THE? name @src (SNAPSHOT | GRANT);
    revoke_cross =
          (REVOKE | REMOVE) reader_ref POSS (READ)? ACCESS ((TO | ON | FROM) source_ref | source_here)
        | (REVOKE | REMOVE) reader_kw POSS (READ ACCESS | READ GRANT | CROSS READ ACCESS? | ACCESS)
        | (STOP | DISALLOW) reader_ref FROM READ source_ref?
        | (REVOKE | REMOVE | DROP) THE? (CROSS READ? | READ) (GRANT | ACCESS)? (FOR | TO | OF | FROM) reader_ref
        | CUT OFF reader_kw;

    # ---- help --------------------------------------------------------------------
    action t_invite  { S->topic = IK_INVITE; }
    action t_role    { S->topic = IK_CHANGE_ROLE; }
    action t_revoke  { S->topic = IK_REVOKE; }
    action t_expiry  { S->topic = IK_SET_EXPIRY; }
    action t_list    { S->topic = IK_LIST_ACCESS; }
    action t_check   { S->topic = IK_CHECK_ACCESS; }
    action t_audit   { S->topic = IK_SHOW_AUDIT; }
    action t_mode    { S->topic = IK_SET_MODE; }
    action t_agent   { S->topic = IK_SHARE_AGENT; }
    action t_policy  { S->topic = IK_SET_POLICY; }
    action t_request { S->topic = IK_REQUEST_ACCESS; }
    action t_approve { S->topic = IK_APPROVE_REQUEST; }
    action t_deny    { S->topic = IK_DENY_REQUEST; }

    topic_verb =
          (INVITE | ADD) @t_invite
        | (REVOKE | REMOVE) @t_revoke
        | (EXTEND | RENEW) @t_expiry
        | (PROMOTE | DEMOTE | CHANGE) @t_role
        | (LIST | SEE) @t_list
        | CHECK @t_check
        | AUDIT @t_audit
        | LIMIT @t_policy
        | (REQUEST | ASK FOR) @t_request
        | APPROVE @t_approve
        | DENY @t_deny;
    someone = SOMEONE | EVERYONE | principal | art? (MEMBERS | role_plain | ACCESS | ROLE);
    help =
          HELP ME? (WITH (ACCESS MANAGEMENT? | SOMETHING))?
        | HELP (WITH | ON)? topic_verb
        | USAGE
        | WHAT (CAN YOU | CANYOU) DO
        | WHAT CAN I (ASK YOU? | SAY)
        | WHAT COMMANDS ARE THERE
        | WHAT ARE THE COMMANDS
        | WHAT ARE THE ROLE
        | HOW DO I topic_verb someone? (POSS? (ACCESS | ROLE))?
        | HOW DO I SHARE art? AGENT @t_agent
        | HOW DO I GIVE someone art? AGENT? KEY @t_agent
        | HOW DO I (MAKE | SET) this_sandbox? mode_word @t_mode
        | HOW DO I (APPROVE @t_approve | DENY @t_deny) (art? req_noun | principal POSS req_noun)?
        | HOW DOES SHARING WORK @t_mode
        | WHAT DOES mode_word MEAN @t_mode;

    # ---- list_pending (lifecycle.md, Pending confirmations, honestly) -------------
    # Access requests are listed with the changes (lifecycle.md: the reply has all the lists).
    pending_noun = PENDING (CHANGES | CONFIRMATIONS | ACCESS? REQUESTS)? | CHANGES PENDING | ACCESS? REQUESTS;
    list_pending =
          (WHATS | WHAT IS | WHAT ARE) MY? PENDING (HERE @sb_here)?
        | (SHOW | LIST) ME? MY? pending_noun (HERE @sb_here)?
        | (WHATS | WHAT IS) PENDING FOR ME
        | (WHAT | WHICH) ACCESS? REQUESTS ARE PENDING (HERE @sb_here)?
        | ARE THERE ANY? ACCESS? REQUESTS (HERE @sb_here)?;

    # ---- confirm and cancel ------------------------------------------------------
    # `cancel all`: every change of the asker's waiting in this conversation (lifecycle.md);
    # there is no `confirm all`.
    action tok_all { S->all = 1; }

    confirm = (YES COMMA?)? (YES | CONFIRM | GOAHEAD | DOIT) token?;
    cancel = (NO | CANCEL | NEVERMIND | STOP) token? | CANCEL ALL @tok_all;
}%%

%%{
    # One machine over every sentence (GRAMMAR-NOTES.md shape B), with an entry per intent:
    # `all` is every intent at once, to learn which accept a phrase; `NAME_e` is one intent
    # alone, read again for its slots (in `all`, the actions of every intent still alive
    # write the same slots). Both lists are made from intent/intent_kinds.def
    # (cmake/gen_sentences.cmake), so a new intent needs only its machine above, named as
    # the intent.
    machine sentence;
    include sentence_common;
    include sentences "sentences.rl";
    write data;
}%%

/* `AT` is the index of the token being read. */
#define AT ((int8_t)(p - codes))

int sentence_match_all(const uint16_t *codes, int n, uint8_t *accepted, int *stop)
{
    const uint16_t *p = codes, *pe = codes + n;
    int cs = sentence_en_all;
    int8_t fin[IK__COUNT];
    struct slots scratch, *S = &scratch; /* the slot actions run here too; unused */
    memset(fin, -1, sizeof fin);
    slots_clear(S);
    %% write exec;
    *stop = (int)(p - codes);
    memset(accepted, 0, IK__COUNT);
    if (cs == sentence_error || p != pe || n == 0) return 0;
    int count = 0;
    for (int k = 1; k < IK__COUNT; k++)
        if (fin[k] == n - 1) accepted[k] = 1, count++;
    return count;
}

/* Intent kind → the entry of its own sentence. */
static const int entries[IK__COUNT] = {
#include "sentence_entries.h"
};

int sentence_slots(int kind, const uint16_t *codes, int n, struct slots *s)
{
    if (kind <= 0 || kind >= IK__COUNT || !entries[kind]) return -1;
    const uint16_t *p = codes, *pe = codes + n;
    int cs = entries[kind];
    int8_t fin[IK__COUNT]; /* the union's marks: the code is shared, the entry never reaches them */
    struct slots *S = s;
    slots_clear(S);
    %% write exec;
    (void)fin;
    return cs >= sentence_first_final && p == pe ? 0 : -1;
}
