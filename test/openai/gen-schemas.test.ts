import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/project.js';

const dir = tempProject('gen-schemas-');

// A miniature OpenAPI document holding the four roots the script needs, plus noise it must drop.
const doc = `openapi: 3.1.0
info: { title: OpenAI API, version: 9.9.9 }
components:
  schemas:
    CreateChatCompletionResponse:
      type: object
      description: drop me
      x-oaiMeta: { name: drop }
      required: [id]
      properties:
        id: { type: string, description: drop }
        usage: { $ref: "#/components/schemas/CompletionUsage" }
    CreateChatCompletionStreamResponse: { type: object }
    ErrorResponse: { type: object }
    ListModelsResponse: { type: object }
    CompletionUsage: { type: object, required: [total_tokens] }
    Unrelated: { type: string }
`;

describe('scripts/gen-openai-schemas.js', () => {
  it('keeps the roots and their $ref closure, strips docs, names the source', () => {
    writeFileSync(path.join(dir, 'openapi.yaml'), doc);
    const out = path.join(dir, 'schemas.ts');
    execFileSync(process.execPath, ['scripts/gen-openai-schemas.js', path.join(dir, 'openapi.yaml'), '--commit', 'abc123', '--out', out], { stdio: 'pipe' });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('"commit": "abc123"');
    expect(text).toContain('"apiVersion": "9.9.9"');
    expect(text).toContain('"CompletionUsage"');
    expect(text).not.toContain('Unrelated');
    expect(text).not.toContain('drop');
  });
});
