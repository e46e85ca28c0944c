import { passwordProblem } from '../../src/accounts/password-policy.ts';

describe('password policy (NIST SP 800-63B §5.1.1.2)', () => {
  const alice = { email: 'alice.liddell@wonderland.example', name: 'Alice Liddell', service: 'Gatehouse' };

  it.each([
    'correct horse battery staple', 'Tr0ub4dor&3xyz', 'purple monkey dishwasher', 'a long passphrase with alice in it', '🦄🦄 unicorns everywhere',
  ])('accepts %j: long enough, not common, not built from the context; no composition rules', (password) => {
    expect(passwordProblem(password, alice)).toBeUndefined();
  });

  it.each([
    ['password1234', /too common/], ['Password2024!', /too common/], ['iloveyou1234', /too common/], ['qwerty123456', /too common/],
    ['aaaaaaaaaaaaaaa', /too common/], ['123456789012', /too common/], ['zyxwvutsrqpo', /too common/],
    ['alice liddell 1', /too close/], ['liddell2024xyz', /too close/], ['gatehouse12345', /too close/], ['AliceLiddell!!', /too close/],
    ['elevenchars', /at least 12/],
  ])('refuses %j with a reason', (password, reason) => {
    expect(passwordProblem(password, alice)).toMatch(reason);
  });
});
