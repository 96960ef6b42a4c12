import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// migrate's own directory, found from wherever this code runs: dist/core/… (tsc), dist/chunks/ or
// dist/commands/<name>/ (the bundle). Not by a fixed relative path, which is right for one layout
// only; not by the nearest package.json either: dist/ and dist/chunks/ hold a nameless one that only
// sets the module type (scripts/build.js).

let root: string | undefined;

export function packageRoot(): string {
  return (root ??= find(path.dirname(fileURLToPath(import.meta.url))));
}

/** The package's own package.json. */
export function packageJson(): { name?: string; version?: string; engines?: { node?: string } } {
  return JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as ReturnType<typeof packageJson>;
}

function find(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && named(file)) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

function named(file: string): boolean {
  try {
    return typeof (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'string';
  } catch {
    return false;
  }
}
