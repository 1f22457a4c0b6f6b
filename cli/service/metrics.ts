import type { DataSource } from 'typeorm';
import { OutboxSchema, RequestSchema } from '../../storage/entities/schemas.ts';

/** Counters the service keeps while it runs; gauges are read from the database at each scrape. */
export interface ServiceMetrics {
  mailHandled(outcome: 'handled' | 'quarantined' | 'moved', n: number): void;
  reminderRun(): void;
  error(component: 'mail' | 'bot' | 'outbox' | 'reminders'): void;
  /** Prometheus text exposition format 0.0.4. */
  render(): Promise<string>;
}

const HELP: Readonly<Record<string, readonly [string, string]>> = {
  ra_desk_mail_messages_total: ['counter', 'Mail messages the watcher handled since start, by outcome.'],
  ra_desk_reminder_runs_total: ['counter', 'Expiry-reminder sweeps run since start.'],
  ra_desk_errors_total: ['counter', 'Errors reported by a component since start.'],
  ra_desk_requests: ['gauge', 'Requests and tickets in the register, by kind and status.'],
  ra_desk_outbox_pending: ['gauge', 'Messages waiting in the outbox, by channel.'],
  ra_desk_up: ['gauge', '1 while the service runs.'],
};

const label = (v: string): string => v.replace(/["\\\n]/g, '_');

/**
 * `/metrics` for Prometheus: what the service did since it started (mail handled, reminder runs, errors)
 * and what waits now (requests by status, outbox depth). No personal data: only counts and kind names.
 */
export function createServiceMetrics(ds: DataSource): ServiceMetrics {
  const mail = new Map<string, number>();
  const errors = new Map<string, number>();
  let reminderRuns = 0;
  const add = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  return {
    mailHandled: (outcome, n) => { if (n > 0) add(mail, outcome, n); },
    reminderRun: () => { reminderRuns++; },
    error: (component) => add(errors, component),
    async render() {
      const requests = await ds.getRepository(RequestSchema).createQueryBuilder('r')
        .select('r.kind', 'kind').addSelect('r.status', 'status').addSelect('COUNT(*)', 'n').groupBy('r.kind').addGroupBy('r.status')
        .getRawMany<{ kind: string; status: string; n: string | number }>();
      const outbox = await ds.getRepository(OutboxSchema).createQueryBuilder('o')
        .select('o.channel', 'channel').addSelect('COUNT(*)', 'n').where('o.status IN (:...s)', { s: ['pending', 'sending'] }).groupBy('o.channel')
        .getRawMany<{ channel: string; n: string | number }>();
      const lines: string[] = [];
      const family = (name: string, samples: readonly string[]) => {
        const [type, help] = HELP[name]!;
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
      };
      family('ra_desk_up', ['ra_desk_up 1']);
      family('ra_desk_mail_messages_total', ['handled', 'quarantined', 'moved'].map((o) => `ra_desk_mail_messages_total{outcome="${o}"} ${mail.get(o) ?? 0}`));
      family('ra_desk_reminder_runs_total', [`ra_desk_reminder_runs_total ${reminderRuns}`]);
      family('ra_desk_errors_total', ['mail', 'bot', 'outbox', 'reminders'].map((c) => `ra_desk_errors_total{component="${c}"} ${errors.get(c) ?? 0}`));
      family('ra_desk_requests', requests.map((r) => `ra_desk_requests{kind="${label(r.kind)}",status="${label(r.status)}"} ${Number(r.n)}`));
      family('ra_desk_outbox_pending', ['email', 'telegram'].map((c) => `ra_desk_outbox_pending{channel="${c}"} ${Number(outbox.find((o) => o.channel === c)?.n ?? 0)}`));
      return `${lines.join('\n')}\n`;
    },
  };
}
