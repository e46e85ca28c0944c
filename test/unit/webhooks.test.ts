import { retryDelay } from '../../src/webhooks/delivery-worker.ts';
import { newWebhookSecret, signedHeaders } from '../../src/webhooks/signature.ts';
import { patternsFor } from '../../src/webhooks/webhook.ts';

describe('webhook signatures (Standard Webhooks)', () => {
  it('match the specification\'s test vector', () => {
    const headers = signedHeaders('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', new Date(1614265330_000));
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('use fresh 32-byte secrets', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });
});

describe('webhook event patterns', () => {
  it('an action matches itself, each prefix with .*, and *', () => {
    expect(patternsFor('admin.client.create')).toEqual(['*', 'admin.client.create', 'admin.*', 'admin.client.*']);
    expect(patternsFor('sign_in')).toEqual(['*', 'sign_in']);
  });
});

describe('webhook retry delays', () => {
  it('double from the minimum, with jitter of half either way, never under the minimum nor over the cap', () => {
    expect([0, 1, 2, 3].map((n) => retryDelay(n, 5000, 3600_000, () => 0.5))).toEqual([5000, 10000, 20000, 40000]);
    expect([0, 1, 2].map((n) => retryDelay(n, 5000, 3600_000, () => 0))).toEqual([5000, 5000, 10000]);
    expect(retryDelay(1, 5000, 3600_000, () => 0.999)).toBe(14990);
    expect(retryDelay(40, 5000, 3600_000, () => 0)).toBe(1800_000);
    expect(retryDelay(40, 5000, 3600_000, () => 1)).toBe(3600_000);
  });
});
