import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';

export interface SamlCredentials {
  /** PEM certificate and private key the IdP signs with. */
  cert: string;
  key: string;
  /** The certificate published before it signs (rollover), when configured. */
  nextCert?: string;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/**
 * The SAML signing certificate: from the configured files, else (outside production) generated
 * once into the data directory. Production never generates one: without the files, the SAML IdP
 * is off (undefined).
 */
export async function loadSamlCredentials(config: Config): Promise<SamlCredentials | undefined> {
  const { certFile, keyFile, nextCertFile } = config.saml;
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    if (config.production) return undefined;
    const generated = await generateSamlCertificate(new URL(config.issuer).hostname);
    fs.mkdirSync(path.dirname(certFile), { recursive: true });
    fs.writeFileSync(keyFile, generated.key, { mode: 0o600 });
    fs.writeFileSync(certFile, generated.cert);
  }
  const cert = fs.readFileSync(certFile, 'utf8');
  const key = fs.readFileSync(keyFile, 'utf8');
  try {
    const matches = new crypto.X509Certificate(cert).checkPrivateKey(crypto.createPrivateKey(key));
    if (!matches) throw new Error('the key does not belong to the certificate');
  } catch (error) {
    throw new Error(`SAML certificate ${certFile} and key ${keyFile} are not a usable pair: ${(error as Error).message}`, { cause: error });
  }
  const nextCert = nextCertFile ? fs.readFileSync(nextCertFile, 'utf8') : undefined;
  if (nextCert) new crypto.X509Certificate(nextCert); // fails loudly on a malformed file
  return { cert, key, nextCert };
}

/** A self-signed RSA-2048 / SHA-256 certificate for ten years (SAML trusts the metadata, not a CA). */
export async function generateSamlCertificate(hostname: string): Promise<{ cert: string; key: string }> {
  await import('reflect-metadata'); // @peculiar/x509's dependency injection needs it loaded first
  const x509 = await import('@peculiar/x509'); // only to make a development certificate
  const keys = await crypto.webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const now = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.randomBytes(8).toString('hex'), name: `CN=${hostname} SAML signing`,
    notBefore: now, notAfter: new Date(now.getTime() + 10 * 365 * 86400_000),
    signingAlgorithm: RSA, keys: keys as never, extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  }, crypto.webcrypto as never);
  const pkcs8 = Buffer.from(await crypto.webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert: certificate.toString('pem'), key: crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string };
}

/** The certificate's base64 DER, as XML signatures and metadata carry it. */
export const certBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
