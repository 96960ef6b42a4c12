import { SSE_FRAMING } from '../http/stream-collector.js';
import type { Failure, ProbeResponse } from '../http/types.js';
import type { Answer } from '../openai/answer.js';
import { checkChatResponse } from '../openai/chat-response.js';
import { checkChatStream } from '../openai/chat-stream.js';
import { checkErrorEnvelope } from '../openai/error-envelope.js';
import type { ExpectContext } from '../openai/common-checks.js';
import { finding, type Finding } from '../openai/rules.js';
import { evaluate, type AssertionResult, type Observation } from './assertions.js';
import { includesUsage } from './request.js';
import type { CaseRun } from './suite.js';

/** What one provider did with one case. */
export interface SideResult {
  /** pass: every assertion held; fail: one did not; error: the provider could not answer. */
  status: 'pass' | 'fail' | 'error';
  latencyMs: number;
  ttftMs?: number;
  attempts: number;
  httpStatus?: number;
  answer?: Answer;
  assertions: AssertionResult[];
  findings: Finding[];
  /** Why the provider could not answer, one line (never a key). */
  error?: string;
}

/** A response checked for conformance, before assertions (which may need the other side). */
export interface Answered {
  observation?: Observation;
  side: SideResult;
}

// A stream that ended cleanly without [DONE] still carried a whole answer worth asserting on;
// after a broken chunk or an error event the client stopped reading, so the provider did not answer.
const ANSWERED_DESPITE = new Set(['stream_incomplete']);

// The body stopped arriving (connection closed, timed out, over the size cap): no answer, but not malformed JSON either.
const CUT_OFF = new Set<Failure['kind']>(['network', 'timeout', 'too_large']);

type Base = Omit<SideResult, 'status' | 'findings' | 'answer'>;

/** Conformance findings and the answer, from the probing client's response. */
export function readResponse(body: Record<string, unknown>, response: ProbeResponse): Answered {
  const read = readDecoded(body, response);
  if (!response.invalidUtf8) return read;
  const encoding = finding('response.encoding', `the ${response.events ? 'stream' : 'body'} holds bytes that are not UTF-8 (read as U+FFFD)`);
  return { ...read, side: { ...read.side, findings: [encoding, ...read.side.findings] } };
}

function readDecoded(body: Record<string, unknown>, response: ProbeResponse): Answered {
  const base: Base = { latencyMs: response.timings.totalMs, ttftMs: response.timings.ttftMs, attempts: response.attempts.length, httpStatus: response.status, assertions: [] };
  const expect = { requestedModel: String(body.model) };
  const failure = response.failure;
  if (response.events) {
    // The client stops reading at a broken chunk, an error event or a cut connection.
    const truncated = failure !== undefined && failure.kind !== 'stream_incomplete';
    const framing = streamFraming(response);
    const input = { events: response.events, contentType: response.headers['content-type'], includeUsage: includesUsage(body), truncated, ...(framing ? { framing } : {}) };
    const checked = checkChatStream(input, expect);
    if (failure && !ANSWERED_DESPITE.has(failure.kind)) return unanswered(base, checked.findings, failure.message);
    return answered(base, checked.findings, checked.answer);
  }
  if (response.status !== undefined && response.status >= 200 && response.status < 300) return readBody(body, response, base, expect);
  // An HTTP error must still be OpenAI's envelope; the failure quotes what was sent and, like check, says what to fix.
  // A body cut off (timeout, reset) says nothing about its shape.
  const judged = response.status !== undefined && !(failure && CUT_OFF.has(failure.kind));
  const envelope = judged ? checkErrorEnvelope(response.json, `HTTP ${response.status}: `) : [];
  const error = failure?.message ?? `HTTP ${response.status ?? 'no response'}`;
  return unanswered(base, envelope, failure?.hint ? `${error} (${failure.hint})` : error);
}

/** What the events cannot show: a line that is not an SSE field, or the connection closing before [DONE]. */
function streamFraming(response: ProbeResponse): string | undefined {
  const failure = response.failure;
  if (failure?.kind === 'bad_stream' && failure.code === SSE_FRAMING) return failure.message;
  if (failure?.kind === 'network' && !response.done) return `the stream was cut off after ${response.events?.length ?? 0} event(s), before data: [DONE]`;
  return undefined;
}

function readBody(body: Record<string, unknown>, response: ProbeResponse, base: Base, expect: ExpectContext): Answered {
  const failure = response.failure;
  // A 200 error body instead of a stream is reported as that, not also as bad framing.
  const framing =
    body.stream === true && failure?.kind !== 'error_body'
      ? [finding('stream.framing', `stream: true was asked and the reply was ${response.headers['content-type'] || 'not an event stream'}`)]
      : [];
  if (failure?.kind === 'html') return unanswered(base, [...framing, finding('response.html', failure.message)], failure.message);
  if (failure && CUT_OFF.has(failure.kind)) {
    const error = failure.kind === 'network' ? `the body was cut off: ${failure.message}` : failure.message;
    return unanswered(base, framing, error);
  }
  if (response.json === undefined) {
    const error = failure?.message ?? 'the body is not JSON';
    return unanswered(base, [...framing, finding('response.bad-json', error)], error);
  }
  const checked = checkChatResponse(response.json, expect);
  const findings = [...framing, ...checked.findings];
  if (failure?.kind === 'error_body') return unanswered(base, findings, failure.message);
  return answered(base, findings, checked.answer);
}

function answered(base: Base, findings: Finding[], answer: Answer): Answered {
  return { observation: { answer, latencyMs: base.latencyMs }, side: { ...base, status: 'pass', findings, answer } };
}

function unanswered(base: Base, findings: Finding[], error: string): Answered {
  return { side: { ...base, status: 'error', findings, error } };
}

/** Applies the case's assertions; comparisons use the legacy observation when given. */
export function assertSide(run: CaseRun, answered: Answered, legacy?: Observation): SideResult {
  const { side, observation } = answered;
  if (!observation) return side;
  const assertions = run.assertions.map((a) => evaluate(a, observation, legacy));
  return { ...side, assertions, status: assertions.some((a) => a.status === 'fail') ? 'fail' : 'pass' };
}
