import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { startGatehouse, type TestGatehouse } from './gatehouse.ts';

const open = new Set<() => Promise<void>>();

/** Closes every receiver still open (for afterAll, so a failed test leaves no server behind). */
export const closeReceivers = async () => {
  for (const close of open) await close();
};

export interface Received { id: string; type: string; seq: number; body: Record<string, unknown> }

/**
 * A webhook receiver on 127.0.0.1 that checks signatures as the Standard Webhooks spec says
 * (its own implementation, not Gatehouse's), keeps each message once by webhook-id, and can be
 * told to answer an error for a while.
 */
export async function startReceiver(secret = '') {
  const state = {
    secret,
    /** The status to answer; anything not 2xx makes Gatehouse retry. */
    status: 204,
    received: [] as Received[],
    duplicates: 0,
    refused: 0,
    badSignatures: 0,
    delayMs: 0,
    /** While set, every request waits for it before answering (a receiver that is stuck until let go). */
    hold: undefined as Promise<void> | undefined,
  };
  const seen = new Set<string>();
  const verify = (headers: http.IncomingHttpHeaders, body: string) => {
    const [id, timestamp, signatures] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => String(headers[h] ?? ''));
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // the spec's replay window
    const key = Buffer.from(state.secret.replace(/^whsec_/, ''), 'base64');
    const expected = Buffer.from(crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64'));
    return signatures!.split(' ').some((s) => {
      const [version, value = ''] = s.split(',');
      const given = Buffer.from(value);
      return version === 'v1' && given.length === expected.length && crypto.timingSafeEqual(given, expected);
    });
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => void (async () => {
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.hold) await state.hold;
      if (state.status < 200 || state.status >= 300) {
        state.refused++;
        res.writeHead(state.status).end('down for maintenance');
        return;
      }
      if (!verify(req.headers, body)) {
        state.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      if (seen.has(id)) state.duplicates++;
      else {
        seen.add(id);
        const parsed = JSON.parse(body) as { id: string; type: string; data: { seq: number } };
        state.received.push({ id, type: parsed.type, seq: parsed.data.seq, body: parsed });
      }
      res.writeHead(state.status).end();
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => {
    open.delete(close);
    server.close(() => resolve());
    server.closeAllConnections();
  });
  open.add(close);
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    /** Stops listening and drops every connection (closing twice is harmless). */
    close,
  };
}

/** A Gatehouse for webhook tests, a direct connection to its database (to read the outbox), and one close for all (receivers too). */
export async function webhookTestbed(env: Record<string, string>): Promise<{ gh: TestGatehouse; db: pg.Client; close(): Promise<void> }> {
  const gh = await startGatehouse({ env });
  const db = new pg.Client({ connectionString: gh.running.core.config.databaseUrl });
  await db.connect();
  return {
    gh, db,
    async close() {
      await closeReceivers();
      await db.end();
      await gh.close();
    },
  };
}
