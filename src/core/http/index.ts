// The probing client's public API (see types.ts for the contract).
export { ProbeClient, type ProbeClientOptions } from './client.js';
export { authHeaders } from './auth.js';
export { classifyResponse, AUTH_HINT, HTML_MESSAGE, type ResponseFacts, type Classified } from './classify.js';
export { errorDetails, type ErrorDetails } from './error-envelope.js';
export { shouldRetry, backoffDelay, retryAfterMs, retryDelay } from './retry.js';
export { SseParser, type SseFrame, type SseEnd } from './sse.js';
export { oneLine } from './scrub.js';
export { proxySettings } from './dispatcher.js';
export { DEFAULT_TIMEOUTS, DEFAULT_RETRY, DEFAULT_MAX_BODY_BYTES } from './defaults.js';
export type * from './types.js';
