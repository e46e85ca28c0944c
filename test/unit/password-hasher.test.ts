import argon2 from 'argon2';
import { ARGON2_PARAMS, isArgon2idHash, PasswordHasher } from '../../src/accounts/password-hasher.ts';
import { passwordProblem } from '../../src/accounts/password-policy.ts';

const PASSWORD = 'correct horse battery staple';

/** The parameters of a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash), sorted. */
const phcParams = (hash: string) => hash.split('$')[3]!.split(',').sort();

describe('password hashing', () => {
  const hasher = new PasswordHasher(8, 1);
  let hash: string;
  beforeAll(async () => {
    hash = await hasher.hash(PASSWORD);
  });

  it('hashes with argon2id at the OWASP parameters, with a fresh salt each time', async () => {
    expect(isArgon2idHash(hash)).toBe(true);
    expect(hash.startsWith('$argon2id$v=19$')).toBe(true);
    expect(phcParams(hash)).toEqual(['m=19456', 'p=1', 't=2']);
    expect(await hasher.hash(PASSWORD)).not.toBe(hash);
  });

  it('verifies the right password, without asking for a rehash', async () => {
    expect(await hasher.verify(hash, PASSWORD)).toEqual({ ok: true, rehash: false });
  });

  it('refuses a wrong password', async () => {
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toEqual({ ok: false, rehash: false });
    expect(await hasher.verify(hash, '')).toEqual({ ok: false, rehash: false });
  });

  it.each([null, undefined])('refuses any password for an account without a hash (%s), after a dummy verification', async (missing) => {
    expect(await hasher.verify(missing, PASSWORD)).toEqual({ ok: false, rehash: false });
  });

  it('refuses, rather than throws, on a stored value that is not a hash', async () => {
    expect(await hasher.verify('not-a-hash', PASSWORD)).toEqual({ ok: false, rehash: false });
  });

  it('asks for a rehash of a hash made with weaker parameters', async () => {
    const weak = await argon2.hash(PASSWORD, { ...ARGON2_PARAMS, timeCost: 1 });
    expect(phcParams(weak)).toContain('t=1');
    expect(await hasher.verify(weak, PASSWORD)).toEqual({ ok: true, rehash: true });
    expect(await hasher.verify(weak, 'wrong password here')).toEqual({ ok: false, rehash: false });
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

  // Kept here until password-policy has a test file of its own.
  it('asks for at least 12 characters, counted as characters, with no composition rules', () => {
    expect(passwordProblem('elevenchars')).toBe('must be at least 12 characters');
    expect(passwordProblem('twelve chars')).toBeUndefined();
    expect(passwordProblem('😀'.repeat(11))).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(1025))).toBe('must be at most 1024 characters');
  });
});
