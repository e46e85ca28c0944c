import type { ImportSamlSp } from '../import/import-schema.ts';
import { defaultSettings, type SpSettings } from './service-provider.ts';
import { parseSpMetadata } from './sp-metadata.ts';
import { loadMetadata } from './metadata-source.ts';

export type SpInput = ImportSamlSp;

/**
 * An SP as the import file or the CLI gives it: its metadata (inline, a file, or fetched from a
 * URL) checked, and its settings over what the metadata asks.
 */
export async function resolveSpInput(input: SpInput, baseDir: string): Promise<{ entityId: string; metadataXml: string; settings: SpSettings }> {
  const metadataXml = await loadMetadata(input, baseDir);
  const metadata = parseSpMetadata(metadataXml);
  const given: Partial<SpSettings> = {
    ...(input.attributes ? { attributes: input.attributes } : {}),
    ...(input.name_id_format ? { nameIdFormat: input.name_id_format } : {}),
    ...(input.sign_response !== undefined ? { signResponse: input.sign_response } : {}),
    ...(input.sign_assertion !== undefined ? { signAssertion: input.sign_assertion } : {}),
    ...(input.encrypt_assertion !== undefined ? { encryptAssertion: input.encrypt_assertion } : {}),
    ...(input.idp_initiated !== undefined ? { idpInitiated: input.idp_initiated } : {}),
    ...(input.metadata_url ? { metadataUrl: input.metadata_url } : {}),
  };
  const settings = defaultSettings(metadata, given);
  if (settings.encryptAssertion && !metadata.encryptionCerts.length) throw new Error(`${metadata.entityId}: encrypt_assertion needs an encryption certificate in the SP metadata`);
  if (!settings.signResponse && !settings.signAssertion) throw new Error(`${metadata.entityId}: sign the response, the assertion or both`);
  return { entityId: metadata.entityId, metadataXml, settings };
}
