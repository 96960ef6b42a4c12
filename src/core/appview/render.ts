import type { AppView } from './check.js';
import { describePair, type ContainerFact, type PairFact } from './judge.js';

// How the app's view reads: one line per container, provider names and URLs, never a key.

/** `app (3f2a91c0d1e2): OPENAI_BASE_URL → target, key of target; models ok, chat ok 212ms` */
export function containerLine(c: ContainerFact): string {
  const who = `${c.service} (${c.id})`;
  if (!c.ok) return `${who}: ${c.problems.join('; ')}`;
  if (c.pairs.length === 0) return `${who}: holds no provider URL or key${c.weight ? `; ${weightText(c)}` : ''}`;
  const parts = c.pairs.map((p) => `${describePair(p)}${probeText(p)}`);
  if (c.weight) parts.push(weightText(c));
  return `${who}: ${parts.join('; ')}`;
}

function probeText(p: PairFact): string {
  if (!p.probe) return '';
  const step = (name: string, s: { status: string }) => `${name} ${s.status === 'pass' ? 'ok' : s.status}`;
  return `; ${step('models', p.probe.models)}, ${step('chat', p.probe.chat)} ${p.probe.chat.ms ?? p.probe.durationMs}ms`;
}

function weightText(c: ContainerFact): string {
  if (c.weight!.blind) return `${c.weight!.key} never reaches it (compose passes only the variables it names)`;
  return `${c.weight!.key}=${c.weight!.value ?? '(not set)'}`;
}

/** The reason a step failed, for the ramp's rollback and rollback's exit 3: every container that is wrong. */
export function failureText(view: AppView): string {
  const wrong = view.containers.filter((c) => !c.ok).map(containerLine);
  const missing = view.missing.map((s) => `${s}: no container`);
  const all = [...wrong, ...missing];
  return `after ${view.step}, ${all.length === 1 ? 'a service does' : `${all.length} services do`} not hold a working ${view.expected ?? 'provider'} pair: ${all.join(' | ')}`;
}
