#!/usr/bin/env node
// The one build (`npm run build`, and `prepare` from a clone). Two outputs in dist/:
//
// 1. tsc emits every module (dist/core/…, dist/testing/…): the typecheck, and the modules the
//    tests, benchmarks and scripts import one by one.
// 2. esbuild then bundles what the `migrate` command runs, over tsc's copies of the same paths:
//    dist/cli.js, dist/main.js and one entry per command, with the dependencies inlined and the
//    code they share split into dist/chunks/. Start-up was mostly module loading (about 450 files
//    opened, 380 ms for `rollback --dry-run`); a few chunks load in a fraction of that, and
//    `--version` loads only cli.js and commander's chunk. esbuild because it is one binary
//    shipped in the npm registry package, builds in well under a second, and splits ESM output
//    into shared chunks (a single-file bundle made `--version` slower: everything parsed at once).
//
// A production install from a clone (`npm ci --omit=dev`) has neither tool: this script then
// says so and exits 0, and the supported way is the packed package (README, Install).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const quietIfMissing = process.argv.includes('--if-tools');

function resolveTool(name) {
  try {
    return require.resolve(name);
  } catch {
    return undefined;
  }
}

const tsc = resolveTool('typescript/bin/tsc');
const esbuildPath = resolveTool('esbuild');
if (!tsc || !esbuildPath) {
  const message = 'migrate: build tools (typescript, esbuild) are not installed, dist/ not built';
  if (quietIfMissing) {
    console.error(`${message}; for a production install use the packed package (README, Install)`);
    process.exit(0);
  }
  console.error(`${message}: run \`npm ci\` (with dev dependencies) first`);
  process.exit(2);
}

// Chunk names carry content hashes: without a clean dist/ old chunks would pile up and be packed.
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const typed = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (typed.status !== 0) process.exit(typed.status ?? 1);

// zod re-exports its 40-odd message locales as `z.locales`; migrate uses none but English (which
// zod's classic entry sets itself), and parsing the rest cost about a tenth of `migrate config`.
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`)
        ? { path: path.join(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

// undici's index loads all of it (fetch, WebSocket, caches, mocks) to export three things migrate
// uses: Agent, EnvHttpProxyAgent and buildConnector. Importing those files alone takes a third of
// the time to a command's first request. Only imports from migrate's own code are redirected.
const UNDICI_PARTS = { Agent: 'lib/dispatcher/agent.js', EnvHttpProxyAgent: 'lib/dispatcher/env-http-proxy-agent.js', buildConnector: 'lib/core/connect.js' };
const undiciParts = {
  name: 'undici-parts',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => (args.importer.includes(`${path.sep}src${path.sep}`) ? { path: 'undici', namespace: 'undici-parts' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'undici-parts' }, () => ({
      contents: Object.entries(UNDICI_PARTS)
        .map(([name, file]) => `export { default as ${name} } from ${JSON.stringify(require.resolve(`undici/${file}`, { paths: [root] }))};`)
        .join('\n'),
      resolveDir: root,
    }));
  },
};

// commander requires node:child_process at load, for executable subcommands migrate never has;
// loading it (with net, dgram and their streams) cost every command a few ms of start-up. It is
// required on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`) ? { path: 'node:child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

// The banner gives CommonJS code a `require`; only the files that use one keep it. In the others it
// cost a `node:module` import and a createRequire per file (about 50 on a command's path). Its line
// stays, empty, so the source maps' lines still match.
const BANNER = "import { createRequire as __migrateRequire } from 'node:module'; const require = __migrateRequire(import.meta.url);";
function dropUnusedBanners(outputs) {
  for (const file of Object.keys(outputs).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const rest = text.slice(BANNER.length);
    if (text.startsWith(BANNER) && !/\brequire\b/.test(rest)) writeFileSync(path.join(root, file), rest);
  }
}

// Each of the fifteen commands is an entry, and every lazy import() one more: esbuild splits the
// shared code by which entries reach it, into some 50 files on a command's path, and loading a file
// costs Node more than its size (resolve, read, link). Rollback, run in incidents, also gets a build
// of its own (dist/rollback-cli.js: the CLI with only rollback's code) where the same code is about
// 15 files: a dry run costs about 18 ms of CPU less. bin/migrate.js picks it by command-name.ts.
const OWN_BUILDS = ['rollback'];

/** In a command's own build, the CLI's other commands are never loaded (bin picks this build only for that command). */
const onlyCommand = (name) => ({
  name: 'only-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[\w-]+\/index\.js$/ }, (args) =>
      args.importer.endsWith(`${path.sep}src${path.sep}cli.ts`) && !args.path.startsWith(`./commands/${name}/`) ? { path: args.path, namespace: 'other-command' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'other-command' }, (args) => ({
      contents: `export async function run() { throw new Error(${JSON.stringify(`dist/${name}-cli.js cannot run ${args.path}: bin/migrate.js picks it only for ${name}`)}); }`,
      loader: 'js',
    }));
  },
});

/**
 * In a command's own build, main.ts and that command's module run every time the build runs: they
 * are imported statically there, so esbuild puts them in the entry file with what they share
 * instead of in chunks of their own (every file Node loads costs it more than its size). What the
 * command imports lazily stays in chunks. cli.ts is unchanged; its import() calls become resolved
 * promises of the same modules, prefixed on its first line so the source map's lines still match.
 */
const staticCommand = (name) => ({
  name: 'static-command',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli\.ts$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const targets = ['./main.js', `./commands/${name}/index.js`];
      targets.forEach((target, i) => {
        const call = `import('${target}')`;
        if (!text.includes(call)) throw new Error(`scripts/build.js: src/cli.ts no longer has ${call}`);
        text = text.replaceAll(call, `Promise.resolve(__static${i})`);
      });
      return { contents: targets.map((t, i) => `import * as __static${i} from '${t}';`).join(' ') + ' ' + text, loader: 'ts' };
    });
  },
});

const common = {
  absWorkingDir: root,
  outbase: 'src',
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // commander, undici and dotenv are CommonJS; their `require('node:…')` needs a real require in ESM.
  banner: { js: BANNER },
  // Stack traces under --verbose point into src/ (main.ts turns source maps on there).
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  allowOverwrite: true,
  metafile: true,
};
const plugins = [englishOnlyZod, undiciParts, lazyChildProcess];

const commands = readdirSync(path.join(root, 'src/commands')).map((name) => `src/commands/${name}/index.ts`);
const { build } = await import('esbuild');
// Chunk names are content hashes, so the builds share dist/chunks/ without overwriting each other's files.
const results = await Promise.all([
  build({ ...common, entryPoints: ['src/cli.ts', 'src/main.ts', ...commands], plugins }),
  ...OWN_BUILDS.map((name) => build({ ...common, entryPoints: [{ in: 'src/cli.ts', out: `${name}-cli` }], plugins: [...plugins, onlyCommand(name), staticCommand(name)] })),
]);
for (const result of results) dropUnusedBanners(result.metafile.outputs);

// Node decides each imported .js file's format from the nearest package.json, walking up from the
// file's directory on every import (about 200 on a command's path). One beside the chunks (and one
// in dist/) ends the walk at its first step: about 1 % of a dry run's instructions.
for (const dir of ['dist', 'dist/chunks']) {
  mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, dir, 'package.json'), '{ "type": "module" }\n');
}
