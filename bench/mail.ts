import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import { startDovecot } from '../test/support/services/dovecot.ts';
import { appendToMailbox, applicationMail, type CorpusAttachment } from '../test/support/mail-corpus.ts';
import { AUTHSERV, openMailHarness } from '../test/support/mail-harness.ts';
import { PEOPLE } from '../test/support/storage-desk.ts';
import { pdfStream, tinyJpeg, tinyPdf, tinyPng } from '../test/support/sample-files.ts';
import { createImapClient, parseImapUrl } from '../mail/imap/imap-client.ts';
import { PARSER_OPTIONS } from '../mail/inbound/parse-message.ts';
import { RequestSchema } from '../storage/entities/schemas.ts';
import type { BenchContext } from './run.ts';
import type { RssReport } from './mail-rss-worker.ts';
import { mulberry32 as prng } from '../test/support/prng.ts';
import { cpuDuring, durableWriteSpeed, profiled, machineFacts, type CpuSpent } from './measure.ts';

/** A benchmark is load, not abuse: the per-sender limits (RA_LIMIT_*) are off, as `0` turns them off. */
const NO_LIMITS = { request: { perHour: 0 }, otp: { perHour: 0 }, upload: { perHour: 0 } } as const;

/**
 * `npm run bench -- mail [--scale 0.1] [--cpu-prof]`
 *
 * 1. A throwaway Dovecot on 127.0.0.1 gets 2,000 valid applications from the seeded roster (85 % with
 *    three files of 200–500 KB together, 5 % with a 2 MB e-KTP scan, 10 % with tiny files; ~1 GB).
 * 2. Baseline: one imapflow client downloads every message (imapflow's defaults, 64 KB per FETCH) and
 *    hands the stream to mailparser's simpleParser with the pipeline's options, nothing else. One account, one copy of the corpus: the baseline reads INBOX before
 *    the end-to-end pass (which moves every message out) and reads the same messages again in
 *    RA/Processed after it; the figure is both reads together (2N messages / both times). Reading
 *    before and after brackets the end-to-end pass, so a neighbour's load on a shared machine skews
 *    the ratio less; both passes see a warm page cache (the corpus was just written).
 * 3. End to end: the real pipeline (syncMailbox → ingest: parse, verify, vault, audit, outbox; each
 *    message's effects and cursor step in one transaction, shared by up to 8 parsed messages; then MOVE)
 *    on SQLite, as `ra-desk mail sync` runs it, until INBOX is empty.
 * 4. Peak RSS: a fresh child process (`mail-rss-worker.ts`) syncs one 25 MB application from an account
 *    of its own; three runs, the worst counts (GC timing moves the peak by ~10 MiB).
 *
 * Figures go to the console and to `bench/results/mail.json`, each with its target. A missed target
 * prints MISSED; the exit code stays 0. `--cpu-prof` writes `mail-baseline.cpuprofile` and
 * `mail-e2e.cpuprofile` next to the JSON (open them in Chrome DevTools) and prints where time went;
 * profiling slows both passes, so its figures are not for comparison.
 */

const FULL_CORPUS = 2_000;
/** Messages appended per IMAP connection; the next batch is built while this one is sent. */
const BATCH = 40;
const KIB = 1024;
const MIB = 1024 * KIB;
/** The desk's limits, as mail-harness.ts configures them. */
const MAX_MESSAGE_BYTES = 25 * MIB;
const MAX_FILE_BYTES = 10 * MIB;
const TARGET_RATIO = 0.7;
/** Where the harness's sync moves handled mail (mail-harness.ts `mailConfig`). */
const PROCESSED = ['RA', 'Processed'];
const TARGET_PEAK_RSS_MB = 256;
/** Peak RSS varies by ~±10 MiB from run to run (GC timing); the figure is the worst of these runs. */
const RSS_RUNS = 3;

const here = dirname(fileURLToPath(import.meta.url));
const projectUrl = pathToFileURL(join(here, '..')).href + '/';
const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const say = (line: string): void => console.log(line);

interface Options {
  readonly scale: number;
  readonly cpuProf: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args], strict: true, allowPositionals: false,
    options: { scale: { type: 'string', default: '1' }, 'cpu-prof': { type: 'boolean', default: false } },
  });
  const scale = Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`--scale takes a number in (0, 10], e.g. 0.1; got ${values.scale}`);
  return { scale, cpuProf: values['cpu-prof'] };
}

