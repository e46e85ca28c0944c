/**
 * The account pages sign people in through Gatehouse's own authorization endpoint, as a public
 * first-party client (no consent screen). Static: it lives in configuration, not in the database.
 */
export const ACCOUNT_CLIENT_ID = 'gatehouse-account';

export const accountClient = (issuer: string) => ({
  client_id: ACCOUNT_CLIENT_ID,
  client_name: 'Your account',
  token_endpoint_auth_method: 'none',
  redirect_uris: [`${issuer}/account/callback`],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  first_party: true,
});
