import { config, globalRegistry, type ZodMiniType } from 'zod/mini';
import type * as core from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

// zod/mini, not zod's classic API: classic attaches dozens of methods to every schema it builds
// and its bundle carries all of zod, where mini's schemas are plain and its functions
// tree-shake. Start-up builds every config schema before it parses a file. Modules import this
// one as a namespace (`import * as z`) and only call its functions, so the bundle keeps just
// the functions called.
// eslint-disable-next-line no-restricted-syntax -- zod configured, not a barrel of our files
export * from 'zod/mini';

// jitless: zod turns each object schema into a parser specialised by `new Function` on its first
// parse: that pays in a server parsing thousands of values, but a command parses its config and
// state files once each, and the compiling cost more than the parsing (about 10 ms of start-up).
// The results are the same without it. zod reads the setting when a schema is built, so every
// module that builds schemas imports z from here, never from 'zod' (eslint enforces it).
// English messages: classic zod sets them itself, mini leaves every message at "Invalid input".
config({ jitless: true, ...en() });

/**
 * Classic zod's `ctx.addIssue` in a transform (mini passes the bare payload): the issue as
 * written, at the transform's input; zod adds the path prefix and drops `input` when it reports.
 */
export function addIssue(ctx: core.ParsePayload, issue: { code: string; message: string; path?: PropertyKey[] }): void {
  ctx.issues.push({ ...issue, input: ctx.value } as core.$ZodRawIssue);
}

/** A copy of `schema` carrying a description for the JSON Schema: classic zod's `.meta({ description })`. */
export function described<S extends ZodMiniType>(schema: S, description: string): S {
  const copy = schema.clone();
  globalRegistry.add(copy, { description });
  return copy;
}