// ------------------------------------------------------------------------------------------- corpus


type Shape = 'typical' | 'large' | 'small';

/** Per 20 messages: 17 typical (85 %), 1 large (5 %), 2 small (10 %), spread evenly. */
const shapeOf = (i: number): Shape => {
  const r = i % 20;
  return r === 7 ? 'large' : r === 3 || r === 13 ? 'small' : 'typical';
};

/** A valid PDF of about `bytes` bytes: a one-page letter with an embedded scan (random, incompressible data). */
const paddedPdf = (bytes: number): Buffer => tinyPdf({
  objects: [pdfStream('/Type /XObject /Subtype /Image /Width 1240 /Height 1754 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode',
    randomBytes(Math.max(1, bytes - 900)))],
});

/** A valid JPEG of about `bytes` bytes: the data past EOI, as phones append thumbnails and motion clips. */
const paddedJpeg = (bytes: number): Buffer => tinyJpeg({ trailing: randomBytes(Math.max(1, bytes - 200)) });

/** The three files of a complete application (Pasal 15(2)) with the given sizes. */
const applicationFiles = (cover: number, recommendation: number, ktp: number): CorpusAttachment[] => [
  { filename: 'surat-pengantar.pdf', content: paddedPdf(cover) },
  { filename: 'surat-rekomendasi-atasan.pdf', content: paddedPdf(recommendation) },
  { filename: 'scan-e-KTP.jpg', content: paddedJpeg(ktp) },
];

function attachmentsFor(shape: Shape, rand: () => number): CorpusAttachment[] {
  switch (shape) {
    case 'small':
      return [
        { filename: 'surat-pengantar.pdf', content: tinyPdf() },
        { filename: 'rekomendasi-atasan.png', content: tinyPng() },
        { filename: 'scan e-KTP.jpg', content: tinyJpeg() },
      ];
    case 'large':
      return [
        { filename: 'surat-pengantar.pdf', content: tinyPdf() },
        { filename: 'rekomendasi-atasan.pdf', content: tinyPdf({ text: 'Surat Rekomendasi' }) },
        { filename: 'scan-e-KTP.jpg', content: paddedJpeg(2 * MIB) },
      ];
    case 'typical': {
      const total = (200 + rand() * 300) * KIB;
      const w = [0.2 + rand() * 0.3, 0.2 + rand() * 0.3, 0.4 + rand() * 0.4];
      const sum = w.reduce((a, b) => a + b, 0);
      const [a = 0, b = 0, c = 0] = w.map((x) => Math.round((total * x) / sum));
      return applicationFiles(a, b, c);
    }
  }
}

const people = Object.values(PEOPLE);

function applicationOf(i: number, tag: string, attachments: readonly CorpusAttachment[]): Promise<Buffer> {
  const p = people[i % people.length]!;
  return applicationMail({
    from: p.email, nik: p.nik, nip: p.nip, name: p.name, attachments,
    messageId: `<bench-${tag}-${i}@pontianak.go.id>`, authResults: { serverId: AUTHSERV, result: 'pass' },
  });
}

interface Corpus {
  readonly messages: number;
  readonly bytes: number;
  readonly attachmentBytes: number;
  readonly shapes: Readonly<Record<Shape, number>>;
  readonly seconds: number;
}

/** Builds and appends the corpus in batches; one batch is built while the previous one is appended. */
async function appendCorpus(imapUrl: string, count: number): Promise<Corpus> {
  const started = performance.now();
  const rand = prng(20_260_101);
  const tag = Date.now().toString(36);
  const shapes: Record<Shape, number> = { typical: 0, large: 0, small: 0 };
  let bytes = 0;
  let attachmentBytes = 0;
  let sending: Promise<unknown> = Promise.resolve();
  let reported = 0;
  for (let start = 0; start < count; start += BATCH) {
    const batch: Buffer[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const shape = shapeOf(i);
      const files = attachmentsFor(shape, rand);
      shapes[shape]++;
      attachmentBytes += files.reduce((n, f) => n + f.content.length, 0);
      const raw = await applicationOf(i, tag, files);
      bytes += raw.length;
      batch.push(raw);
    }
    await sending;
    const appending = appendToMailbox(imapUrl, batch);
    // Awaited on the next round; until then a failure must not surface as an unhandled rejection.
    appending.catch(() => undefined);
    sending = appending;
    const done = Math.min(count, start + BATCH);
    if (done - reported >= count / 10 || done === count) {
      reported = done;
      say(`  corpus: ${done}/${count} messages built, ${(bytes / MIB).toFixed(0)} MiB`);
    }
  }
  await sending;
  return { messages: count, bytes, attachmentBytes, shapes, seconds: (performance.now() - started) / 1000 };
}

