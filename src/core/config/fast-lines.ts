import { load } from 'js-yaml';
import { CORE } from './fast-yaml.js';

// The line of a key path in a plain YAML file (one readYamlFast accepted), read by js-yaml: a
// warning or an error that names its line no longer loads the `yaml` package for it (about 35 ms
// of a `rollback --dry-run` on Node 20, which warns when the target's key is not set). The lines
// are yaml's own: a key's line for a mapping entry, where the content starts for a list item and
// the document. Any node this reading cannot place for certain hands the file back to yaml. The
// file is parsed again for it: recording nodes on the quick read would slow every command that
// goes well, to save a millisecond on the few that warn.

/** source.ts's KeyPath (not imported: source.ts imports this file). */
type KeyPath = readonly (string | number)[];

/** One node as js-yaml composed it: where it starts, what it became, the nodes it holds in order. */
interface Frame {
  start: number;
  kind: string | null;
  result: unknown;
  children: Frame[];
}

/**
 * `keys` → 1-based line, as source.ts's yaml-based finder answers; undefined when the text is not
 * for this reading, and the finder's undefined when a node on the way is not.
 */
export function fastLineFinder(text: string): ((keys: KeyPath) => number | undefined) | undefined {
  const root = frames(text);
  // A file of comments only has no node to place (js-yaml opens its document at the end).
  if (!root || root.kind === null) return undefined;
  // js-yaml drops a leading byte-order mark (Windows editors write one) before counting offsets.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineStarts = [0];
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // js-yaml opens a node where its content starts: a key, a list item past its `- ` and comments.
  const lineAt = (at: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return (keys) => {
    let node = root;
    let line = lineAt(node.start);
    for (const key of keys) {
      const entries = entriesOf(node);
      if (!entries) return undefined;
      // Only a scalar key names a line, as in yaml's finder; a list or mapping key (YAML allows one)
      // is never it, and String() of one can throw (`{toString: 1}: x`).
      const next = typeof key === 'number' && node.kind === 'sequence' ? entries[key] : entries.find((e) => e.key?.kind === 'scalar' && String(e.key.result) === String(key));
      if (!next?.value) break;
      line = lineAt((next.key ?? next.value).start);
      node = next.value;
    }
    return line;
  };
}

/** js-yaml's nodes of `text` as a tree; undefined when js-yaml does not read it (readYamlFast then did not either). */
function frames(text: string): Frame | undefined {
  const stack: Frame[] = [{ start: 0, kind: null, result: null, children: [] }];
  try {
    load(text, {
      schema: CORE,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ start: state.position, kind: null, result: null, children: [] });
          return;
        }
        const frame = stack.pop()!;
        frame.kind = state.kind;
        frame.result = state.result;
        stack.at(-1)!.children.push(frame);
      },
    });
  } catch {
    return undefined;
  }
  const [document] = stack[0]!.children;
  return document;
}

/**
 * A mapping's entries (its children alternate key, value) or a list's items, checked against
 * what js-yaml built from them; undefined for a shape this reading does not expect (a key with no
 * value node, a merge), and the caller asks yaml.
 */
function entriesOf(node: Frame): Array<{ key: Frame | undefined; value: Frame | undefined }> | undefined {
  if (node.kind === 'sequence' && Array.isArray(node.result)) {
    if (node.children.length !== node.result.length) return undefined;
    return node.children.map((value) => ({ key: undefined, value }));
  }
  if (node.kind === 'mapping' && node.result !== null && typeof node.result === 'object') {
    // A block mapping ends where js-yaml's try at one more key composes nothing (before `...`).
    const children = node.children.length % 2 === 1 && node.children.at(-1)!.kind === null ? node.children.slice(0, -1) : node.children;
    const pairs = children.length / 2;
    if (!Number.isInteger(pairs) || pairs !== Object.keys(node.result).length) return undefined;
    return Array.from({ length: pairs }, (_, i) => ({ key: children[2 * i], value: children[2 * i + 1] }));
  }
  return [];
}
