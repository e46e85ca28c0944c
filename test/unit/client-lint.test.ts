import { lintClient } from '../../src/clients/client-lint.ts';

const lint = (metadata: Record<string, unknown>) => lintClient({ client_id: 'c', ...metadata }).map((f) => [f.level, f.field, f.source]);

describe('RFC 9700 client lint', () => {
  it('passes a confidential web client with https redirects', () => {
    expect(lint({ redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code', 'refresh_token'] })).toEqual([]);
  });

  it.each([
    [{ grant_types: ['implicit'] }, ['error', 'grant_types', 'RFC 9700 §2.1.2']],
    [{ response_types: ['code token'] }, ['error', 'grant_types', 'RFC 9700 §2.1.2']],
    [{ grant_types: ['password'] }, ['error', 'grant_types', 'RFC 9700 §2.4']],
    [{ token_endpoint_auth_method: 'none', client_secret: 'x' }, ['error', 'client_secret', 'RFC 9700 §2.5']],
    [{ token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }, ['error', 'grant_types', 'RFC 6749 §4.4']],
    [{ redirect_uris: ['https://*.example/cb'] }, ['error', 'redirect_uris[0]', 'RFC 9700 §2.1, §4.1.3']],
    [{ application_type: 'native', redirect_uris: ['http://app.example/cb'] }, ['error', 'redirect_uris[0]', 'RFC 8252 §7.3, RFC 9700 §2.1']],
    [{ redirect_uris: ['http://app.example/cb'] }, ['warning', 'redirect_uris[0]', 'RFC 9700 §2.6']],
    [{ application_type: 'native', redirect_uris: ['http://localhost:8080/cb'] }, ['warning', 'redirect_uris[0]', 'RFC 8252 §8.3']],
  ])('flags %j', (metadata, finding) => {
    expect(lint(metadata)).toEqual([finding]);
  });

  it('accepts http on loopback addresses, for native apps too, and localhost for web apps in development', () => {
    expect(lint({ application_type: 'native', redirect_uris: ['http://127.0.0.1:4000/cb', 'http://[::1]:4000/cb'] })).toEqual([]);
    expect(lint({ redirect_uris: ['http://localhost:8080/callback'] })).toEqual([]);
  });
});
