import type { CommandContext } from '../main.ts';
import { parseFlags } from '../main.ts';
import { EXIT, UsageError } from '../io.ts';
import { openApp } from '../app.ts';
import { CASE_KINDS, isCaseKind } from '../../domain/requests/case-kind.ts';
import { CASE_STATUSES, isCaseStatus } from '../../domain/requests/request-status.ts';
import { isCaseId } from '../../domain/requests/case-id.ts';
import type { CaseRecord } from '../../domain/requests/case-record.ts';

/** The JSON an integrator or auditor reads; stable field names, no NIK. */
export function caseJson(c: CaseRecord) {
  const checks = Object.fromEntries(c.checks.map((k) => [k.rule, k.pass ? 'pass' : 'fail']));
  return {
    id: c.id, kind: c.kind, status: c.status, channel: c.channel,
    applicant: { nip: c.applicant.nip, email: c.applicant.email, name: c.applicant.name },
    certificateType: c.certificateType, uses: c.uses, createdAt: c.createdAt, updatedAt: c.updatedAt,
    checks, missing: c.checks.filter((k) => !k.pass).map((k) => k.rule),
    decision: c.decision ? { officer: c.decision.officerTelegramId, outcome: c.decision.outcome, reasons: c.decision.reasons, note: c.decision.note, at: c.decision.decidedAt } : null,
  };
}

/** `ra-desk requests list [--status S] [--kind K] [--json]` and `ra-desk requests show ID [--json]`. */
export async function runRequests(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'list' && action !== 'show') throw new UsageError('REQUESTS.USAGE');
  const { values, positionals } = parseFlags(rest, { status: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } });
  const limit = values.limit === undefined ? 1000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError('REQUESTS.BAD_LIMIT', { given: values.limit ?? '' });
  if (values.status !== undefined && !isCaseStatus(values.status)) throw new UsageError('REQUESTS.BAD_STATUS', { given: values.status, expected: CASE_STATUSES.join(', ') });
  if (values.kind !== undefined && !isCaseKind(values.kind)) throw new UsageError('REQUESTS.BAD_KIND', { given: values.kind, expected: CASE_KINDS.join(', ') });
  if (action === 'show' && (positionals.length !== 1 || !isCaseId(positionals[0]!.toUpperCase()))) throw new UsageError('REQUESTS.BAD_ID', { given: positionals[0] ?? '' });
  if (action === 'list' && positionals.length > 0) throw new UsageError('REQUESTS.USAGE');

  const app = await openApp(await ctx.config());
  const { io, } = ctx;
  try {
    if (action === 'show') {
      const c = await app.ports.cases.get(positionals[0]!.toUpperCase());
      if (!c) { io.err(`ra-desk: ${io.t.message('REQUESTS.NOT_FOUND', { id: positionals[0]!.toUpperCase() })}`); return EXIT.failure; }
      io.out(values.json ? JSON.stringify(caseJson(c), null, 2) : io.t.render('cli/request-detail.txt', { ...caseJson(c), checkList: c.checks.map((k) => ({ ...k, explanation: io.t.message(k.code, k.params) })) }).trimEnd());
      return EXIT.ok;
    }
    const filter = { limit, ...(values.status ? { status: values.status as never } : {}), ...(values.kind ? { kind: values.kind as never } : {}) };
    const list = await app.ports.cases.list(filter);
    if (list.length === limit) io.err(io.t.message('REQUESTS.LIMIT_REACHED', { limit }));
    if (values.json) io.out(JSON.stringify(list.map(caseJson), null, 2));
    else if (list.length === 0) io.out(io.t.message('REQUESTS.LIST_EMPTY'));
    else for (const c of list) io.out(io.t.message('REQUESTS.LIST_LINE', { id: c.id, kind: c.kind, status: c.status, channel: c.channel, createdAt: c.createdAt.slice(0, 16).replace('T', ' '), missing: c.checks.filter((k) => !k.pass).length }));
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
