/* The shapes of principals and names (language.md, Names), after case folding: one place,
 * included by the scanner (names inside phrases) and by canon.rl (names given at the doors
 * outside the language: --as, check, admin, bots, Slack), so that both accept the same. */
%%{
    machine names;

    namechar = [a-z0-9_\-];
    # A handle never ends in '.': `revoke @quim.` is @quim and a full stop.
    handle = '@' namechar+ ('.'+ namechar+)*;
    # @here, @channel, @everyone name a crowd, never a person (language.md): refused.
    crowd = '@' ('here' | 'channel' | 'everyone');
    email = [a-z0-9_%+\-]+ ('.' [a-z0-9_%+\-]+)* '@' [a-z0-9\-]+ ('.' [a-z0-9\-]+)+;
    # Slack IDs keep their case: they are the identity (slack:U024BE7LH).
    slack_id = [A-Z0-9]+;
    slack_user = '<@' slack_id ('|' [^>]*)? '>';
    # A sandbox, project, agent, workspace or bot name.
    name = [a-z0-9] namechar*;
}%%
