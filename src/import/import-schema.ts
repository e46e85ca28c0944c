import { z } from 'zod';
import { isArgon2idHash } from '../accounts/password-hasher.ts';
import { organizationEntry } from '../organizations/import-organizations.ts';
import { ATTRIBUTE_SOURCES, NAME_ID_FORMATS, type NameIdFormat } from '../saml/service-provider.ts';

// Client metadata names Gatehouse accepts: RFC 7591, OpenID Connect Dynamic Client Registration
// 1.0 §2, RP-initiated logout, and Gatehouse's own first_party.
const CLIENT_METADATA = new Set([
  'client_id', 'client_secret', 'client_name', 'client_uri', 'logo_uri', 'policy_uri', 'tos_uri', 'contacts',
  'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types', 'scope',
  'token_endpoint_auth_method', 'token_endpoint_auth_signing_alg', 'jwks', 'jwks_uri', 'application_type',
  'subject_type', 'sector_identifier_uri', 'id_token_signed_response_alg', 'userinfo_signed_response_alg',
  'introspection_signed_response_alg', 'default_max_age', 'require_auth_time', 'default_acr_values',
  'initiate_login_uri', 'software_id', 'software_version', 'first_party',
  'backchannel_logout_uri', 'backchannel_logout_session_required', 'require_pushed_authorization_requests',
  'dpop_bound_access_tokens', 'fapi_profile', 'require_signed_request_object', 'request_object_signing_alg', 'authorization_signed_response_alg',
]);

/** Refuses names that are not client metadata Gatehouse knows. */
export const knownClientMetadata = (value: object, ctx: z.RefinementCtx) => {
  for (const key of Object.keys(value)) {
    if (!CLIENT_METADATA.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'is not a client metadata name Gatehouse knows' });
  }
};

/** Client metadata: RFC 7591 names Gatehouse knows (oidc-provider checks the values). */
export const clientMetadataSchema = z.looseObject({ client_id: z.string().min(1, 'must not be empty').max(255) }).superRefine(knownClientMetadata);

const user = z.strictObject({
  email: z.email('must be an email address'),
  password: z.string().optional(),
  password_hash: z.string().refine(isArgon2idHash, 'must be an argon2id PHC string ($argon2id$v=19$…)').optional(),
  email_verified: z.boolean().optional(),
  name: z.string().min(1).max(200).optional(),
  roles: z.array(z.string().min(1).max(100)).optional(),
  disabled: z.boolean().optional(),
}).refine((u) => !(u.password !== undefined && u.password_hash !== undefined), {
  message: 'give password or password_hash, not both',
});

/** A downstream SAML SP's fields: its metadata (inline, a file beside the import file, or a URL) and settings. */
export const samlSpFields = {
  metadata: z.string().min(1).optional(),
  metadata_file: z.string().min(1).optional(),
  metadata_url: z.url({ protocol: /^https?$/ }).optional(),
  attributes: z.partialRecord(z.enum(ATTRIBUTE_SOURCES), z.string().min(1).max(256)).optional(),
  name_id_format: z.enum(Object.keys(NAME_ID_FORMATS) as [NameIdFormat, ...NameIdFormat[]]).optional(),
  sign_response: z.boolean().optional(),
  sign_assertion: z.boolean().optional(),
  encrypt_assertion: z.boolean().optional(),
  idp_initiated: z.boolean().optional(),
};

export const samlServiceProvider = z.strictObject(samlSpFields).refine((sp) => [sp.metadata, sp.metadata_file, sp.metadata_url].filter((m) => m !== undefined).length === 1, {
  message: 'give exactly one of metadata, metadata_file or metadata_url',
});

const domain = z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain name like corp.example.com');
/** What every upstream IdP entry has: its id in URLs, its label, and how its people become accounts. */
export const upstreamCommon = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (it appears in URLs)'),
  display_name: z.string().min(1).max(80),
  domains: z.array(domain).optional(),
  trusted_domains: z.array(domain).optional(),
  provision: z.boolean().optional(),
  claims: z.partialRecord(z.enum(['email', 'name', 'given_name', 'family_name']), z.string().min(1).max(256)).optional(),
  roles: z.strictObject({ from: z.string().min(1), map: z.record(z.string().min(1), z.string().min(1).max(100)) }).optional(),
};

/** An upstream OpenID Provider people can sign in with. */
export const oidcIdentityProvider = z.strictObject({
  ...upstreamCommon,
  issuer: z.url({ protocol: /^https?$/ }),
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  scopes: z.string().min(1).optional(),
});

/** An upstream SAML IdP people can sign in with: its metadata (inline, file or URL). */
export const samlUpstreamFields = {
  ...upstreamCommon,
  metadata: z.string().min(1).optional(),
  metadata_file: z.string().min(1).optional(),
  metadata_url: z.url({ protocol: /^https?$/ }).optional(),
};

export const samlIdentityProvider = z.strictObject(samlUpstreamFields).refine((idp) => [idp.metadata, idp.metadata_file, idp.metadata_url].filter((m) => m !== undefined).length === 1, {
  message: 'give exactly one of metadata, metadata_file or metadata_url',
});

const permissionName = z.string().min(1).max(200).regex(/^\S+$/, 'must be one word (no spaces), like read:reports');
/** A permission: global (`read:reports`), or for one audience (a resource server identifier or a client_id). */
const rolePermission = z.union([
  permissionName,
  z.strictObject({ permission: permissionName, audience: z.string().min(1).max(1000).regex(/^\S+$/, 'must be a resource server identifier or a client_id (no spaces)') }),
], { error: 'must be a permission name, or { permission, audience }' });

/** A role and the permissions it grants. */
export const roleSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(500).optional(),
  permissions: z.array(rolePermission).default([]),
});

/** The import file (YAML or JSON); see README. */
export const importFileSchema = z.strictObject({
  clients: z.array(clientMetadataSchema).optional(),
  users: z.array(user).optional(),
  saml_service_providers: z.array(samlServiceProvider).optional(),
  roles: z.array(roleSchema).optional(),
  oidc_identity_providers: z.array(oidcIdentityProvider).optional(),
  saml_identity_providers: z.array(samlIdentityProvider).optional(),
  organizations: z.array(organizationEntry).optional(),
});

export type ImportFile = z.infer<typeof importFileSchema>;
export type ImportUser = NonNullable<ImportFile['users']>[number];
export type ImportSamlSp = z.infer<typeof samlServiceProvider>;
export type ImportOidcUpstream = z.infer<typeof oidcIdentityProvider>;
export type ImportSamlUpstream = z.infer<typeof samlIdentityProvider>;

/** "clients[1].redirect_uris" from zod's path. */
export const formatPath = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
