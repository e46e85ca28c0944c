import type Provider from 'oidc-provider';
import type { JWK } from 'jose';
// oidc-provider has no public way to change its keys while running; its own keystore setup,
// applied again, replaces the signing keys and the published JWKS in place.
import initializeKeystore from 'oidc-provider/lib/helpers/initialize_keystore.js';

/** Makes the provider sign with, and publish, these keys from the next request on. */
export function reloadKeys(provider: Provider, jwks: { keys: JWK[] }): void {
  (initializeKeystore as (this: Provider, jwks: unknown) => void).call(provider, structuredClone(jwks));
}
