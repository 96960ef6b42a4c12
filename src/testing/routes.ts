// Routing once a request is logged: connection-level faults first (a broken relay fails
// before it checks keys), then auth, status faults, and the endpoints themselves.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleChat } from './chat-route.js';
import type { Provider } from './provider.js';
import type { Decision } from './faults.js';
import { gone, pause, sendError, sendJson, sendText } from './http-io.js';
import { modelReply, modelsList } from './models-route.js';
import { errorInSuccess, htmlPage, invalidApiKey, invalidRequest, notFound, rateLimited, serverError } from './openai-errors.js';

export interface Exchange {
  path: string;
  body: unknown;
  decision: Decision;
  authorized: boolean;
  auth: string;
}

export async function respond(provider: Provider, req: IncomingMessage, res: ServerResponse, ex: Exchange): Promise<void> {
  const { hits, faults } = ex.decision;
  await pause(ex.decision.latencyMs, res);
  if (gone(res) || hits.has('hang')) return;
  if (hits.has('reset')) return void req.socket.destroy();
  if (hits.has('html')) {
    const status = options(faults.html).status ?? 200;
    return sendText(res, status, htmlPage(), 'text/html; charset=utf-8');
  }
  if (hits.has('rawReply')) return sendRaw(res, options(faults.rawReply));
  if (ex.path === '/health') return sendJson(res, 200, { status: 'ok', name: provider.name });
  if (!ex.path.startsWith('/v1/')) return sendText(res, 404, 'Not Found\n', 'text/plain');
  if (!ex.authorized) return sendError(res, invalidApiKey(ex.auth.replace(/^Bearer /, '')));
  if (hits.has('rateLimit')) {
    const limit = options(faults.rateLimit);
    const seconds = limit.retryAfterSeconds ?? 1;
    return sendError(res, rateLimited(Math.ceil(seconds), limit.retryAfterMs ?? seconds * 1000));
  }
  if (hits.has('error')) return sendError(res, serverError(options(faults.error).status ?? 503, options(faults.error).message));
  if (hits.has('errorBody')) return sendError(res, errorInSuccess());
  return route(provider, req, res, ex);
}

function sendRaw(res: ServerResponse, raw: { status?: number; body?: string; bodyBase64?: string; contentType?: string }): void {
  const bytes = raw.bodyBase64 !== undefined ? Buffer.from(raw.bodyBase64, 'base64') : Buffer.from(raw.body ?? '');
  res.writeHead(raw.status ?? 200, { 'content-type': raw.contentType ?? 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

/** A fault's parameters; `true` means all defaults. */
function options<T extends object>(spec: boolean | T | undefined): Partial<T> {
  return typeof spec === 'object' ? spec : {};
}

async function route(provider: Provider, req: IncomingMessage, res: ServerResponse, ex: Exchange): Promise<void> {
  if (req.method === 'GET' && ex.path === '/v1/models') return sendJson(res, 200, modelsList(provider.name, provider.models));
  if (req.method === 'GET' && ex.path.startsWith('/v1/models/')) {
    const reply = modelReply(provider.name, provider.models, decodeURIComponent(ex.path.slice('/v1/models/'.length)));
    return 'status' in reply ? sendError(res, reply) : sendJson(res, 200, reply);
  }
  if (req.method === 'POST' && ex.path === '/v1/chat/completions') {
    if (ex.body === undefined) return sendError(res, invalidRequest('We could not parse the JSON body of your request.'));
    const meta = { id: `chatcmpl-${provider.name}${provider.sequence}`, created: Math.floor(Date.now() / 1000), systemFingerprint: `fp_fake_${provider.name}` };
    return handleChat({ res, body: ex.body, models: provider.models, decision: ex.decision, meta });
  }
  sendError(res, notFound(ex.path));
}
