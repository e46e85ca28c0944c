import type { ImportOidcUpstream, ImportSamlUpstream } from '../import/import-schema.ts';
import { parseIdpMetadata } from '../saml/idp-metadata-parse.ts';
import { loadMetadata } from '../saml/metadata-source.ts';
import type { Upstream } from './upstream.ts';

const common = (input: ImportOidcUpstream | ImportSamlUpstream) => ({
  id: input.id,
  displayName: input.display_name,
  domains: (input.domains ?? []).map((d) => d.toLowerCase()),
  trustedDomains: (input.trusted_domains ?? []).map((d) => d.toLowerCase()),
  provision: input.provision ?? true,
  mapping: { claims: input.claims ?? {}, ...(input.roles ? { roles: input.roles } : {}) },
});

/** An upstream OIDC provider as the import file gives it. */
export const oidcUpstreamFrom = (input: ImportOidcUpstream): Upstream => ({
  ...common(input), kind: 'oidc', issuer: input.issuer, clientId: input.client_id,
  ...(input.client_secret ? { clientSecret: input.client_secret } : {}), scopes: input.scopes ?? 'openid email profile',
});

/** An upstream SAML IdP as the import file gives it: its metadata loaded and checked. */
export async function samlUpstreamFrom(input: ImportSamlUpstream, baseDir: string): Promise<Upstream> {
  const metadataXml = await loadMetadata(input, baseDir);
  parseIdpMetadata(metadataXml);
  return { ...common(input), kind: 'saml', metadataXml, ...(input.metadata_url ? { metadataUrl: input.metadata_url } : {}) };
}
