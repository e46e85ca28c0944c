import crypto from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com/, spec/standard-webhooks.md): a secret is
// "whsec_" + base64 of random bytes; a signature is "v1," + base64 HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>", keyed with the secret's decoded bytes.
const PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes (the spec asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${PREFIX}${crypto.randomBytes(32).toString('base64')}`;
}

/** The headers a receiver checks: the message id (the same on every retry), when it was signed, and the signature. */
export function signedHeaders(secret: string, id: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  const signature = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
