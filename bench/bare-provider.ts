// A bare oidc-provider for comparison: in-memory adapter, the same keys and token format as
// the bench's Gatehouse (ES256 RFC 9068 JWTs for one resource).
import fs from 'node:fs';
import Provider from 'oidc-provider';
import { providerJwks, parseKeys } from '../src/keys/signing-keys.ts';

const { PORT, KEYS_FILE, CLIENT_ID, CLIENT_SECRET } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;
const resource = `${issuer}/api`;
const provider = new Provider(issuer, {
  jwks: providerJwks(parseKeys(fs.readFileSync(KEYS_FILE!, 'utf8'), KEYS_FILE!)) as never,
  clients: [{ client_id: CLIENT_ID!, client_secret: CLIENT_SECRET!, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      getResourceServerInfo: async () => ({ scope: 'api', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.listen(Number(PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
