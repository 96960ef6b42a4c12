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
  /**
   * 1-based line where an item of a top-level list starts, as `yaml` reports it (each of a suite's
   * `cases`), found by identity; undefined for anything else.
   */
  lineOf(value: object): number | undefined;
}

// YAML 1.2 core scalars with the exact patterns `yaml` uses (its default schema), so a plain
// scalar becomes the same null, boolean, number or string in both parsers. js-yaml's own core
// schema also reads `1_000` and `0b101` as numbers; `yaml` reads them as strings. (One type a
// tag: js-yaml keeps only the last of several with the same tag.)
const scalar = (tag: string, test: (s: string) => boolean, construct: (s: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string | null) => test(s ?? ''), construct: (s: string | null) => construct(s ?? '') });

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT = /^0o[0-7]+$/;
const DEC = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const INF_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

export const CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar(
      'null',
      (s) => NULL.test(s),
      () => null,
    ),
    scalar(
      'bool',
      (s) => BOOL.test(s),
      (s) => s[0] === 't' || s[0] === 'T',
    ),
    scalar(
      'int',
      (s) => OCT.test(s) || DEC.test(s) || HEX.test(s),
      (s) => (OCT.test(s) ? parseInt(s.slice(2), 8) : HEX.test(s) ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
    ),
    scalar(
      'float',
      (s) => INF_NAN.test(s) || EXP.test(s) || FLOAT.test(s),
      (s) => (INF_NAN.test(s) ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) : parseFloat(s)),
    ),
  ],
});

class Declined extends Error {}

const ITEM_DEPTH = 3;

export function readYamlFast(text: string): FastYaml | undefined {
  // A directive can switch `yaml` to YAML 1.1 scalars (yes/no booleans, sexagesimal numbers).
  if (/^%/m.test(text)) return undefined;
  // Tags resolve differently (`!!int "5"`, unknown `!tags`); a tag starts a node, so a `!` after
  // a space or flow indicator is one (or, in a quoted string, a false alarm costing only time).
  if (/(?:^|[\s[{,])!/m.test(text)) return undefined;
  let start = 0;
  const lines = new Map<object, number>();
  try {
    const data = load(text, {
      schema: CORE,
      listener(event, state) {
        const { depth, anchor } = state as unknown as { depth: number; anchor: string | null };
        // An anchor is the only way to an alias: both are shared references in js-yaml, copies in `yaml`.
        if (event === 'close' && anchor !== null) throw new Declined();
        // Lines are kept only at depth 3 (the document, a top-level value, its items): recording every
        // node cost a third of the read. `open` fires where the item's content starts (past `- `).
        if (depth !== ITEM_DEPTH) return;
        if (event === 'open') start = state.line;
        else if (state.result !== null && typeof state.result === 'object') lines.set(state.result as object, start + 1);
      },
    });
    return { data, lineOf: (value) => lines.get(value) };
  } catch {
    // Declined, or anything js-yaml rejects: the full parser decides and words the error.
    return undefined;
  }
}
