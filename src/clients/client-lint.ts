import type { ClientMetadata } from './client-store.ts';

/** One finding of the RFC 9700 lint: errors refuse the client, warnings are reported. */
export interface Finding {
  level: 'error' | 'warning';
  field: string;
  message: string;
  /** Where the rule comes from, e.g. "RFC 9700 §2.4". */
  source: string;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

/**
 * Checks client metadata against the OAuth 2.0 Security BCP (RFC 9700) wherever a client is
 * created or changed: what the BCP forbids is an error, what it discourages a warning.
 */
export function lintClient(metadata: ClientMetadata): Finding[] {
  const findings: Finding[] = [];
  const error = (field: string, message: string, source: string) => findings.push({ level: 'error', field, message, source });
  const warn = (field: string, message: string, source: string) => findings.push({ level: 'warning', field, message, source });
  const grants = strings(metadata.grant_types);
  const responses = strings(metadata.response_types);
  const native = metadata.application_type === 'native';

  if (grants.includes('implicit') || responses.some((r) => r.split(' ').includes('token'))) {
    error('grant_types', 'the implicit grant returns access tokens in the front channel; use the authorization code grant', 'RFC 9700 §2.1.2');
  }
  if (grants.includes('password')) {
    error('grant_types', 'the resource owner password credentials grant must not be used', 'RFC 9700 §2.4');
  }
  if (metadata.token_endpoint_auth_method === 'none' && grants.includes('client_credentials')) {
    error('grant_types', 'client_credentials is for confidential clients only; a public client cannot use it', 'RFC 6749 §4.4');
  }
  if (metadata.token_endpoint_auth_method === 'none' && metadata.client_secret !== undefined) {
    error('client_secret', 'a public client (token_endpoint_auth_method none) cannot hold a client secret', 'RFC 9700 §2.5');
  }
  if (metadata.fapi_profile === '2.0') {
    // FAPI 2.0 Security Profile §5.3.2: PAR, sender-constrained tokens, asymmetric client authentication
    if (metadata.token_endpoint_auth_method !== 'private_key_jwt') error('token_endpoint_auth_method', 'FAPI 2.0 clients authenticate with private_key_jwt', 'FAPI 2.0 §5.3.2.1');
    if (metadata.require_pushed_authorization_requests !== true) error('require_pushed_authorization_requests', 'FAPI 2.0 clients must push their authorization requests', 'FAPI 2.0 §5.3.2.2');
    if (metadata.dpop_bound_access_tokens !== true) error('dpop_bound_access_tokens', 'FAPI 2.0 clients must use sender-constrained (DPoP) tokens', 'FAPI 2.0 §5.3.2.1');
  }
  for (const [i, uri] of strings(metadata.redirect_uris).entries()) {
    const field = `redirect_uris[${i}]`;
    if (uri.includes('*')) error(field, 'wildcards are not allowed: redirect URIs are matched exactly', 'RFC 9700 §2.1, §4.1.3');
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      continue; // the authorization server's own validation names malformed URIs
    }
    if (url.protocol !== 'http:' || LOOPBACK.has(url.hostname)) continue;
    if (url.hostname === 'localhost') {
      if (native) warn(field, 'native apps should use 127.0.0.1 rather than localhost for loopback redirects', 'RFC 8252 §8.3');
    } else if (native) {
      error(field, 'native apps may use http only on a loopback address (127.0.0.1 or [::1])', 'RFC 8252 §7.3, RFC 9700 §2.1');
    } else {
      warn(field, 'redirect URIs should use https, so codes never travel in clear text', 'RFC 9700 §2.6');
    }
  }
  return findings;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** "redirect_uris[0]: … (RFC 9700 §2.1)". */
export const describeFinding = (f: Finding) => `${f.field}: ${f.message} (${f.source})`;
