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
