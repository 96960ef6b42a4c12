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
      // Warnings, not errors: each is a place to look at, not yet a bug (counts in the commit that added this file).
      // JSON.parse at the edges yields `any`; zod or a type guard there is the fix, file by file.
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      // Deps objects of plain functions (RollbackDeps, Runner) are passed around unbound by design.
      '@typescript-eslint/unbound-method': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      '@typescript-eslint/restrict-template-expressions': 'warn',
      // Rejections pass AbortSignal.reason on, which is an Error in practice but typed `any`.
      '@typescript-eslint/prefer-promise-reject-errors': 'warn',
      '@typescript-eslint/only-throw-error': 'warn',
      '@typescript-eslint/await-thenable': 'warn',
      '@typescript-eslint/no-unsafe-function-type': 'warn',
      'preserve-caught-error': 'warn',
      'no-useless-assignment': 'warn',
    },
  },
  {
    // Schemas built with zod's own z would compile a parser each at start-up (src/core/zod.ts says why).
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/zod.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'zod', message: "import { z } from src/core/zod.ts (jitless: faster start-up); 'import type' is fine", allowTypeImports: true }] },
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
