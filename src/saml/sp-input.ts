import fs from 'node:fs';
import path from 'node:path';
import type { ImportSamlSp } from '../import/import-schema.ts';
import { defaultSettings, type SpSettings } from './service-provider.ts';
import { parseSpMetadata } from './sp-metadata.ts';

export type SpInput = ImportSamlSp;

/**
 * An SP as the import file or the CLI gives it: its metadata (inline, a file, or fetched from a
 * URL) checked, and its settings over what the metadata asks.
 */
export async function resolveSpInput(input: SpInput, baseDir: string): Promise<{ entityId: string; metadataXml: string; settings: SpSettings }> {
  let metadataXml = input.metadata;
  if (input.metadata_file !== undefined) {
    try {
      metadataXml = fs.readFileSync(path.resolve(baseDir, input.metadata_file), 'utf8');
    } catch (error) {
      throw new Error(`metadata_file: cannot read ${input.metadata_file}: ${(error as Error).message.split(',')[0]}`, { cause: error });
    }
  }
  if (input.metadata_url !== undefined) {
    const response = await fetch(input.metadata_url, { signal: AbortSignal.timeout(10_000), redirect: 'error' }).catch((error: Error) => {
      throw new Error(`metadata_url: cannot fetch ${input.metadata_url}: ${error.message}`, { cause: error });
    });
    if (!response.ok) throw new Error(`metadata_url: ${input.metadata_url} answered ${response.status}`);
    metadataXml = await response.text();
  }
  const metadata = parseSpMetadata(metadataXml!);
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
  return { entityId: metadata.entityId, metadataXml: metadataXml!, settings };
}
