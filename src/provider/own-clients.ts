import crypto from 'node:crypto';

/**
 * Gatehouse's own pages that need a signed-in person (the account pages, SAML SSO) send the
 * browser through an ordinary authorization request of a static first-party client, so they
 * share the one login → second factor pipeline, then read the session it leaves. Their codes are
 * never redeemed and expire unused.
 */
export const OWN_CLIENTS = {
  account: { id: 'gatehouse-account', name: 'Your account', callback: '/account/callback' },
  saml: { id: 'gatehouse-saml', name: 'SAML single sign-on', callback: '/saml/continue' },
  admin: { id: 'gatehouse-admin', name: 'Gatehouse admin', callback: '/admin/callback' },
  invitation: { id: 'gatehouse-invitations', name: 'Organization invitations', callback: '/invitations/callback' },
} as const;

export const ownClientMetadata = (issuer: string) => Object.values(OWN_CLIENTS).map((c) => ({
  client_id: c.id, client_name: c.name, token_endpoint_auth_method: 'none', redirect_uris: [`${issuer}${c.callback}`],
  grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
}));

/** The authorization URL that signs the browser in for one of these pages. */
export function ownAuthorizationUrl(issuer: string, client: keyof typeof OWN_CLIENTS, state: string, extra: Record<string, string> = {}): string {
  const { id, callback } = OWN_CLIENTS[client];
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: id, response_type: 'code', scope: 'openid', redirect_uri: `${issuer}${callback}`, state,
    // RFC 9700 §2.1.1: PKCE on every request, though this code is never redeemed
    code_challenge: crypto.createHash('sha256').update(crypto.randomBytes(32)).digest('base64url'), code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url.href;
}
