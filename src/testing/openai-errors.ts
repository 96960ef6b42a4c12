// Error bodies shaped like OpenAI's, so clients (and the official SDK) classify them the way
// they would classify the real thing.

export interface ErrorReply {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
  headers?: Record<string, string>;
}

function envelope(status: number, message: string, type: string, code: string | null, param: string | null = null): ErrorReply {
  return { status, body: { error: { message, type, param, code } } };
}

export function invalidApiKey(redactedKey: string): ErrorReply {
  const shown = redactedKey ? `: ${redactedKey}` : '';
  return envelope(401, `Incorrect API key provided${shown}. Check the key and the base URL.`, 'invalid_request_error', 'invalid_api_key');
}

export function modelNotFound(model: string): ErrorReply {
  return envelope(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
}

export function unsupportedParameter(param: string, instead: string): ErrorReply {
  return envelope(400, `Unsupported parameter: '${param}' is not supported with this model. Use '${instead}' instead.`, 'invalid_request_error', 'unsupported_parameter', param);
}

export function invalidRequest(message: string, param: string | null = null): ErrorReply {
  return envelope(400, message, 'invalid_request_error', null, param);
}

export function notFound(path: string): ErrorReply {
  return envelope(404, `Invalid URL (${path})`, 'invalid_request_error', null);
}

export function rateLimited(retryAfterSeconds: number, retryAfterMs: number): ErrorReply {
  const reply = envelope(429, 'Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded');
  reply.headers = { 'retry-after': String(retryAfterSeconds), 'retry-after-ms': String(retryAfterMs) };
  return reply;
}

const SERVER_MESSAGES: Record<number, string> = {
  500: 'The server had an error while processing your request.',
  502: 'Bad gateway: the upstream provider did not answer.',
  503: 'The server is overloaded or not ready yet.',
  504: 'Gateway timeout: the upstream provider took too long.',
};

export function serverError(status: number, message?: string): ErrorReply {
  const text = message ?? SERVER_MESSAGES[status] ?? `Fake provider error ${status}.`;
  return envelope(status, text, status >= 500 ? 'server_error' : 'invalid_request_error', null);
}

/** What some relays send with status 200 when every upstream failed. */
export function errorInSuccess(): ErrorReply {
  return envelope(200, 'All upstream channels are unavailable (no available channel).', 'upstream_error', 'upstream_error');
}

/** A web server's page: what a base URL without /v1 (or pointing at a website) returns. */
export function htmlPage(): string {
  return '<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n<body><h1>It works!</h1><p>This is a web page, not an API.</p></body></html>\n';
}
