// The completion lists are read from commander's declarations: a flag added to a command (as
// ramp --shadow will be) completes without anyone touching the scripts.
import { Argument, Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { bashScript } from '../../src/core/completion/bash.js';
import { fishScript } from '../../src/core/completion/fish.js';
import { completionSpec } from '../../src/core/completion/spec.js';
import { zshScript } from '../../src/core/completion/zsh.js';

function program(): Command {
  const p = new Command('migrate').option('-c, --config <file>', 'config file').option('-e, --env <name>', 'environment');
  p.command('ramp').option('-e, --env <name>', 'environment').option('--shadow <ratio>', "mirror a share to target (it's new)");
  p.command('report')
    .addArgument(new Argument('<what>', 'what').choices(['html', 'json']))
    .addOption(new Option('--format <f>', 'format').choices(['a', 'b']));
  p.command('rollback').option('--to <id>', 'backup id').option('--json [file]', 'report');
  p.command('__complete', { hidden: true });
  return p;
}

describe('completionSpec', () => {
  it('lists visible commands, their flags and what each value is', () => {
    const spec = completionSpec(program());
    expect(spec.commands.map((c) => c.name)).toEqual(['ramp', 'report', 'rollback']);
    const ramp = spec.commands[0]!;
    expect(ramp.options.map((o) => o.names)).toEqual([['-e', '--env'], ['--shadow'], ['-h', '--help']]);
    expect(ramp.options[0]!.value).toEqual({ kind: 'dynamic', list: 'environments' });
    expect(ramp.options[1]!.value).toEqual({ kind: 'any' });
    const report = spec.commands[1]!;
    expect(report.words).toEqual(['html', 'json']);
    expect(report.options[0]!.value).toEqual({ kind: 'choices', choices: ['a', 'b'] });
    const rollback = spec.commands[2]!;
    expect(rollback.options[0]!.value).toEqual({ kind: 'dynamic', list: 'backups' });
    expect(rollback.options[1]).toMatchObject({ value: { kind: 'file' }, optional: true });
    expect(spec.global[0]).toMatchObject({ names: ['-c', '--config'], value: { kind: 'file' }, optional: false });
  });

  it('every script carries a new flag, quoting its description for its shell', () => {
    const spec = completionSpec(program());
    expect(bashScript(spec)).toMatch(/'ramp'\) echo '-e --env --shadow -h --help' ;;/);
    expect(zshScript(spec)).toContain(`'--shadow[mirror a share to target (it'\\''s new)]:value: '`);
    expect(fishScript(spec)).toContain(`complete -c migrate -n '__fish_seen_subcommand_from ramp' -l shadow -x -d 'mirror a share to target (it\\'s new)'`);
    expect(fishScript(spec)).toContain(`-n '__fish_seen_subcommand_from report; and not __fish_seen_subcommand_from html json' -a 'html json'`);
  });
});
