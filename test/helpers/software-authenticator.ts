import crypto from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => crypto.createHash('sha256').update(data).digest();

/**
 * A WebAuthn authenticator in software (ES256, "none" attestation, user verified), so tests can
 * craft exactly the responses a browser would send, and the ones an attacker would.
 */
export class SoftwareAuthenticator {
  readonly credentialId = crypto.randomBytes(16);
  readonly #keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  #counter = 0;
  #userHandle?: string;

  readonly rpId: string;
  readonly origin: string;

  constructor(rpId: string, origin: string) {
    this.rpId = rpId;
    this.origin = origin;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** Answers navigator.credentials.create() for these options. */
  register(options: { challenge: string; user: { id: string } }, { origin = this.origin } = {}) {
    this.#userHandle = options.user.id;
    const jwk = this.#keys.publicKey.export({ format: 'jwk' });
    const cose = encodeCBOR(new Map<number, number | Uint8Array>([
      [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
    ]));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([this.#authData(0x45), Buffer.alloc(16), idLength, this.credentialId, cose]); // UP, UV, AT
    const attestationObject = encodeCBOR(new Map<string, CBORType>([['fmt', 'none'], ['attStmt', new Map<string, CBORType>()], ['authData', authData]]));
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: this.#clientData('webauthn.create', options.challenge, origin), attestationObject: b64url(attestationObject), transports: ['internal'],
      },
    };
  }

  /** Answers navigator.credentials.get() for these options (or for another challenge or origin). */
  authenticate(options: { challenge: string }, { origin = this.origin, challenge = options.challenge, counter }: { origin?: string; challenge?: string; counter?: number } = {}) {
    this.#counter = counter ?? this.#counter + 1;
    const authData = this.#authData(0x05); // UP, UV
    const clientDataJSON = this.#clientData('webauthn.get', challenge, origin);
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]), this.#keys.privateKey);
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: { clientDataJSON, authenticatorData: b64url(authData), signature: b64url(signature), userHandle: this.#userHandle },
    };
  }

  #authData(flags: number): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.#counter);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), counter]);
  }

  #clientData(type: string, challenge: string, origin: string): string {
    return b64url(Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })));
  }
}
