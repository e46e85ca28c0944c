import fs from 'node:fs';
import path from 'node:path';

/** Where an import entry or a CLI flag says metadata is: inline, a file, or a URL. */
export interface MetadataSource {
  metadata?: string;
  metadata_file?: string;
  metadata_url?: string;
}

/** The metadata text, read from a file (relative to baseDir) or fetched (10 s, no redirects). */
export async function loadMetadata(source: MetadataSource, baseDir: string): Promise<string> {
  if (source.metadata_file !== undefined) {
    try {
      return fs.readFileSync(path.resolve(baseDir, source.metadata_file), 'utf8');
    } catch (error) {
      throw new Error(`metadata_file: cannot read ${source.metadata_file}: ${(error as Error).message.split(',')[0]}`, { cause: error });
    }
  }
  if (source.metadata_url !== undefined) {
    const response = await fetch(source.metadata_url, { signal: AbortSignal.timeout(10_000), redirect: 'error' }).catch((error: Error) => {
      throw new Error(`metadata_url: cannot fetch ${source.metadata_url}: ${error.message}`, { cause: error });
    });
    if (!response.ok) throw new Error(`metadata_url: ${source.metadata_url} answered ${response.status}`);
    return response.text();
  }
  return source.metadata!;
}
