import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Mailbox {
  /** SMTP_URL for Gatehouse. */
  url: string;
  /** Waits for the next message to this address (or takes one already waiting). */
  next(to: string, timeoutMs?: number): Promise<ParsedMail>;
  /** Messages received for this address and not taken yet. */
  waiting(to: string): ParsedMail[];
  close(): Promise<void>;
}

/** A real SMTP server in the test process, receiving what Gatehouse sends. */
export async function startMailbox(): Promise<Mailbox> {
  const inbox = new Map<string, ParsedMail[]>();
  const waiters = new Map<string, ((mail: ParsedMail) => void)[]>();
  const deliver = (to: string, mail: ParsedMail) => {
    const waiter = waiters.get(to)?.shift();
    if (waiter) waiter(mail);
    else inbox.set(to, [...(inbox.get(to) ?? []), mail]);
  };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        for (const rcpt of session.envelope.rcptTo) deliver(rcpt.address.toLowerCase(), mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    waiting: (to) => inbox.get(to.toLowerCase()) ?? [],
    next(to, timeoutMs = 10_000) {
      const key = to.toLowerCase();
      const ready = inbox.get(key)?.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail for ${to} within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(key, [...(waiters.get(key) ?? []), (mail) => (clearTimeout(timer), resolve(mail))]);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a message that starts with this URL prefix. */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const match = (mail.text ?? '').match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*`));
  if (!match) throw new Error(`no ${prefix} link in "${mail.subject}"`);
  return match[0];
}
