import { NO_ROW, rowId } from '../core/ids.ts';
import type { Context } from './context.ts';

/** The unique filter for a row of the caller's organisation; another organisation's id finds nothing. */
export function inOrganization(id: string, context: Context): { id: string; organizationId: string } {
  return { id: rowId(id), organizationId: context.viewer?.organizationId ?? NO_ROW };
}

/** The filter for the caller's own organisation; any other organisation's id finds nothing. */
export function ownOrganization(id: string, context: Context): { id: string } {
  return { id: context.viewer?.organizationId === id ? id : NO_ROW };
}
