// `npm run lint`. typescript-eslint's type-checked rules, with the project's tsconfig (the test
// one, which covers src/ and test/): floating promises and unsafe `any` flows are what hurt a CLI that must
// finish a rollback, and only type information finds them. Import cycles are checked by
// `npm run lint:cycles` (dpdm), not here: eslint-plugin-import-x's no-cycle always skips
// `import type`, and a type-only cycle still ties two layers together; dpdm counts it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'fixtures/', 'schema/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // One program for src and test (tsconfig.test.json covers both): faster than a project per file.
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // tsc's noUnusedLocals/noUnusedParameters already fail the build (and allow a value used only as a type).
      '@typescript-eslint/no-unused-vars': 'off',
      // A promise nobody awaits loses its error and can outlive the command: the bug class that matters most here.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // ANSI escapes and XML's forbidden control characters are matched on purpose (ansi.ts, junit.ts).
      'no-control-regex': 'off',
      // `'healthy' | 'unhealthy' | string` documents the values we act on; the union is wider by intent.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // Async for the interface it implements (a gate source's read/close), not because it awaits.
      '@typescript-eslint/require-await': 'off',
      // AbortSignal.reason is typed `any` (an Error in practice): passing it on is how an abort
      // propagates. Literal non-Errors are still refused. (The other type-checked rules are
      // errors, as recommendedTypeChecked sets them: `any` from JSON.parse gets a cast to the shape
      // read, or zod where the input is the user's; callbacks passed on unbound, such as `at` and
      // `log.warn`, are declared as function properties, not methods.)
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
    },
  },
  {
    // No barrels: a module imports the file that defines a name, so what a file depends on is
    // what it names (dpdm's cycles and the bundle's chunks follow real uses, not an index that
    // pulls a whole directory in). docs/architecture.md, Conventions.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'no barrels in src/: import the file that defines the name instead of re-exporting it' },
        { selector: 'ExportNamedDeclaration[source]', message: 'no barrels in src/: import the file that defines the name instead of re-exporting it' },
      ],
    },
  },
  {
    // The rollback is what runs at 3 a.m.: its steps take typed values (Prepared), so a `!` there is a missing field, not a shortcut.
    files: ['src/core/rollback/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    // The edge: main.ts builds the Context (env, prompter, signals) and is, with cli.ts, the one
    // place that ends the process. Everything else gets the environment from ctx.processEnv and asks
    // ctx.signals.exitNow(), so commands run in-process in tests with an injected environment.
    // src/testing is the fake provider's own small CLI, not part of migrate's.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/cli.ts', 'src/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read the environment from the Context (ctx.processEnv), passed down; only src/main.ts reads process.env' },
        { object: 'process', property: 'exit', message: 'throw a MigrateError (or call ctx.signals.exitNow()); src/main.ts and src/cli.ts are the one exit' },
      ],
    },
  },
  {
    // Schemas built with zod's own z would be classic zod's (the whole library bundled) or compile a
    // parser each at start-up (src/core/zod.ts says why).
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/zod.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['zod', 'zod/mini', 'zod/v4', 'zod/v4/mini'].map((name) => ({
            name,
            message: "import * as z from src/core/zod.ts (zod/mini, jitless: faster start-up); 'import type' is fine",
            allowTypeImports: true,
          })),
        },
      ],
    },
  },
  {
    // Tests parse the CLI's JSON documents (`any`) to assert on them, and pass methods to expect().
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Test servers take async request handlers; a throw there fails the request the test asserts on.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // Plain JS (scripts, benchmarks, the CommonJS launcher): no type information to check against.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Node's globals; tsc does not see these files, so no-undef is the only check that a name exists.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'URLSearchParams',
          'Buffer',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'performance',
          'fetch',
          'AbortController',
          'AbortSignal',
          'structuredClone',
          'TextEncoder',
          'TextDecoder',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The launcher is CommonJS (bin/package.json) to keep `--version` fast.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
