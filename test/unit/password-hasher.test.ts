import argon2 from 'argon2';
import { isArgon2idHash, PasswordHasher } from '../../src/accounts/password-hasher.ts';
import { passwordProblem } from '../../src/accounts/password-policy.ts';

describe('password hashing', () => {
  const hasher = new PasswordHasher(8, 1);

  it('hashes with argon2id at OWASP parameters', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(isArgon2idHash(hash)).toBe(true);
    expect(hash.split('$')[3]!.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
  });

  it('verifies the right password only, and never one without a hash', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(hash, 'correct horse battery staple')).toEqual({ ok: true, rehash: false });
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toEqual({ ok: false, rehash: false });
    expect(await hasher.verify(null, 'correct horse battery staple')).toEqual({ ok: false, rehash: false });
  });

  it('asks for a rehash of a hash made with weaker parameters', async () => {
    const weak = await argon2.hash('old passphrase here', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(await hasher.verify(weak, 'old passphrase here')).toEqual({ ok: true, rehash: true });
  });

  it.each([
    ['$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', true],
    ['$argon2id$v=19$m=19456,p=1,t=2$c2FsdHNhbHQ$aGFzaGhhc2g', true],
    ['$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', false],
    ['$argon2id$v=19$m=19456,t=2$c2FsdHNhbHQ$aGFzaGhhc2g', false],
    ['$2b$12$abcdefghijklmnopqrstuv', false],
  ])('recognises argon2id PHC strings: %s', (value, expected) => {
    expect(isArgon2idHash(value)).toBe(expected);
  });

  it('asks for at least 12 characters, counted as characters, with no composition rules', () => {
    expect(passwordProblem('elevenchars')).toBe('must be at least 12 characters');
    expect(passwordProblem('twelve chars')).toBeUndefined();
    expect(passwordProblem('😀'.repeat(11))).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(1025))).toBe('must be at most 1024 characters');
  });
});
