import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { UsageError } from '../../errors.js';

// migrate.yaml edited in place, as text at the places the YAML parser locates: only the
// environment's compose.files and traffic change; every other byte (comments, order, quoting,
// the spacing inside `{ … }`) stays as the user wrote it. Pure: text in, text out.

export interface GatewayTraffic {
  driver: 'nginx';
  file: string;
  service: string;
  args: string[];
  accessLog: string;
  gateway: true;
}

/** Add `overrideFile` to compose.files and set the traffic driver to the gateway's nginx. */
export function withGateway(text: string, environment: string, overrideFile: string, traffic: GatewayTraffic): string {
  const withFile = editFiles(text, environment, (items) => (items.includes(overrideFile) ? items : [...items, overrideFile]));
  return setTraffic(withFile, environment, flowMap(traffic));
}

/** Take `overrideFile` out of compose.files; the traffic driver goes back to env (the default). */
export function withoutGateway(text: string, environment: string, overrideFile: string): string {
  return deleteTraffic(
    editFiles(text, environment, (items) => items.filter((i) => i !== overrideFile)),
    environment,
  );
}

function editFiles(text: string, environment: string, change: (items: string[]) => string[]): string {
  const doc = parseDocument(text);
  const files = doc.getIn(['environments', environment, 'compose', 'files'], true) as Node | undefined;
  if (!isSeq(files) || !files.range) throw unexpected(environment, 'compose.files');
  const items = files.items.map((i) => (isScalar(i) ? String(i.value) : ''));
  const next = change(items);
  if (next.length === items.length && next.every((v, i) => v === items[i])) return text;
  if (files.flow) {
    // Each kept item keeps its own source text (quotes and all).
    const source = (v: string) => {
      const at = items.indexOf(v);
      const node = files.items[at] as Node | undefined;
      return at >= 0 && node?.range ? text.slice(node.range[0], node.range[1]) : scalar(v);
    };
    return splice(text, files.range[0], files.range[1], `[${next.map(source).join(', ')}]`);
  }
  const lines = files.items.map((i) => lineOf(text, (i as Node).range![0]));
  if (next.length > items.length) {
    const last = lines[lines.length - 1]!;
    const prefix = /^\s*-\s*/.exec(text.slice(last.start, last.end))![0];
    return splice(text, last.end, last.end, `\n${prefix}${scalar(next[next.length - 1]!)}`);
  }
  const gone = items.findIndex((v) => !next.includes(v));
  const line = lines[gone]!;
  return splice(text, line.start, Math.min(line.end + 1, text.length), '');
}

function setTraffic(text: string, environment: string, value: string): string {
  const doc = parseDocument(text);
  const env = doc.getIn(['environments', environment], true) as Node | undefined;
  if (!isMap(env) || env.flow) throw unexpected(environment, '');
  const pair = env.items.find((p) => isScalar(p.key) && p.key.value === 'traffic') as Pair<Node, Node> | undefined;
  if (pair?.value?.range) {
    const end = lineOf(text, pair.value.range[1] - 1).end;
    const comment = /\s+#.*$/.exec(text.slice(pair.value.range[1], end))?.[0] ?? '';
    return splice(text, pair.value.range[0], end, `${value}${comment}`);
  }
  const first = env.items[0]?.key as Node | undefined;
  const last = env.items[env.items.length - 1];
  if (!first?.range || !last) throw unexpected(environment, '');
  const indent = text.slice(lineOf(text, first.range[0]).start, first.range[0]);
  const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range!)[1];
  const end = lineOf(text, Math.max(lastEnd - 1, 0)).end;
  return splice(text, end, end, `\n${indent}traffic: ${value}`);
}

function deleteTraffic(text: string, environment: string): string {
  const doc = parseDocument(text);
  const env = doc.getIn(['environments', environment], true) as Node | undefined;
  const pair = isMap(env) ? (env.items.find((p) => isScalar(p.key) && p.key.value === 'traffic') as Pair<Node, Node> | undefined) : undefined;
  if (!pair?.key.range || !pair.value?.range) return text;
  const start = lineOf(text, pair.key.range[0]).start;
  const end = lineOf(text, pair.value.range[1] - 1).end;
  return splice(text, start, Math.min(end + 1, text.length), '');
}

function lineOf(text: string, offset: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  return { start, end: nl < 0 ? text.length : nl };
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** A plain scalar when YAML reads it back as the same string inside `{ … }` or `[ … ]`, else JSON-quoted. */
function scalar(value: string | boolean): string {
  if (typeof value === 'boolean') return String(value);
  return /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) && !/^[0-9.]+$/.test(value) ? value : JSON.stringify(value);
}

function flowMap(traffic: GatewayTraffic): string {
  const entries = Object.entries(traffic as unknown as Record<string, string | boolean | string[]>).map(
    ([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.map((x) => scalar(x)).join(', ')}]` : scalar(v)}`,
  );
  return `{ ${entries.join(', ')} }`;
}

function unexpected(environment: string, key: string): UsageError {
  return new UsageError(`migrate.yaml: environments.${environment}${key ? `.${key}` : ''} is not laid out as gateway setup can edit it (a block map, files as a list)`, {
    hint: 'edit it by hand as docs/traffic.md shows, or rewrite that part as a block map',
  });
}
