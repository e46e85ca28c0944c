import { changeDiff, REDACTED } from '../../src/audit/changes.ts';

describe('admin change diffs', () => {
  it('keep only the fields that changed', () => {
    expect(changeDiff({ name: 'a', email: 'x@example.com' }, { name: 'b', email: 'x@example.com' })).toEqual({ before: { name: 'a' }, after: { name: 'b' } });
  });

  it('never contain a secret, at any depth, but say that it changed', () => {
    const diff = changeDiff(
      { client_secret: 'old-secret', jwks: { keys: [{ kty: 'EC', d: 'private-part' }] }, passwordHash: '$argon2id$a' },
      { client_secret: 'new-secret', jwks: { keys: [{ kty: 'EC', d: 'private-part' }] }, passwordHash: '$argon2id$a' },
    );
    expect(diff).toEqual({ before: { client_secret: REDACTED }, after: { client_secret: REDACTED } });
    expect(JSON.stringify(changeDiff(undefined, { api_key: 'k', nested: { password: 'p', token: 't' } }))).not.toMatch(/"k"|"p"|"t"/);
  });

  it('show a creation as after only and a deletion as before only', () => {
    expect(changeDiff(undefined, { name: 'n' })).toEqual({ after: { name: 'n' } });
    expect(changeDiff({ name: 'n' }, undefined)).toEqual({ before: { name: 'n' } });
  });
});
