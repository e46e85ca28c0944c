import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * JSON lines on stdout (or the given stream). Gatehouse never logs request bodies, headers or
 * query strings; these paths are redacted wherever a caller puts them into a log object anyway.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'gatehouse' },
    redact: ['*.password', '*.client_secret', '*.authorization', '*.cookie', '*.token', '*.code', '*.refresh_token', '*.access_token'],
  };
  return destination ? pino(options, destination) : pino(options);
}
