// /approvals: client approval links of a content (the token is shown once) and their decisions.
import { api, listAll, ok, type Schema } from './client';

export type Approval = Schema<'Approval'>;
export type CreatedApproval = Schema<'CreatedApproval'>;

export const APPROVAL_STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Changes requested',
  expired: 'Expired',
  revoked: 'Revoked',
};

export const approvals = {
  all: () => listAll('/api/v1/approvals'),
  of: (content_id: string) => listAll('/api/v1/approvals/content/{content_id}', { path: { content_id } }),
  create: (content_id: string, body: Schema<'CreateApprovalRequest'>) =>
    ok(api.POST('/api/v1/approvals/content/{content_id}', { params: { path: { content_id } }, body })),
  revoke: (id: string) => ok(api.DELETE('/api/v1/approvals/{id}', { params: { path: { id } } })),
};
