import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
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

/** Sends account mail over SMTP_URL; without one (never in production) writes .eml files to the outbox. */
export function createMailer(mail: Config['mail']): Mailer {
  if (mail.smtpUrl) {
    const transport = nodemailer.createTransport(mail.smtpUrl);
    return {
      send: async (message) => void (await transport.sendMail({ from: mail.from, ...message })),
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    outbox: mail.outbox,
    async send(message) {
      const info = await transport.sendMail({ from: mail.from, ...message });
      await fs.promises.mkdir(mail.outbox, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`;
      await fs.promises.writeFile(path.join(mail.outbox, name), info.message as Buffer, { mode: 0o600 });
    },
    close: () => transport.close(),
  };
}
