// Deterministic answers: the same messages always give the same reply, so legacy and target
// fakes agree and comparisons in tests are exact. A few phrases steer the reply, which
// suites can rely on:
//   reply with exactly "PONG"  -> PONG
//   ... 500 words ...          -> about 500 words (also "long", "essay", "详细")
import { hashText, seededRandom } from './random.js';
import type { ChatMessage } from './chat-request.js';

const VOCABULARY = (
  'provider relay latency token stream answer request model route traffic stage gate ' +
  'backup node region health signal window sample budget careful steady simple clear ' +
  'quick quiet robust fair useful plain honest'
).split(' ');

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g;
const SHORT_WORDS = 12;
const LONG_WORDS = 300;
const MAX_WORDS = 8000;

export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return (content as ({ text?: unknown } | null)[]).map((part) => (typeof part?.text === 'string' ? part.text : '')).join(' ');
  }
  return '';
}

export function lastUserText(messages: ChatMessage[]): string {
  const user = [...messages].reverse().find((m) => m.role === 'user');
  return messageText(user?.content ?? messages[messages.length - 1]?.content);
}

export function allText(messages: ChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${messageText(m.content)}`).join('\n');
}

/** The reply's text, split into the pieces a stream would send (one word each). */
export function replyPieces(messages: ChatMessage[]): string[] {
  const prompt = lastUserText(messages);
  const exact = exactReply(prompt);
  if (exact !== undefined) return splitPieces(exact);
  const random = seededRandom(hashText(allText(messages)));
  const count = requestedWords(prompt) ?? SHORT_WORDS + Math.floor(random() * 8);
  const topic = prompt.trim().split(/\s+/).slice(0, 6).join(' ').slice(0, 60);
  const words = [`Fake answer about "${topic}":`];
  for (let i = 0; i < count; i++) {
    const word = VOCABULARY[Math.floor(random() * VOCABULARY.length)]!;
    words.push(i % 12 === 11 || i === count - 1 ? `${word}.` : word);
  }
  return splitPieces(words.join(' '));
}

function exactReply(prompt: string): string | undefined {
  const quoted = /\b(?:reply|respond|answer) with(?: exactly| only)?(?: the word)?\s*:?\s*["“']([^"”']+)["”']/i.exec(prompt);
  if (quoted) return quoted[1];
  const colon = /\b(?:reply|respond|answer) with(?: exactly| only)?\s*:\s*(.+)$/im.exec(prompt);
  return colon ? colon[1]!.trim() : undefined;
}

function requestedWords(prompt: string): number | undefined {
  const asked = /(\d{2,5})\s*(?:words|字)/i.exec(prompt);
  if (asked) return Math.min(Number(asked[1]), MAX_WORDS);
  if (/\b(long|essay|detailed|in detail|story)\b|详细|长文/i.test(prompt)) return LONG_WORDS;
  return undefined;
}

function splitPieces(text: string): string[] {
  return text.split(/(?=\s)/).filter((piece) => piece !== '');
}

/** A rough tokenizer: a CJK character is a token, another word about one token per 6 characters. */
export function estimateTokens(text: string): number {
  const cjk = (text.match(CJK) ?? []).length;
  const words = text
    .replace(CJK, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  return cjk + words.reduce((sum, w) => sum + Math.ceil(w.length / 6), 0);
}

export function promptTokens(messages: ChatMessage[]): number {
  // Each message costs a few tokens of framing on real providers.
  return messages.reduce((sum, m) => sum + 4 + estimateTokens(messageText(m.content)), 3);
}
