# bash completion for concierge: its subcommands, each one's options and admin's words.
# Installed as share/bash-completion/completions/concierge. Everything is asked of the
# binary being completed (`SUB --help` and `admin --words`), so nothing is written twice.

# The options of subcommand $2 ("" for the default) of binary $1, a line each: "--name"
# for a flag, "--name V" for an option that takes a value (its help line names the value).
_concierge_options()
{
    local line re='^ +(-[a-zA-Z], )? *(--[a-z][a-z-]*)( [A-Z][A-Z0-9:]*)? '
    "$1" ${2:+"$2"} --help 2>/dev/null | while IFS= read -r line; do
        [[ $line =~ $re ]] && printf '%s%s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]:+ V}"
    done
}

_concierge()
{
    local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} sub='' w i dashdash=0
    local -a words=()
    COMPREPLY=()
    # Options that take a value, of every subcommand: a value is never taken for a word.
    local vopts=" " o
    for w in "" parse check admin serve sweep open; do
        while read -r o v; do [ -n "$v" ] && vopts+="$o "; done < <(_concierge_options "$bin" "$w")
    done
    # The subcommand and the words after it, options skipped (options go anywhere).
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((dashdash)) || [[ $w != -* || $w == - || $w == -[0-9]* ]]; then
            if [ -z "$sub" ] && ! ((dashdash)); then
                case $w in
                parse | check | admin | serve | sweep | open) sub=$w && continue ;;
                *) sub=run ;;
                esac
            fi
            words+=("$w")
        elif [ "$w" = -- ]; then
            dashdash=1 sub=${sub:-run} # what follows is text, even a subcommand's name
        elif [ "${COMP_WORDS[i + 1]}" = = ]; then
            ((i += 2)) # --opt=value, split by bash at the =
        elif [[ $vopts == *" $w "* ]]; then
            ((i++))
        fi
    done
    # The value of an option.
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    [ "$prev" = = ] && prev=${COMP_WORDS[COMP_CWORD - 2]}
    [ "$cur" = = ] && prev=${COMP_WORDS[COMP_CWORD - 1]} cur=
    if ! ((dashdash)) && [[ $vopts == *" $prev "* ]]; then
        case $prev in
        --db | --source | --slack-signing-secret-file | --slack-bot-token-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
        --mode) mapfile -t COMPREPLY < <(compgen -W "shared collaborated private" -- "$cur") ;;
        --default-mode) mapfile -t COMPREPLY < <(compgen -W "shared private" -- "$cur") ;;
        --role) mapfile -t COMPREPLY < <(compgen -W "editor viewer" -- "$cur") ;;
        --log) mapfile -t COMPREPLY < <(compgen -W "error warn info" -- "$cur") ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]] && ! ((dashdash)); then
        local opts
        opts=$(_concierge_options "$bin" "${sub#run}" | cut -d' ' -f1)
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return 0
    fi
    case $sub in
    "") mapfile -t COMPREPLY < <(compgen -W "parse check admin serve sweep open" -- "$cur") ;;
    admin)
        # The next word of every admin command whose first words are those typed.
        local line next=" " n=${#words[@]}
        local -a cmd
        while read -r -a cmd; do
            ((${#cmd[@]} > n)) || continue
            [ "${cmd[*]:0:n}" = "${words[*]}" ] && [[ $next != *" ${cmd[n]} "* ]] && next+="${cmd[n]} "
        done < <("$bin" admin --words 2>/dev/null)
        mapfile -t COMPREPLY < <(compgen -W "$next" -- "$cur")
        ;;
    check)
        # The action after the principal, from check --help's "ACTION: read, run, ...".
        if ((${#words[@]} == 1)); then
            local actions
            actions=$("$bin" check --help 2>/dev/null | sed -n 's/^ACTION: //p' | tr -d ',.')
            mapfile -t COMPREPLY < <(compgen -W "$actions" -- "$cur")
        fi
        ;;
    esac
    return 0
}
complete -F _concierge concierge
