import { packageJson } from '../package-root.js';
import { type DoctorCheck, failed, passed } from './types.js';

/** package.json's engines.node, the versions migrate is tested on. */
export function supportedNode(): string {
  return packageJson().engines?.node ?? '*';
}

export function nodeCheck(version: string = process.versions.node, range: string = supportedNode()): DoctorCheck {
  if (satisfies(version, range)) return passed('node', `Node ${version} (supported: ${range})`);
  return failed('node', `Node ${version} is not a supported version (${range})`, `install a supported Node (e.g. \`nvm install 22\`), then run migrate with it`);
}

/** The range forms engines fields use: `^X[.Y[.Z]]`, `>=X[.Y[.Z]]` and `*`, joined by `||`. */
export function satisfies(version: string, range: string): boolean {
  const have = numbers(version);
  return range.split('||').some((part) => {
    const want = part.trim();
    if (want === '*' || want === '') return true;
    const m = /^(\^|>=)\s*v?(\d+(?:\.\d+){0,2})$/.exec(want);
    if (!m) return false;
    const min = numbers(m[2]!);
    if (compare(have, min) < 0) return false;
    return m[1] === '>=' || have[0] === min[0];
  });
}

function numbers(version: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = version.replace(/^v/, '').split(/[.-]/).map(Number);
  return [a, b, c];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
