import { createRequire } from 'node:module';

// NIST SP 800-63B §5.1.1.2: a minimum length, long passphrases allowed, no composition rules, and
// a check against passwords known to be common or breached and against context-specific words.
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * About 50,000 of the most common passwords from breach corpora, shipped with the package (no
 * network). Loaded when a password is first set: a node that only issues tokens never needs it.
 */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
    common = new Set(dictionary['passwords-common']);
  }
  return common;
}

export interface PasswordContext {
  email?: string;
  name?: string | null;
  /** The service's own name. */
  service?: string;
}

/** Why a new password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const folded = password.toLowerCase();
  const squeezed = folded.replace(/[\s\-_.]+/g, '');
  const core = squeezed.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''); // "Password1234!" is "password" with decoration
  const COMMON = commonPasswords();
  if (COMMON.has(folded) || COMMON.has(squeezed) || COMMON.has(core) || /^(.)\1+$/u.test(squeezed) || isSequence(squeezed)) {
    return 'is too common: it appears in lists of breached passwords. Choose another, for example a few unrelated words';
  }
  // what is left once the name, address and service are taken out must still be a password
  const rest = contextWords(context).reduce((text, word) => text.replaceAll(word, ''), squeezed);
  if (rest.length < squeezed.length && [...rest].length < 8) {
    return 'is too close to your email address or name. Choose something others could not guess';
  }
  return undefined;
}

/** The email's local part and domain name, the name's parts and the service name, 4+ characters each. */
function contextWords({ email, name, service }: PasswordContext): string[] {
  const [local = '', domain = ''] = (email ?? '').toLowerCase().split('@');
  const parts = [local, domain.split('.')[0] ?? '', ...(name ?? '').toLowerCase().split(/\s+/), (service ?? '').toLowerCase().replace(/\s+/g, '')];
  return parts.map((p) => p.replace(/[\s\-_.]+/g, '')).filter((p) => p.length >= 4);
}

/** "abcdefghijklm", "123456789012", "987654321098": each character one step from the last. */
function isSequence(text: string): boolean {
  const codes = [...text].map((c) => c.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1]! === step || (c === 48 && codes[i - 1] === 57));
}
