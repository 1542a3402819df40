import { GraphQLError } from 'graphql';
import { describe, expect, test } from 'vitest';
import { Prisma } from '../../src/db/generated/prisma/client.ts';
import { isDatabaseUnavailable } from '../../src/http/database-errors.ts';

const known = (code: string, message: string) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: Prisma.prismaVersion.client });

describe('losing the database is told apart from a query the database refused', () => {
  test.each([
    ['P1017', 'Server has closed the connection.'],
    ['P1001', "Can't reach database server at 127.0.0.1:5432"],
    ['P2024', 'Timed out fetching a new connection from the connection pool.'],
  ])('Prisma %s, wrapped by GraphQL as a resolver error, is the database unavailable', (code, message) => {
    const error = new GraphQLError('resolver failed', { originalError: known(code, message) });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test('a refused query (unique constraint) and an error of ours are not', () => {
    expect(isDatabaseUnavailable(known('P2002', 'Unique constraint failed on the fields: (`id`)'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Connection closed'))).toBe(false);
  });
});
