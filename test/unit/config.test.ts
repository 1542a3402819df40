import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { statementNames } from '../../src/db/database.ts';

const KEYS = `k1:${randomBytes(32).toString('base64')}`;

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  test('defaults: embedded database under ./data, port 4000, development tools on', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/data[/\\]pglite$/) });
    expect(config.graphql.introspection).toBe(true);
    expect(config.graphql.graphiql).toBe(true);
    expect(config.redisUrl).toBeUndefined();
  });

  test('production refuses to run without ENCRYPTION_KEYS or with a key no one generated at random', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'ENCRYPTION_KEYS: required in production (the key generated into DATA_DIR is for development)',
    ]);
    const typed = Buffer.from('correct horse battery staple 123').toString('base64');
    const repeated = Buffer.alloc(32, 7).toString('base64');
    const sequence = Buffer.concat([randomBytes(20), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])]).toString(
      'base64',
    );
    expect(problems({ NODE_ENV: 'production', ENCRYPTION_KEYS: `new:${typed},old:${repeated}` })).toEqual([
      'ENCRYPTION_KEYS: the key(s) new, old are not random (generate one with: openssl rand -base64 32)',
    ]);
    expect(problems({ NODE_ENV: 'production', ENCRYPTION_KEYS: `a:${sequence}` })).toHaveLength(1);
    for (let index = 0; index < 200; index += 1)
      expect(problems({ NODE_ENV: 'production', ENCRYPTION_KEYS: `k:${randomBytes(32).toString('base64')}` })).toEqual(
        [],
      );
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
  });

  test('production turns introspection and GraphiQL off unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEYS: KEYS }).graphql).toMatchObject({
      introspection: false,
      graphiql: false,
    });
    expect(
      loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEYS: KEYS, GRAPHQL_INTROSPECTION: 'true' }).graphql
        .introspection,
    ).toBe(true);
  });

  test('DATABASE_URL selects PostgreSQL; lists are comma-separated', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u@h/db',
      BOARD_PLUGINS: 'a, ./b.js ,',
      CORS_ORIGINS: 'https://x.example',
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgresql://u@h/db',
      poolSize: 10,
      preparedStatements: 500,
    });
    expect(config.boardPlugins).toEqual(['a', './b.js']);
    expect(config.corsOrigins).toEqual(['https://x.example']);
  });

  test('DATABASE_PREPARED_STATEMENTS: how many statements each connection prepares, 0 for none', () => {
    const database = (value: string) =>
      loadConfig({ DATABASE_URL: 'postgresql://u@h/db', DATABASE_PREPARED_STATEMENTS: value }).database;
    expect(database('0')).toMatchObject({ preparedStatements: 0 });
    expect(database('64')).toMatchObject({ preparedStatements: 64 });
    expect(problems({ DATABASE_PREPARED_STATEMENTS: '-1' })).toHaveLength(1);
    expect(problems({ DATABASE_PREPARED_STATEMENTS: 'many' })[0]).toMatch(/^DATABASE_PREPARED_STATEMENTS: /);
  });

  test('statement names: one per distinct text, the same for the same text, none past the limit', () => {
    const name = statementNames(2);
    const [first, second] = [name({ sql: 'SELECT 1' }), name({ sql: 'SELECT 2' })];
    expect(first).not.toBe(second);
    expect(name({ sql: 'SELECT 1' })).toBe(first);
    expect(name({ sql: 'SELECT 3' })).toBeUndefined();
    expect(name({ sql: 'SELECT 2' })).toBe(second);
    expect(statementNames(0)({ sql: 'SELECT 1' })).toBeUndefined();
  });

  test('ENCRYPTION_KEYS takes id:base64 entries of 32-byte keys', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ ENCRYPTION_KEYS: `k2:${key},k1:${key}` }).encryptionKeys?.map((entry) => entry.id)).toEqual([
      'k2',
      'k1',
    ]);
  });

  test('each bad value gives one line naming the variable and what is expected, never a secret', () => {
    const lines = problems({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      REDIS_URL: 'http://cache',
      LOG_LEVEL: 'loud',
      ENCRYPTION_KEYS: 'k1:c2hvcnQ=',
      GRAPHQL_INTROSPECTION: 'maybe',
      MAX_QUERY_DEPTH: '0',
    });
    expect(lines).toHaveLength(7);
    expect(lines).toEqual(
      expect.arrayContaining([
        'PORT: expected a port number (got "eighty")',
        'DATABASE_URL: expected a postgresql:// connection URL',
        'REDIS_URL: expected a redis:// or rediss:// URL',
        'ENCRYPTION_KEYS: expected id:base64key entries, each key 32 bytes in base64',
        'GRAPHQL_INTROSPECTION: expected true or false (got "maybe")',
        'MAX_QUERY_DEPTH: expected at least 1 (got "0")',
      ]),
    );
    expect(lines.find((line) => line.startsWith('LOG_LEVEL:'))).toMatch(/LOG_LEVEL: .*"loud"/);
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});
