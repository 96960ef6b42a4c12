// The one confirmation policy every command uses (src/core/prompter.ts): --yes and --dry-run never
// ask, a person at a terminal is asked, and nobody there is a refusal naming --yes, exit 2.
import { describe, expect, it } from 'vitest';
import { nobodyToAsk } from '../../src/core/prompter.js';
import { scriptedPrompter } from '../helpers/prompter.js';

const refusal = { what: 'gateway setup', why: "it recreates the app's containers", hint: 'review it with `migrate gateway setup --dry-run`, then add --yes' };

describe('Prompter', () => {
  it('nobody at a terminal: exit 2 naming --yes and why nobody can answer, and confirm refuses the same way without asking', async () => {
    const s = scriptedPrompter([true], { nobody: nobodyToAsk({ ci: true, stdinTTY: true, stdoutTTY: true }) });
    expect(() => s.prompter.assertCanConfirm(refusal)).toThrow(
      expect.objectContaining({ exitCode: 2, message: "gateway setup needs --yes: it recreates the app's containers, and CI is set, so nobody can answer", hint: refusal.hint }),
    );
    await expect(s.prompter.confirm('Go?')).rejects.toMatchObject({ exitCode: 2 });
    expect(s.asked).toEqual([]);
    expect(s.prompter.interactive).toBe(false);
  });

  it('--yes and --dry-run pass the check and answer yes without asking, even with nobody there', async () => {
    for (const policy of [{ yes: true }, { dryRun: true }]) {
      const s = scriptedPrompter([], { ...policy, nobody: 'stdin is not a terminal' });
      expect(() => s.prompter.assertCanConfirm(refusal)).not.toThrow();
      expect(await s.prompter.confirm('Go?')).toBe(true);
      expect(s.asked).toEqual([]);
    }
  });

  it('a person at a terminal is asked, and their answer is the result', async () => {
    const s = scriptedPrompter([false, true]);
    expect(() => s.prompter.assertCanConfirm(refusal)).not.toThrow();
    expect(await s.prompter.confirm('First?')).toBe(false);
    expect(await s.prompter.confirm('Second?')).toBe(true);
    expect(s.asked).toEqual(['First?', 'Second?']);
    expect(s.unasked()).toEqual([]);
  });

  it('names why nobody can answer: CI first, then stdin, then stdout', () => {
    expect(nobodyToAsk({ ci: false, stdinTTY: true, stdoutTTY: true })).toBeUndefined();
    expect(nobodyToAsk({ ci: true, stdinTTY: false, stdoutTTY: false })).toBe('CI is set');
    expect(nobodyToAsk({ ci: false, stdinTTY: false, stdoutTTY: true })).toBe('stdin is not a terminal');
    expect(nobodyToAsk({ ci: false, stdinTTY: true, stdoutTTY: false })).toBe('stdout is not a terminal');
  });
});
