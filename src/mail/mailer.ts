import fs from 'node:fs';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config/config.ts';

export interface Message {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: Message): Promise<void>;
  /** Where mail is written instead of sent (development without SMTP_URL). */
  outbox?: string;
  close(): void;
}

/**
 * A nodemailer transport made on first use: nodemailer (several MiB of heap) is loaded only by
 * processes that send mail.
 */
function lazyTransport(options: string | object): { get(): Promise<Transporter>; close(): void } {
  let transport: Promise<Transporter> | undefined;
  return {
    get: () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(options as never) as Transporter)),
    close: () => void transport?.then((t) => t.close(), () => {}),
  };
}

/** Sends account mail over SMTP_URL; without one (never in production) writes .eml files to the outbox. */
export function createMailer(mail: Config['mail']): Mailer {
  if (mail.smtpUrl) {
    const transport = lazyTransport(mail.smtpUrl);
    return {
      send: async (message) => void (await (await transport.get()).sendMail({ from: mail.from, ...message })),
      close: transport.close,
    };
  }
  const transport = lazyTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    outbox: mail.outbox,
    async send(message) {
      const info = await (await transport.get()).sendMail({ from: mail.from, ...message });
      await fs.promises.mkdir(mail.outbox, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`;
      await fs.promises.writeFile(path.join(mail.outbox, name), info.message as Buffer, { mode: 0o600 });
    },
    close: transport.close,
  };
}
