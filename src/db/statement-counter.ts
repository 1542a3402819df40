const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i;

/** How many SQL statements Prisma sent through a driver adapter (transaction control not counted). */
export interface StatementCounter {
  count: number;
}

/**
 * Wraps a driver adapter factory so that every query and command it runs, in or out of a transaction, adds one
 * to `counter`: what `db_statements_total` reports, and what the tests that guard against N+1 queries read.
 */
export function countStatements<Factory extends object>(factory: Factory, counter: StatementCounter): Factory {
  const wrap = <Target extends object>(target: Target): Target =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== 'function') return value;
        if (property === 'queryRaw' || property === 'executeRaw') {
          return (...args: unknown[]) => {
            // A transaction's end goes through executeRaw too; its start does not.
            if (!TRANSACTION_CONTROL.test((args[0] as { sql?: string } | undefined)?.sql ?? '')) counter.count += 1;
            return value.apply(object, args);
          };
        }
        if (property === 'connect' || property === 'startTransaction') {
          return async (...args: unknown[]) => wrap(await value.apply(object, args));
        }
        return value.bind(object);
      },
    });
  return wrap(factory);
}
