import { shQuote } from './quote.js';
import type { CompletionSpec, OptionSpec } from './spec.js';

/**
 * `_migrate` for bash's `complete -F`. The tables (commands, flags, what each flag's value is)
 * come from the spec; names only the config or the state knows (environments, backup ids) are
 * asked from `migrate __complete` while completing, with --config and --env as typed so far.
 */
export function bashScript(spec: CompletionSpec): string {
  const scopes = [{ name: '', options: spec.global }, ...spec.commands];
  return `# migrate completion for bash. Load it with: source <(migrate completion bash)
_migrate_commands=${shQuote(spec.commands.map((c) => c.name).join(' '))}

# The flags of a command ('' before the command).
_migrate_flags() {
  case "$1" in
${scopes.map((s) => `    ${shQuote(s.name)}) echo ${shQuote(s.options.flatMap((o) => o.names).join(' '))} ;;`).join('\n')}
  esac
}

# What follows a flag: file, any, choices WORDS, dynamic LIST (a leading ? when it may be left out); nothing for a switch.
_migrate_value() {
  case "$1" in
${scopes.map((s) => `    ${shQuote(s.name)})\n      case "$2" in\n${valueArms(s.options)}      esac ;;`).join('\n')}
  esac
}

# Words the command's first argument takes.
_migrate_words() {
  case "$1" in
${spec.commands
  .filter((c) => c.words.length > 0)
  .map((c) => `    ${shQuote(c.name)}) echo ${shQuote(c.words.join(' '))} ;;`)
  .join('\n')}
  esac
}

# Environment names or backup ids, from the config and state the command line points at; silent on any error.
_migrate_dynamic() {
  local args=(__complete "$1")
  [[ -n $_migrate_config ]] && args+=(--config "$_migrate_config")
  [[ $1 == backups && -n $_migrate_env ]] && args+=(--env "$_migrate_env")
  "\${COMP_WORDS[0]}" "\${args[@]}" 2>/dev/null
}

_migrate() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd= positional=0 i w kind flag
  local _migrate_config= _migrate_env=
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      kind=$(_migrate_value "$cmd" "\${w%%=*}")
      [[ -z $kind ]] && continue
      if [[ $w == *=* ]]; then
        case \${w%%=*} in
          -c|--config) _migrate_config=\${w#*=} ;;
          -e|--env) _migrate_env=\${w#*=} ;;
        esac
        continue
      fi
      # --flag=value arrives as three words when = is in COMP_WORDBREAKS
      [[ \${COMP_WORDS[i+1]} == = ]] && ((i++))
      [[ $kind == '?'* && \${COMP_WORDS[i+1]} == -* ]] && continue
      ((i + 1 < COMP_CWORD)) || break
      ((i++))
      case $w in
        -c|--config) _migrate_config=\${COMP_WORDS[i]} ;;
        -e|--env) _migrate_env=\${COMP_WORDS[i]} ;;
      esac
    elif [[ $w == = ]]; then
      continue
    elif [[ -z $cmd ]]; then
      cmd=$w
    else
      ((positional++))
    fi
  done

  flag=\${COMP_WORDS[COMP_CWORD-1]}
  if [[ $cur == = ]]; then
    cur=
  elif [[ $flag == = ]]; then
    flag=\${COMP_WORDS[COMP_CWORD-2]}
  fi
  if [[ $flag == -* && $cur != -* ]]; then
    kind=$(_migrate_value "$cmd" "$flag")
    kind=\${kind#\\?}
    case $kind in
      file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
      choices\\ *) COMPREPLY=($(compgen -W "\${kind#choices }" -- "$cur")); return ;;
      dynamic\\ *) COMPREPLY=($(compgen -W "$(_migrate_dynamic "\${kind#dynamic }")" -- "$cur")); return ;;
      any) return ;;
    esac
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_migrate_flags "$cmd")" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$_migrate_commands" -- "$cur"))
  elif ((positional == 0)); then
    COMPREPLY=($(compgen -W "$(_migrate_words "$cmd")" -- "$cur"))
  fi
}

complete -F _migrate migrate
`;
}

function valueArms(options: OptionSpec[]): string {
  return options
    .filter((o) => o.value.kind !== 'none')
    .map((o) => `        ${o.names.join('|')}) echo ${shQuote(`${o.optional ? '?' : ''}${bashKind(o)}`)} ;;\n`)
    .join('');
}

function bashKind(o: OptionSpec): string {
  const v = o.value;
  if (v.kind === 'choices') return `choices ${v.choices.join(' ')}`;
  if (v.kind === 'dynamic') return `dynamic ${v.list}`;
  return v.kind;
}
