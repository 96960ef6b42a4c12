#!/usr/bin/env node
// Writes schema/migrate.schema.json from the zod schema. Run after `npm run build`:
//   node scripts/gen-schema.js
// test/config/json-schema.test.ts fails when the shipped file is out of step.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildJsonSchema } from '../dist/core/config/json-schema.js';

const target = fileURLToPath(new URL('../schema/migrate.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
process.stderr.write(`wrote ${target}\n`);
