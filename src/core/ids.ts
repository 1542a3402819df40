const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Matches no row: stands in for ids that are not UUIDs, which PostgreSQL would refuse with an error. */
export const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** The id if it is a UUID, else an id that matches no row. */
export function rowId(id: string): string {
  return UUID.test(id) ? id : NO_ROW;
}
