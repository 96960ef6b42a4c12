import { fishQuote } from './quote.js';
import type { CompletionSpec, OptionSpec } from './spec.js';

/** `complete -c migrate` lines for fish, from the same spec as bash's. */
export function fishScript(spec: CompletionSpec): string {
  const names = spec.commands.map((c) => c.name).join(' ');
  const lines = [
    ...spec.global.map((o) => optionLine(o, '__fish_use_subcommand')),
    ...spec.commands.map((c) => `complete -c migrate -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.description)}`),
    ...spec.commands.flatMap((c) => {
      const seen = `__fish_seen_subcommand_from ${c.name}`;
      const words =
        c.words.length > 0 ? [`complete -c migrate -n ${fishQuote(`${seen}; and not __fish_seen_subcommand_from ${c.words.join(' ')}`)} -a ${fishQuote(c.words.join(' '))}`] : [];
      return [...c.options.map((o) => optionLine(o, seen)), ...words];
    }),
  ];
  return `# migrate completion for fish. Load it with: migrate completion fish | source
# (or save it as ~/.config/fish/completions/migrate.fish).

# Environment names or backup ids from the config and state the command line points at; silent on any error.
function __migrate_dynamic
    set -l args __complete $argv[1]
    set -l tokens (commandline -opc)
    for i in (seq 2 (math (count $tokens) - 1))
        switch $tokens[$i]
            case -c --config
                set args $args --config $tokens[(math $i + 1)]
            case -e --env
                test $argv[1] = backups; and set args $args --env $tokens[(math $i + 1)]
        end
    end
    migrate $args 2>/dev/null
end

complete -c migrate -f
# commands: ${names}
${lines.join('\n')}
`;
}

function optionLine(o: OptionSpec, condition: string): string {
  const parts = ['complete -c migrate', `-n ${fishQuote(condition)}`];
  for (const name of o.names) parts.push(name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`);
  const v = o.value;
  if (v.kind === 'file') parts.push(o.optional ? '-F' : '-r -F');
  else if (v.kind === 'choices') parts.push(`-x -a ${fishQuote(v.choices.join(' '))}`);
  else if (v.kind === 'dynamic') parts.push(`-x -a ${fishQuote(`(__migrate_dynamic ${v.list})`)}`);
  else if (v.kind === 'any') parts.push('-x');
  parts.push(`-d ${fishQuote(o.description)}`);
  return parts.join(' ');
}
