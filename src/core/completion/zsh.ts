import { shQuote, zshCommandDescription, zshOptionDescription } from './quote.js';
import type { CompletionSpec, OptionSpec } from './spec.js';

/** A `#compdef migrate` function for zsh's compsys, from the same spec as bash's. */
export function zshScript(spec: CompletionSpec): string {
  const described = spec.commands.map((c) => shQuote(`${c.name}:${zshCommandDescription(c.description)}`));
  const arms = spec.commands.map((c) => {
    const words = c.words.length > 0 ? [shQuote(`1:subcommand:(${c.words.join(' ')})`)] : [];
    return `    ${c.name})\n      _arguments -s ${[...c.options.flatMap(optionSpecs), ...words].join(' \\\n        ')} ;;`;
  });
  return `#compdef migrate
# migrate completion for zsh. Load it with: source <(migrate completion zsh)
# (or save it as _migrate in a directory on $fpath, before compinit runs).

# Environment names or backup ids from the config and state the command line points at; silent on any error.
_migrate_dynamic() {
  local -a args items
  args=(__complete $1)
  local config=\${opt_args[--config]:-\${opt_args[-c]}}
  local env=\${opt_args[--env]:-\${opt_args[-e]}}
  [[ -n $config ]] && args+=(--config $config)
  [[ $1 == backups && -n $env ]] && args+=(--env $env)
  items=(\${(f)"$(migrate $args 2>/dev/null)"})
  compadd -a items
}

_migrate() {
  local curcontext=$curcontext state line
  typeset -A opt_args
  local -a commands
  commands=(
    ${described.join('\n    ')}
  )
  _arguments -C -s ${spec.global.flatMap(optionSpecs).join(' \\\n    ')} \\
    '1:command:->command' '*::argument:->argument'
  case $state in
    command) _describe -t commands 'migrate command' commands ;;
    argument)
      case $line[1] in
${arms.join('\n')}
      esac ;;
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _migrate "$@"
else
  compdef _migrate migrate
fi
`;
}

/** One _arguments spec per spelling: `--samples[timed requests]:value: `. */
function optionSpecs(o: OptionSpec): string[] {
  const description = `[${zshOptionDescription(o.description)}]`;
  const value = o.value.kind === 'none' ? '' : `${o.optional ? '::' : ':'}${o.value.kind === 'dynamic' ? o.value.list : 'value'}:${action(o)}`;
  return o.names.map((name) => shQuote(`${name}${description}${value}`));
}

function action(o: OptionSpec): string {
  const v = o.value;
  if (v.kind === 'file') return '_files';
  if (v.kind === 'choices') return `(${v.choices.join(' ')})`;
  if (v.kind === 'dynamic') return `_migrate_dynamic ${v.list}`;
  return ' ';
}