/**
 * A complete application as large as the desk accepts: just under 25 MiB on the wire, three files of
 * ~6.4 MB each (base64 adds 37 %, so 3 × 8 MB would make a 33 MB message that sync quarantines unread).
 */
async function largestApplication(): Promise<Buffer> {
  const wire = MAX_MESSAGE_BYTES - 128 * KIB;
  const each = Math.floor(wire / (4 / 3) / (78 / 76) / 3);
  const raw = await applicationOf(0, `rss-${Date.now().toString(36)}`, applicationFiles(each, each, each));
  if (raw.length > MAX_MESSAGE_BYTES) throw new Error(`the 25 MB message came out at ${raw.length} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`);
  if (each > MAX_FILE_BYTES) throw new Error('each file of the 25 MB message must stay under the 10 MB file limit');
  return raw;
}

// ------------------------------------------------------------------------------------------- passes

interface Pass {
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
}

async function inboxCount(imapUrl: string): Promise<number> {
  const client = createImapClient(parseImapUrl(imapUrl));
  await client.connect();
  try {
    const status = await client.status('INBOX', { messages: true });
    if (!status) throw new Error('IMAP STATUS INBOX failed');
    return status.messages ?? 0;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** imapflow download + mailparser, nothing else, one message at a time as the pipeline does. */
async function baselinePass(imapUrl: string, mailbox: string | string[], expected: number): Promise<Pass & { attachments: number }> {
  const started = performance.now();
  const client = createImapClient(parseImapUrl(imapUrl));
  await client.connect();
  let messages = 0;
  let attachments = 0;
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const uids = (await client.search({ all: true }, { uid: true })) || [];
      for (const uid of uids) {
        const dl = await client.download(String(uid), undefined, { uid: true });
        if (!dl.content) throw new Error(`baseline: message UID ${uid} vanished`);
        // The options parse-message.ts gives simpleParser: the baseline parses exactly as the pipeline does.
        const parsed = await simpleParser(dl.content, PARSER_OPTIONS);
        attachments += parsed.attachments.length;
        messages++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  const seconds = (performance.now() - started) / 1000;
  if (messages !== expected) throw new Error(`baseline read ${messages} messages in ${String(mailbox)}, ${expected} were appended`);
  return { messages, seconds, perSecond: messages / seconds, attachments };
}

interface EndToEnd extends Pass {
  readonly quarantined: number;
  readonly duplicates: number;
  readonly syncs: number;
  /** Requests by status, e.g. `{ pending_review: 2000 }`. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly left: number;
}

type Around = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * The real pipeline on SQLite; only the sync() calls are timed (not opening and seeding the desk), and
 * `around` (the profiler) wraps only the sync loop.
 */
async function endToEndPass(imapUrl: string, around: Around): Promise<EndToEnd> {
  const h = await openMailHarness(imapUrl, 'sqlite', { limits: NO_LIMITS });
  try {
    let ms = 0;
    let handled = 0;
    let duplicates = 0;
    let quarantined = 0;
    let syncs = 0;
    let left = Infinity;
    await around(async () => {
      while (left > 0 && syncs < 5) {
        const t = performance.now();
        const r = await h.sync();
        ms += performance.now() - t;
        syncs++;
        handled += r.handled;
        duplicates += r.duplicates;
        quarantined += r.quarantined;
        left = await inboxCount(imapUrl);
        if (r.handled + r.duplicates === 0) break;
      }
    });
    const statuses: Record<string, number> = {};
    for (const row of await h.ds.getRepository(RequestSchema).find({ select: { status: true } })) {
      statuses[row.status] = (statuses[row.status] ?? 0) + 1;
    }
    const seconds = ms / 1000;
    return { messages: handled + duplicates, seconds, perSecond: (handled + duplicates) / seconds, quarantined, duplicates, syncs, statuses, left };
  } finally {
    await h.close();
  }
}

/** Runs `mail-rss-worker.ts` in a fresh Node process on the account holding the 25 MB message. */
function rssWorker(imapUrl: string): Promise<RssReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'mail-rss-worker.ts'), imapUrl], {
      cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`mail-rss-worker exited with ${code ?? signal}`));
      try {
        resolve(JSON.parse(last) as RssReport);
      } catch {
        reject(new Error(`mail-rss-worker printed no report: ${out.slice(-500)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------- profiling

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/**
 * With `enabled`, an `around` that runs its work under the V8 sampling profiler and writes `file`
 * (open it in Chrome DevTools); `profile()` returns what was recorded. Without, `around` just runs it.
 */
function profiler(enabled: boolean, file: string): { around: Around; profile: () => CpuProfile | undefined } {
  let recorded: CpuProfile | undefined;
  const around: Around = async (work) => {
    if (!enabled) return work();
    const { value, profile } = await profiled(file, work);
    recorded = profile as CpuProfile;
    return value;
  };
  return { around, profile: () => recorded };
}

/** Groups a frame by package (`node_modules/<pkg>`), project file, or Node internals. */
function placeOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return url;
  return url.startsWith(projectUrl) ? url.slice(projectUrl.length) : url.replace(/^file:\/\//, '');
}

/** Self time by place and by function, in ms: where the CPU went (and how long it sat idle, waiting). */
function summariseProfile(title: string, profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000));
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    total += ms;
    const place = placeOf(f.url, f.functionName);
    places.set(place, (places.get(place) ?? 0) + ms);
    const fn = `${f.functionName || '(anonymous)'} ${place}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number): string[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, ms]) => `    ${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`);
  say(`\n  ${title}: ${(total / 1000).toFixed(1)} s sampled, self time by place`);
  for (const line of top(places, 15)) say(line);
  say('  by function');
  for (const line of top(functions, 20)) say(line);
}

