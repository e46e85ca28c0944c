import { generateSecret, generateURI, verify } from 'otplib';
import type { FactorStore } from './factor.ts';

/** RFC 6238 with the defaults every authenticator app supports: SHA-1, 6 digits, 30 s steps. */
const PERIOD = 30;

export interface TotpEnrolment {
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code, rendered here (no third party sees the secret). */
  qrSvgDataUrl: string;
}

export function createTotp(factors: FactorStore, issuer: string) {
  return {
    amr: ['otp'],

    start(label: string): Promise<TotpEnrolment> {
      return this.render(generateSecret(), label);
    },

    async render(secret: string, label: string): Promise<TotpEnrolment> {
      const uri = generateURI({ issuer, label, secret, period: PERIOD });
      const { default: QRCode } = await import('qrcode'); // only at enrolment
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
      return { secret, uri, qrSvgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
    },

    /** Whether the code belongs to this secret now (±1 step), for confirming an enrolment. */
    async matches(secret: string, code: string): Promise<{ step: number } | undefined> {
      if (!/^\d{6}$/.test(code)) return undefined;
      const result = await verify({ secret, token: code, period: PERIOD, epochTolerance: PERIOD });
      return result.valid ? { step: (result as { timeStep: number }).timeStep } : undefined; // a TOTP result has its step
    },

    /**
     * Checks a code against the account's authenticator apps: valid within ±1 step (RFC 6238
     * §5.2 allows for clock drift), and never a step at or before one already accepted, so a code
     * seen over someone's shoulder cannot be used again.
     */
    async verify(accountId: string, code: string): Promise<boolean> {
      for (const factor of await factors.list(accountId, 'totp')) {
        const match = await this.matches(factor.secret!, code);
        if (match && await factors.advanceStep(factor.id, match.step)) return true;
      }
      return false;
    },
  };
}

export type Totp = ReturnType<typeof createTotp>;
