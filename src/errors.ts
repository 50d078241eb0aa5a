/**
 * An error caused by the user's input (a file, a field, an option). The CLI
 * prints its message as one line and exits with code 1; it never shows a stack.
 * Messages name the file/field and what was expected.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Work stopped by Ctrl-C (or cancelAll); the CLI exits with code 130. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** True for errors a native operation rejected with because it was cancelled. */
export function isCancellation(err: unknown): boolean {
  return err instanceof CancelledError ||
    (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ECANCELLED');
}

/**
 * Text from a file, made safe for a one-line message: quoted, control and
 * non-ASCII bytes shown as escapes (`\n`, `\x00`), and cut after `max`
 * characters, so a corrupt header can never break the line or the terminal.
 */
export function quoted(text: string, max = 60): string {
  let out = '';
  let shown = 0;
  for (const ch of text) {
    if (shown >= max) return `"${out}"…`;
    const c = ch.codePointAt(0)!;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xff)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c > 0xff) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
    shown++;
  }
  return `"${out}"`;
}

/**
 * A message on one line, whatever a library put in it: line breaks become
 * "; ", a line repeated (libvips repeats its warnings) is said once, colour
 * codes are dropped and other control characters shown as escapes.
 */
export function oneLine(text: string): string {
  const lines = text.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l.length > 0);
  return [...new Set(lines)].join('; ')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\t/g, ' ');
}
