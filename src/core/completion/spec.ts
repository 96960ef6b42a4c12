import type { Command, Option } from 'commander';

/**
 * What a shell needs to complete `migrate`, read from commander's own declarations so a new
 * command or flag completes without anyone editing the scripts.
 */
export interface CompletionSpec {
  /** Flags given before the command (`migrate --json check`). */
  global: OptionSpec[];
  commands: CommandSpec[];
}

export interface CommandSpec {
  name: string;
  description: string;
  /** Words the first positional takes (backup list, gateway setup|status|remove). */
  words: string[];
  options: OptionSpec[];
}

export interface OptionSpec {
  /** `-e`, `--env`: every spelling. */
  names: string[];
  description: string;
  value: ValueKind;
  /** The value may be left out (`validate --json [file]`). */
  optional: boolean;
}

/**
 * What follows the flag: nothing, a file, a word from a fixed list, or a name only the config
 * and state know at completion time (asked through `migrate __complete`).
 */
export type ValueKind = { kind: 'none' } | { kind: 'any' } | { kind: 'file' } | { kind: 'choices'; choices: string[] } | { kind: 'dynamic'; list: DynamicList };

export type DynamicList = 'environments' | 'backups';

/** Flags whose value is a name from the config or the state directory. */
const DYNAMIC: Record<string, DynamicList> = { '--env': 'environments', '--to': 'backups' };

export function completionSpec(program: Command): CompletionSpec {
  const help = program.createHelp();
  const commands = help.visibleCommands(program).filter((cmd) => cmd.name() !== 'help');
  return {
    global: help.visibleOptions(program).map(optionSpec),
    commands: commands.map((cmd) => ({
      name: cmd.name(),
      description: firstLine(cmd.description()),
      words: cmd.registeredArguments[0]?.argChoices ?? [],
      options: help.visibleOptions(cmd).map(optionSpec),
    })),
  };
}

function optionSpec(option: Option): OptionSpec {
  return {
    names: [option.short, option.long].filter((n): n is string => Boolean(n)),
    description: firstLine(option.description),
    value: valueKind(option),
    optional: option.optional,
  };
}

function valueKind(option: Option): ValueKind {
  if (!option.required && !option.optional) return { kind: 'none' };
  if (option.argChoices) return { kind: 'choices', choices: option.argChoices };
  const dynamic = option.long ? DYNAMIC[option.long] : undefined;
  if (dynamic) return { kind: 'dynamic', list: dynamic };
  // The placeholder is the declaration's own word for the value: <file> and [file] complete paths.
  return /[<[]file[\]>]/.test(option.flags) ? { kind: 'file' } : { kind: 'any' };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
