import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';

/**
 * A quick read of a plain YAML file for the success path: js-yaml builds plain data several times
 * faster than `yaml`'s line-aware document (a 250-case suite: about 20 ms against 150 ms), but
 * knows nothing of key paths. Callers use it only to accept a file that is valid; any problem is
 * reported by parsing again with parseYamlSource, whose file:line messages stay the only ones.
 *
 * Returns undefined when the text uses what the two parsers could read differently (anchors,
 * aliases, tags, %YAML directives, several documents) or js-yaml
 * rejects it: the caller then takes the full path, so the result never differs from it.
 */
export interface FastYaml {
  data: unknown;
  /** 1-based line where a collection read from the file starts (as `yaml` reports it), by identity. */
  lineOf(value: object): number | undefined;
}

// YAML 1.2 core scalars with the exact patterns `yaml` uses (its default schema), so a plain
// scalar becomes the same null, boolean, number or string in both parsers. js-yaml's own core
// schema also reads `1_000` and `0b101` as numbers; `yaml` reads them as strings. (One type a
// tag: js-yaml keeps only the last of several with the same tag.)
const scalar = (tag: string, read: (s: string) => { value: unknown } | undefined) =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string | null) => read(s ?? '') !== undefined, construct: (s: string | null) => read(s ?? '')!.value });

const when = (test: boolean, value: () => unknown) => (test ? { value: value() } : undefined);

const CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', (s) => when(/^(?:~|[Nn]ull|NULL)?$/.test(s), () => null)),
    scalar('bool', (s) => when(/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s), () => s[0] === 't' || s[0] === 'T')),
    scalar(
      'int',
      (s) =>
        when(/^0o[0-7]+$/.test(s), () => parseInt(s.slice(2), 8)) ??
        when(/^[-+]?[0-9]+$/.test(s), () => parseInt(s, 10)) ??
        when(/^0x[0-9a-fA-F]+$/.test(s), () => parseInt(s.slice(2), 16)),
    ),
    scalar(
      'float',
      (s) =>
        when(/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s), () => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity)) ??
        when(/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s), () => parseFloat(s)),
    ),
  ],
});

class Declined extends Error {}

export function readYamlFast(text: string): FastYaml | undefined {
  // A directive can switch `yaml` to YAML 1.1 scalars (yes/no booleans, sexagesimal numbers).
  if (/^%/m.test(text)) return undefined;
  // Tags resolve differently (`!!int "5"`, unknown `!tags`); a tag starts a node, so a `!` after
  // a space or flow indicator is one (or, in a quoted string, a false alarm costing only time).
  if (/(?:^|[\s[{,])!/m.test(text)) return undefined;
  const starts: number[] = [];
  const lines = new Map<object, number>();
  try {
    const data = load(text, {
      schema: CORE,
      listener(event, state) {
        // `open` fires where the node's content starts (past `- ` and indentation), as `yaml`'s range does.
        if (event === 'open') return void starts.push(state.line);
        const line = starts.pop()!;
        // An anchor is the only way to an alias: both are shared references in js-yaml, copies in `yaml`.
        if ((state as unknown as { anchor: string | null }).anchor !== null) throw new Declined();
        if (state.result !== null && typeof state.result === 'object') lines.set(state.result as object, line + 1);
      },
    });
    return { data, lineOf: (value) => lines.get(value) };
  } catch {
    // Declined, or anything js-yaml rejects: the full parser decides and words the error.
    return undefined;
  }
}
