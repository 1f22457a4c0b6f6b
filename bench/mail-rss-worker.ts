import { readFileSync, writeFileSync } from 'node:fs';
import { loadTypeormWithoutSourceMaps } from '../storage/typeorm-without-source-maps.ts';

/** A benchmark is load, not abuse: the per-sender limits (RA_LIMIT_*) are off, as `0` turns them off. */
const NO_LIMITS = { request: { perHour: 0 }, otp: { perHour: 0 }, upload: { perHour: 0 } } as const;

/**
 * The child of `bench/mail.ts` for the peak-RSS figure: a fresh process (nothing of the 1 GB corpus in
 * its memory) opens the desk on SQLite, then syncs the mailbox given in argv[2], which holds one 25 MB
 * application. RSS is sampled every 10 ms during the sync; on Linux the kernel's own high-water mark
 * (VmHWM, reset just before the sync) catches peaks that fall between samples, e.g. while the event
 * loop is busy in one long synchronous call. Prints one JSON line (`RssReport`) on stdout.
 *
 * @example
 * node --import tsx bench/mail-rss-worker.ts 'imap://rss%40pontianak.go.id:pw@127.0.0.1:40123/INBOX'
 */

export interface RssReport {
  readonly rssBeforeMb: number;
  /** Highest `process.memoryUsage.rss()` sampled every 10 ms during the sync. */
  readonly sampledPeakMb: number;
  /** Linux VmHWM since the reset before the sync; null where /proc is missing or the reset failed. */
  readonly kernelPeakMb: number | null;
  readonly samples: number;
  readonly syncMs: number;
  readonly handled: number;
  readonly quarantined: number;
  /** Status of each request the sync created: one `pending_review` when the message was read whole. */
  readonly requestStatuses: readonly string[];
  readonly documents: number;
}

const MB = 1024 * 1024;
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** VmHWM in bytes, or null off Linux. */
function kernelPeak(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+). */
function resetKernelPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(imapUrl: string): Promise<RssReport> {
  // As `ra-desk` starts (bin/ra-desk.mjs); the desk's modules load after it, by dynamic import.
  await loadTypeormWithoutSourceMaps();
  const { openMailHarness } = await import('../test/support/mail-harness.ts');
  const { DocumentSchema, RequestSchema } = await import('../storage/entities/schemas.ts');
  const h = await openMailHarness(imapUrl, 'sqlite', { limits: NO_LIMITS });
  try {
    const before = process.memoryUsage.rss();
    const kernelReset = resetKernelPeak();
    let peak = before;
    let samples = 0;
    const sampler = setInterval(() => {
      samples++;
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const started = performance.now();
    let report;
    try {
      report = await h.sync();
    } finally {
      clearInterval(sampler);
    }
    const syncMs = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage.rss());
    const kernel = kernelReset ? kernelPeak() : null;
    const requests = await h.ds.getRepository(RequestSchema).find();
    const documents = await h.ds.getRepository(DocumentSchema).count();
    return {
      rssBeforeMb: round1(before / MB), sampledPeakMb: round1(peak / MB), kernelPeakMb: kernel === null ? null : round1(kernel / MB),
      samples, syncMs: Math.round(syncMs), handled: report.handled, quarantined: report.quarantined,
      requestStatuses: requests.map((r) => r.status), documents,
    };
  } finally {
    await h.close();
  }
}

const imapUrl = process.argv[2];
if (!imapUrl) {
  console.error('usage: node --import tsx bench/mail-rss-worker.ts IMAP_URL');
  process.exit(2);
}
try {
  console.log(JSON.stringify(await main(imapUrl)));
  process.exit(0);
} catch (e) {
  console.error('mail-rss-worker failed:', e);
  process.exit(1);
}
