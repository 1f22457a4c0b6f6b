import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Past this many bytes of fresh buffers, one piece of work is worth a collection of its own. */
export const LARGE_BYTES = 4 * 1024 * 1024;

type Collect = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let collect: Collect | null | undefined;

/**
 * V8's collector, reached without a command-line flag: `--expose-gc` set now applies to contexts
 * created after it, such as the one `runInNewContext` makes. Null if this V8 refuses.
 */
function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Collects garbage right after work that made `bytes` of short-lived buffers (parsing a 25 MB message,
 * sealing its 6 MB attachments): V8 counts buffer memory outside its heap and starts a collection only
 * once 64 MB of it have piled up, so a big message would otherwise hold its parser's chunks and every
 * document's ciphertext at once, some 60 MB above what it needs (bench/mail.ts, peak RSS). A full
 * collection of the desk's heap takes 10-20 ms: nothing next to reading a big message, and smaller
 * work never pays it.
 */
export function reclaimAfter(bytes: number): void {
  if (bytes < LARGE_BYTES) return;
  collector()?.({ type: 'major', execution: 'sync' });
}

/**
 * A young-generation collection (about a millisecond): for a loop that makes buffers it drops at once,
 * such as the ciphertext of a document sealed slice by slice, so the next slices reuse their memory
 * instead of adding to it.
 */
export function reclaimYoung(): void {
  collector()?.({ type: 'minor', execution: 'sync' });
}

