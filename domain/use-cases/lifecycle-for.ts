import type { Lifecycle } from '../shared/lifecycle.ts';
import type { CaseKind } from '../requests/case-kind.ts';
import type { CaseStatus } from '../requests/request-status.ts';
import { issuanceLifecycle } from '../issuance/lifecycle.ts';
import { renewalLifecycle } from '../renewal/lifecycle.ts';
import { revocationLifecycle } from '../revocation/lifecycle.ts';
import { incidentLifecycle } from '../incident/lifecycle.ts';
import { helpLifecycle } from '../help/lifecycle.ts';
import { complaintLifecycle } from '../complaint/lifecycle.ts';

/** The lifecycle module that owns a kind; use cases ask it for every status change. */
export const lifecycles: Readonly<Record<CaseKind, Lifecycle<CaseStatus, string>>> = {
  issuance: issuanceLifecycle as Lifecycle<CaseStatus, string>,
  renewal: renewalLifecycle as Lifecycle<CaseStatus, string>,
  revocation: revocationLifecycle as Lifecycle<CaseStatus, string>,
  incident: incidentLifecycle as Lifecycle<CaseStatus, string>,
  help: helpLifecycle as Lifecycle<CaseStatus, string>,
  complaint: complaintLifecycle as Lifecycle<CaseStatus, string>,
};
