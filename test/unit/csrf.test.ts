import { createCsrf } from '../../src/http/csrf.ts';

describe('CSRF tokens', () => {
  const csrf = createCsrf('a-cookie-secret-of-at-least-32-characters');

  it('verify for their own interaction only', () => {
    const token = csrf.tokenFor('interaction-1');
    expect(csrf.verify('interaction-1', token)).toBe(true);
    expect(csrf.verify('interaction-2', token)).toBe(false);
    expect(createCsrf('another-secret-of-at-least-32-characters').verify('interaction-1', token)).toBe(false);
  });

  it.each([undefined, 42, ['a'], '', 'short', 'x'.repeat(43)])('reject %j', (given) => {
    expect(csrf.verify('interaction-1', given)).toBe(false);
  });
});
