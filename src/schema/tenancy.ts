import type { Context } from './context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Matches no row: used for ids that are not UUIDs, which PostgreSQL would otherwise refuse with an error. */
const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** The unique filter for a row of the caller's organisation; another organisation's id finds nothing. */
export function inOrganization(id: string, context: Context): { id: string; organizationId: string } {
  return { id: UUID.test(id) ? id : NO_ROW, organizationId: context.viewer?.organizationId ?? NO_ROW };
}
