// The error shapes providers and relays really send, reduced to a message and a code.

export interface ErrorDetails {
  message?: string;
  code?: string;
}

/**
 * Reads `{"error":{"message","type","code","param"}}` (OpenAI), `{"error":"text"}`,
 * `{"message":...,"code":...}`, `{"detail":...}` (FastAPI) and numeric codes such as 401.
 * Returns undefined when the value carries no error at all.
 */
export function errorDetails(body: unknown): ErrorDetails | undefined {
  if (!isObject(body)) return undefined;
  if ('error' in body && body.error !== undefined && body.error !== null && body.error !== false) {
    const inner = body.error;
    if (typeof inner === 'string') return { message: inner, code: codeOf(body.code) };
    if (isObject(inner)) {
      return {
        message: textOf(inner.message) ?? textOf(inner.detail) ?? textOf(inner.msg),
        code: codeOf(inner.code) ?? codeOf(inner.type) ?? codeOf(body.code),
      };
    }
    return { message: textOf(inner) };
  }
  if ('detail' in body) return { message: textOf(body.detail), code: codeOf(body.code) };
  if (typeof body.message === 'string' && !('choices' in body) && !('data' in body)) {
    return { message: body.message, code: codeOf(body.code) ?? codeOf(body.type) };
  }
  return undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    // FastAPI validation errors: [{loc, msg, type}, ...]
    const parts = value.map((v) => (isObject(v) ? (textOf(v.msg) ?? textOf(v.message)) : textOf(v))).filter(Boolean);
    return parts.length ? parts.join('; ') : undefined;
  }
  if (isObject(value)) return textOf(value.message) ?? textOf(value.msg) ?? JSON.stringify(value);
  // What is left of a JSON value: a number or true (an object was handled above).
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function codeOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
