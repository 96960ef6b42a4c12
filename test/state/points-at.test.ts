import { describe, expect, it } from 'vitest';
import { classifyEnvValues } from '../../src/core/state/points-at.js';

const providers = {
  legacy: { baseUrl: 'https://api.openai.com/v1' },
  target: { baseUrl: 'https://relay.example/v1/', nodes: [{ baseUrl: 'https://east.relay.example/v1' }] },
};

describe('classifyEnvValues', () => {
  it('matches base-URL keys against each provider, ignoring trailing slashes and case of the host', () => {
    expect(classifyEnvValues({ OPENAI_BASE_URL: 'https://api.openai.com/v1/' }, providers)).toBe('legacy');
    expect(classifyEnvValues({ OPENAI_BASE_URL: 'https://RELAY.example/v1' }, providers)).toBe('target');
    expect(classifyEnvValues({ OPENAI_API_BASE: 'https://relay.example:443/v1//' }, providers)).toBe('target');
    expect(classifyEnvValues({ LLM_ENDPOINT: 'https://east.relay.example/v1' }, providers)).toBe('target');
    expect(classifyEnvValues({ OPENAI_REVERSE_PROXY: 'https://api.openai.com/v1' }, providers)).toBe('legacy'); // LibreChat
  });

  it("reads a bare host or a URL without a path as its app does, which adds /v1 (big-AGI's OPENAI_API_HOST)", () => {
    expect(classifyEnvValues({ OPENAI_API_HOST: 'api.openai.com' }, providers)).toBe('legacy');
    expect(classifyEnvValues({ OPENAI_API_HOST: 'https://relay.example' }, providers)).toBe('target');
    expect(classifyEnvValues({ OPENAI_API_HOST: 'relay.example/v2' }, providers)).toBe('unknown');
    expect(classifyEnvValues({ OPENAI_API_HOST: ' ' }, providers)).toBe('unknown');
  });

  it('is unknown when nothing matches, when both match, or when the URL is under another key', () => {
    expect(classifyEnvValues({ OPENAI_BASE_URL: 'https://other.example/v1' }, providers)).toBe('unknown');
    expect(classifyEnvValues({}, providers)).toBe('unknown');
    expect(classifyEnvValues({ LEGACY_BASE_URL: 'https://api.openai.com/v1', TARGET_BASE_URL: 'https://relay.example/v1' }, providers)).toBe('unknown');
    expect(classifyEnvValues({ GREETING: 'https://api.openai.com/v1' }, providers)).toBe('unknown');
    expect(classifyEnvValues({ OPENAI_BASE_URL: 'https://api.openai.com/v2' }, providers)).toBe('unknown');
  });
});
