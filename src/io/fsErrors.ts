/**
 * File-system failures as one-line user errors that name the file. Node's own
 * messages often do not (a failed write says "EFBIG: file too large, write"),
 * and a disk that is full or a file-size limit must still say which file.
 */
import { UserError } from '../errors.js';

/** The errno code of a Node fs error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "cannot write F: ENOSPC (no space left on device)"; errors without an errno pass through. */
export function fsFailure(action: string, file: string, err: unknown): Error {
  const code = errnoCode(err);
  if (!code || err instanceof UserError) return err instanceof Error ? err : new Error(String(err));
  const detail = String((err as Error).message ?? '').replace(/^[A-Z]+: /, '').split(',')[0]!.trim();
  return new UserError(`cannot ${action} ${file}: ${code}${detail ? ` (${detail})` : ''}`);
}
