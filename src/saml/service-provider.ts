import type { SpMetadata } from './sp-metadata.ts';

export type NameIdFormat = 'persistent' | 'emailAddress' | 'transient' | 'unspecified';

export const NAME_ID_FORMATS: Record<NameIdFormat, string> = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
};

/** The account claims an SP can receive as attributes. */
export const ATTRIBUTE_SOURCES = ['email', 'name', 'given_name', 'family_name', 'roles', 'sub'] as const;
export type AttributeSource = (typeof ATTRIBUTE_SOURCES)[number];

/** How Gatehouse treats one service provider, beyond what its metadata says. */
export interface SpSettings {
  /** Our claim → the SAML attribute name the SP expects. */
  attributes: Partial<Record<AttributeSource, string>>;
  nameIdFormat: NameIdFormat;
  signResponse: boolean;
  signAssertion: boolean;
  /** Encrypt assertions (needs an encryption certificate in the metadata). */
  encryptAssertion: boolean;
  /** Sign-ins started at Gatehouse, without an AuthnRequest. */
  idpInitiated: boolean;
  /** Where the metadata was fetched from, when it was. */
  metadataUrl?: string;
}

export interface ServiceProvider {
  entityId: string;
  metadataXml: string;
  metadata: SpMetadata;
  settings: SpSettings;
}

/** What the SAML registry needs from storage; src/store implements it. */
export interface ServiceProviderStore {
  find(entityId: string): Promise<{ entityId: string; metadataXml: string; settings: SpSettings } | undefined>;
  list(): Promise<{ entityId: string; metadataXml: string; settings: SpSettings }[]>;
  save(entityId: string, metadataXml: string, settings: SpSettings): Promise<void>;
  delete(entityId: string): Promise<boolean>;
}

/** Settings for a new SP: what its metadata asks for, unless told otherwise. */
export function defaultSettings(metadata: SpMetadata, given: Partial<SpSettings> = {}): SpSettings {
  const persistent = metadata.nameIdFormats.length === 0 || metadata.nameIdFormats.includes(NAME_ID_FORMATS.persistent);
  const fromMetadata = (Object.entries(NAME_ID_FORMATS) as [NameIdFormat, string][]).find(([, urn]) => metadata.nameIdFormats[0] === urn)?.[0];
  return {
    attributes: { email: 'email', name: 'name', given_name: 'given_name', family_name: 'family_name', roles: 'roles' },
    nameIdFormat: persistent ? 'persistent' : fromMetadata ?? 'unspecified',
    signResponse: true,
    signAssertion: true,
    encryptAssertion: metadata.encryptionCerts.length > 0,
    idpInitiated: false,
    ...given,
  };
}
