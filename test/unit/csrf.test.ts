import { createCsrf } from '../../src/http/csrf.ts';

const SECRET = 'a-cookie-secret-of-at-least-32-characters';
const UID = 'interaction-1';

describe('CSRF tokens', () => {
  const csrf = createCsrf(SECRET);
  const token = csrf.tokenFor(UID);

  it('verify for their own interaction', () => {
    expect(csrf.verify(UID, token)).toBe(true);
    expect(createCsrf(SECRET).verify(UID, token)).toBe(true); // stateless: another instance, same secret
  });

  it('do not verify for another interaction', () => {
    expect(csrf.tokenFor('interaction-2')).not.toBe(token);
    expect(csrf.verify('interaction-2', token)).toBe(false);
  });

  it('do not verify under another secret', () => {
    expect(createCsrf('another-secret-of-at-least-32-characters').verify(UID, token)).toBe(false);
  });

  it.each([undefined, null, 42, [token], { token }])('reject a token that is not a string: %j', (given) => {
    expect(csrf.verify(UID, given)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['one character short', token.slice(0, -1)],
    ['one character long', `${token}A`],
    ['the right length, another value', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
  ])('reject a token that is %s', (_what, given) => {
    expect(csrf.verify(UID, given)).toBe(false);
  });
});