// ------------------------------------------------------------------------------------------- report

/** CPU spent in a pass (the end-to-end one includes opening the desk): this process's, and the machine's against what its cores had. */
const cpuLine = (c: CpuSpent): string => `CPU: this process ${c.userSeconds.toFixed(1)} s user + ${c.systemSeconds.toFixed(1)} s system, ` +
  `machine ${c.machineBusySeconds?.toFixed(1) ?? 'n/a'} of ${c.machineAvailableSeconds?.toFixed(1) ?? 'n/a'} core-s`;

const verdict = (pass: boolean): string => (pass ? 'ok' : 'MISSED');

function table(rows: ReadonlyArray<readonly [string, string, string, string]>): string {
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('   ')}`.trimEnd()).join('\n');
}

export async function run(ctx: BenchContext): Promise<void> {
  const o = parseOptions(ctx.args);
  const count = Math.max(20, Math.round(FULL_CORPUS * o.scale));
  say(`mail benchmark: ${count} messages (scale ${o.scale})${o.cpuProf ? ', CPU profiling on (figures not comparable)' : ''}`);

  const dovecot = await startDovecot();
  try {
    const corpus = await appendCorpus(dovecot.imapUrl, count);
    say(`  corpus appended: ${(corpus.bytes / MIB).toFixed(1)} MiB in ${corpus.seconds.toFixed(1)} s ` +
      `(typical ${corpus.shapes.typical}, 2 MB ${corpus.shapes.large}, small ${corpus.shapes.small})`);

    // Appended now so Dovecot's work on it does not fall inside a timed pass; one account per worker run.
    const big = await largestApplication();
    const rssAccounts = [];
    for (let run = 1; run <= RSS_RUNS; run++) {
      const account = dovecot.addUser(`rss${run}@pontianak.go.id`);
      await appendToMailbox(account.imapUrl, [big]);
      rssAccounts.push(account);
    }
    say(`  25 MB message appended to ${RSS_RUNS} more accounts: ${(big.length / MIB).toFixed(2)} MiB`);
    // Dovecot's gigabyte is still in the page cache, dirty: written back while the passes run, it would
    // be charged to whichever pass fsyncs (the end-to-end one; ext4 orders its journal commits after
    // that data). The set-up's writes go to disk now, before any timed pass.
    const flushed = performance.now();
    execFileSync('sync');
    say(`  set-up written back to disk (sync): ${((performance.now() - flushed) / 1000).toFixed(1)} s`);

    const load = [loadavg()[0] ?? 0];
    say('  baseline pass 1 of 2 (imapflow download + mailparser, INBOX)…');
    const b = profiler(o.cpuProf, join(ctx.resultsDir, 'mail-baseline.cpuprofile'));
    const { value: before, cpu: beforeCpu } = await cpuDuring(() => b.around(() => baselinePass(dovecot.imapUrl, 'INBOX', count)));
    say(`    ${before.messages} messages in ${before.seconds.toFixed(1)} s: ${before.perSecond.toFixed(1)} messages/s; ${cpuLine(beforeCpu)}`);

    // The end-to-end pass writes its vault (~1.8 GB at full scale) durably; the baseline writes nothing.
    const disk = [durableWriteSpeed(tmpdir())];
    say(`  disk: ${disk[0]} MiB/s durable writes (256 MiB written and fsynced under ${tmpdir()})`);
    say('  end-to-end pass (syncMailbox → ingest on SQLite)…');
    const e = profiler(o.cpuProf, join(ctx.resultsDir, 'mail-e2e.cpuprofile'));
    const { value: e2e, cpu: e2eCpu } = await cpuDuring(() => endToEndPass(dovecot.imapUrl, e.around));
    say(`    ${e2e.messages} messages in ${e2e.seconds.toFixed(1)} s: ${e2e.perSecond.toFixed(1)} messages/s; ${cpuLine(e2eCpu)}`);

    disk.push(durableWriteSpeed(tmpdir()));
    say('  baseline pass 2 of 2 (the same messages, now in RA/Processed)…');
    const after = await baselinePass(dovecot.imapUrl, PROCESSED, count);
    say(`    ${after.messages} messages in ${after.seconds.toFixed(1)} s: ${after.perSecond.toFixed(1)} messages/s`);
    load.push(loadavg()[0] ?? 0);
    const baseline = { perSecond: (before.messages + after.messages) / (before.seconds + after.seconds), attachments: before.attachments };

    say(`  peak RSS: a fresh child process syncs the 25 MB message (${RSS_RUNS} runs)…`);
    const rssRuns: RssReport[] = [];
    for (const account of rssAccounts) rssRuns.push(await rssWorker(account.imapUrl));
    const peakOf = (r: RssReport): number => Math.max(r.sampledPeakMb, r.kernelPeakMb ?? 0);
    // The worst run is the figure: the target is a ceiling.
    const rss = rssRuns.reduce((worst, r) => (peakOf(r) > peakOf(worst) ? r : worst));
    const peak = peakOf(rss);

    const ratio = e2e.perSecond / baseline.perSecond;
    const problems = [
      ...(e2e.messages !== count ? [`end-to-end handled ${e2e.messages} of ${count} messages`] : []),
      ...(e2e.left !== 0 ? [`${e2e.left} messages were left in INBOX`] : []),
      ...(e2e.quarantined !== 0 ? [`${e2e.quarantined} corpus messages were quarantined`] : []),
      ...((e2e.statuses['pending_review'] ?? 0) !== count ? [`requests by status: ${JSON.stringify(e2e.statuses)}, expected ${count} pending_review`] : []),
      ...(baseline.attachments !== count * 3 ? [`baseline parsed ${baseline.attachments} attachments, expected ${count * 3}`] : []),
      ...rssRuns.filter((r) => r.handled !== 1 || r.requestStatuses.join() !== 'pending_review').map((r) =>
        `the 25 MB message was not read whole: handled ${r.handled}, quarantined ${r.quarantined}, statuses ${r.requestStatuses.join() || 'none'}`),
    ];

    const result = {
      bench: 'mail',
      at: new Date().toISOString(),
      scale: o.scale,
      cpuProfiling: o.cpuProf,
      // One-minute load average when the timed passes began and ended: above the core count, a neighbour competed.
      machine: { ...machineFacts(load), durableWriteMiBps: disk },
      figures: {
        messagesPerSecond: { value: round(e2e.perSecond, 2), unit: 'messages/s' },
        baselineMessagesPerSecond: { value: round(baseline.perSecond, 2), unit: 'messages/s' },
        ratio: { value: round(ratio, 3), target: `>= ${TARGET_RATIO}`, pass: ratio >= TARGET_RATIO },
        peakRssMb: { value: peak, unit: 'MiB', target: `< ${TARGET_PEAK_RSS_MB}`, pass: peak < TARGET_PEAK_RSS_MB },
        rssBeforeMb: { value: rss.rssBeforeMb, unit: 'MiB' },
        corpus: { messages: count, megabytes: round(corpus.bytes / MIB, 1), attachmentMegabytes: round(corpus.attachmentBytes / MIB, 1), shapes: corpus.shapes },
      },
      details: {
        baseline: {
          before: { messagesPerSecond: round(before.perSecond, 2), seconds: round(before.seconds, 2) },
          after: { messagesPerSecond: round(after.perSecond, 2), seconds: round(after.seconds, 2) },
          attachments: before.attachments,
          cpu: beforeCpu,
        },
        endToEnd: { cpu: e2eCpu, seconds: round(e2e.seconds, 2), syncs: e2e.syncs, quarantined: e2e.quarantined, duplicates: e2e.duplicates, requests: e2e.statuses },
        rss: { messageMegabytes: round(big.length / MIB, 2), peaksMb: rssRuns.map(peakOf), worst: rss },
        corpusSeconds: round(corpus.seconds, 1),
      },
      valid: problems.length === 0,
      problems,
    };
    writeFileSync(join(ctx.resultsDir, 'mail.json'), `${JSON.stringify(result, null, 2)}\n`);

    say('');
    say(table([
      ['figure', 'value', 'target', ''],
      ['end to end', `${e2e.perSecond.toFixed(1)} msg/s`, '', ''],
      ['baseline (imapflow + mailparser)', `${baseline.perSecond.toFixed(1)} msg/s`, '', `(${before.perSecond.toFixed(1)} before, ${after.perSecond.toFixed(1)} after)`],
      ['ratio', ratio.toFixed(3), `>= ${TARGET_RATIO}`, verdict(result.figures.ratio.pass)],
      ['peak RSS, 25 MB message', `${peak.toFixed(1)} MiB`, `< ${TARGET_PEAK_RSS_MB}`, verdict(result.figures.peakRssMb.pass)],
      ['RSS before that message', `${rss.rssBeforeMb.toFixed(1)} MiB`, '', ''],
      ['corpus', `${count} msgs, ${(corpus.bytes / MIB).toFixed(0)} MiB`, '', ''],
    ]));
    // This benchmark itself (node + Dovecot) keeps about 1.5 cores busy; more than that is a neighbour.
    say(`  load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${cpus().length} cores (this benchmark accounts for ~1.5)`);
    say(`  disk ${disk.join(' → ')} MiB/s durable writes before and after the end-to-end pass, which writes its vault durably ` +
      '(the baseline writes nothing; on the 2-core VM of 2026-12-07 the ratio was 0.70–0.79 while dd measured ~560 MB/s, and 0.51–0.59 at 107–217)');
    say(`  (peak RSS of ${RSS_RUNS} runs: ${rssRuns.map((r) => peakOf(r).toFixed(1)).join(', ')} MiB, the worst counts; in it, sampled every 10 ms ` +
      `${rss.sampledPeakMb} MiB over ${rss.samples} samples, kernel VmHWM ${rss.kernelPeakMb ?? 'n/a'} MiB, the larger counts)`);
    for (const p of problems) say(`  WARNING: ${p}: the figures above do not measure what they claim`);
    say(`  written to ${join(ctx.resultsDir, 'mail.json')}`);
    const baselineProfile = b.profile();
    const e2eProfile = e.profile();
    if (baselineProfile) summariseProfile('baseline profile (pass 1)', baselineProfile);
    if (e2eProfile) summariseProfile('end-to-end profile (sync calls only)', e2eProfile);
  } finally {
    await dovecot.stop();
  }
}
