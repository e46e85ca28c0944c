/** How claims and roles from an upstream become Gatehouse's. */
export interface UpstreamMapping {
  /** Our claim → the upstream's claim (OIDC) or attribute (SAML) name. */
  claims: Partial<Record<'email' | 'name' | 'given_name' | 'family_name', string>>;
  /** Roles: the upstream claim/attribute holding groups, and which of its values give which of our roles. */
  roles?: { from: string; map: Record<string, string> };
}

interface UpstreamCommon {
  /** Used in URLs (/saml/sp/:id/acs, /federation/oidc/:id/callback) and on the login page. */
  id: string;
  displayName: string;
  /** Email domains whose people are sent to this upstream from the login page (home-realm discovery). */
  domains: string[];
  /**
   * Email domains this upstream is trusted for: its sign-in may link to an existing account with
   * that email. Off (empty) by default; never on an unverified email.
   */
  trustedDomains: string[];
  /** Create accounts for people the upstream vouches for (just-in-time provisioning). */
  provision: boolean;
  mapping: UpstreamMapping;
}

export interface OidcUpstream extends UpstreamCommon {
  kind: 'oidc';
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
}

export interface SamlUpstream extends UpstreamCommon {
  kind: 'saml';
  metadataXml: string;
  metadataUrl?: string;
}

export type Upstream = OidcUpstream | SamlUpstream;

/** What federation needs from storage; src/store implements it. */
export interface UpstreamStore {
  find(id: string): Promise<Upstream | undefined>;
  list(): Promise<Upstream[]>;
  save(upstream: Upstream): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** The account an upstream subject is linked to. */
  linkedAccount(upstreamId: string, subject: string): Promise<string | undefined>;
  link(upstreamId: string, subject: string, accountId: string): Promise<void>;
}
