// The conformance checks every board plugin passes, run against the plugin and its simulator. They need no test
// runner: `checkBoardPlugin` runs them and reports each; the test kit (`describeBoardPlugin`) makes each a vitest
// test. They use node:assert, so a failure says what was expected.
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { BoardError } from './board-error.ts';
import { createPluginContext, type StructuredLogger } from './context.ts';
import { healthSchema } from './contract-health.ts';
import { credentialsSchema } from './credentials.ts';
import type { PluginState } from './extensions.ts';
import type { FeedItem } from './feeds.ts';
import { validatePlugin } from './manifest.ts';
import { generatedNames } from './naming.ts';
import type { Fault, RecordedCall } from './simulator.ts';
import type { BoardPlugin, Credentials, PluginContext, PostingPayload } from './types.ts';
import { webhookResultSchema } from './webhook-events.ts';
import { WebhookError, type WebhookResult } from './webhooks.ts';

/** What the checks need of a board simulator (`startSimulator` from the SDK's simulator toolkit provides it). */
export interface KitSimulator {
  url: string;
  /** Every request the simulator received, in order. */
  calls: readonly Pick<RecordedCall, 'method' | 'path' | 'query' | 'headers' | 'body'>[];
  inject(fault: Fault, options?: { times?: number; method?: string }): void;
  close(): Promise<void>;
}

/** A delivery the board would send, and the events the plugin must read from it (compared as a subset). */
export interface WebhookSample {
  name: string;
  /** The delivery's raw body, signed by `signWebhook`. */
  body: string;
  /** The events `handleWebhook` must return, each compared field by field with what it returns. */
  events: Record<string, unknown>[];
}

export interface ConformanceOptions {
  plugin: BoardPlugin;
  /** Starts the plugin's simulator; called once. */
  startSimulator: () => Promise<KitSimulator>;
  /** The environment to test in (the plugin's first by default). */
  environment?: string;
  credentials: {
    /** Credentials the simulator accepts. */
    valid: Credentials;
    /** Credentials that are well-formed but that the simulator refuses. */
    refused: Credentials;
    /** Another customer's valid credentials: a board posting of `valid`'s must not be found with them (linkExisting). */
    other?: Credentials;
  };
  /** A posting the board accepts, for plugins that publish (board fields as the recruiter would send them). */
  posting?: PostingPayload;
  /** Board fields `postingFields` must refuse, each with the path of the field it must name (e.g. "postalCode"). */
  invalidBoardFields?: { boardFields: Record<string, unknown>; path: string }[];
  /**
   * For plugins with webhooks: signs a delivery the way the board does, with these credentials and timestamp
   * (seconds since the epoch); `body` replaces the board's usual event body when given.
   */
  signWebhook?: (
    credentials: Credentials,
    options: { timestamp: number; body?: string },
  ) => { headers: Record<string, string>; body: string };
  /**
   * For plugins with webhooks: deliveries of each kind the board sends (a review, a rejection with its reason, an
   * expiry, an application with its CV…), at least two about the same posting, and the events each must give.
   */
  webhookSamples?: WebhookSample[];
}

export interface Check {
  /** e.g. "publish › …"; unique within a plugin. */
  name: string;
  /** False when the plugin does not declare what the check is about. */
  applies: boolean;
  run(): Promise<void>;
}

export interface CheckOutcome {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const UNKNOWN_ID = 'kit-unknown-posting';

type Operation = 'verifyCredentials' | 'publish' | 'update' | 'withdraw' | 'fetchPosting' | 'checkContract';

/** Faults a board can throw at any call, and the BoardError each must become. */
const RETRYABLE_FAULTS: { label: string; fault: Fault; code: string }[] = [
  { label: 'a server error (503)', fault: { type: 'error', status: 503 }, code: 'UNAVAILABLE' },
  { label: 'a rate limit with Retry-After', fault: { type: 'rateLimit', retryAfterSeconds: 7 }, code: 'RATE_LIMITED' },
  { label: 'a reset connection', fault: { type: 'reset' }, code: 'NETWORK' },
  { label: 'a malformed answer', fault: { type: 'garbage' }, code: 'BAD_RESPONSE' },
  { label: 'no answer', fault: { type: 'hang' }, code: 'TIMEOUT' },
];

/** Whether `actual` has every field of `expected` with the same value (objects recursively, arrays item by item). */
function matches(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => matches(actual[index], item))
    );
  if (expected !== null && typeof expected === 'object') {
    return (
      actual !== null &&
      typeof actual === 'object' &&
      Object.entries(expected).every(([key, value]) => matches((actual as Record<string, unknown>)[key], value))
    );
  }
  return Object.is(actual, expected);
}

/** Everything a plugin writes to the console, stdout or stderr while `capture` is on, for the secret scan. */
function captureOutput(lines: string[]) {
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const consoleMethods = methods.map((method) => console[method]);
  return {
    start() {
      streams.forEach((stream, index) => {
        stream.write = ((chunk: unknown, ...rest: unknown[]) => {
          lines.push(String(chunk));
          return (writes[index] as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
        }) as typeof stream.write;
      });
      methods.forEach((method, index) => {
        console[method] = (...args: unknown[]) => {
          lines.push(
            args.map((arg) => (typeof arg === 'string' ? arg : (JSON.stringify(arg) ?? String(arg)))).join(' '),
          );
          (consoleMethods[index] as (...args: unknown[]) => void)(...args);
        };
      });
    },
    stop() {
      streams.forEach((stream, index) => {
        stream.write = writes[index] as typeof stream.write;
      });
      methods.forEach((method, index) => {
        console[method] = consoleMethods[index] as (typeof console)[typeof method];
      });
    },
  };
}

/**
 * Each operation of the plugin as one call; those about a posting get one published for them first, so that a
 * fault injected just before the call lands on the operation's own request, not on that publication.
 */
function operationsOf(
  plugin: BoardPlugin,
  context: (credentials?: Credentials, timeoutMs?: number) => PluginContext & { baseUrl: string },
  posting: () => PostingPayload,
  key: (label: string) => string,
): Record<Operation, KitOperation> {
  const capabilities = new Set(plugin.capabilities);
  return {
    verifyCredentials: {
      applies: Boolean(plugin.verifyCredentials),
      aboutPosting: false,
      run: (timeoutMs) => plugin.verifyCredentials!(context(undefined, timeoutMs)),
    },
    publish: {
      applies: capabilities.has('publish'),
      aboutPosting: false,
      run: (timeoutMs) =>
        plugin.publish!({ ...context(undefined, timeoutMs), posting: posting(), idempotencyKey: key('publish') }),
    },
    update: {
      applies: capabilities.has('update'),
      aboutPosting: true,
      run: (timeoutMs, externalId) =>
        plugin.update!({
          ...context(undefined, timeoutMs),
          posting: posting(),
          externalId,
          idempotencyKey: key('update'),
        }),
    },
    withdraw: {
      applies: capabilities.has('withdraw'),
      aboutPosting: true,
      run: (timeoutMs, externalId) =>
        plugin.withdraw!({ ...context(undefined, timeoutMs), externalId, idempotencyKey: key('withdraw') }),
    },
    fetchPosting: {
      applies: Boolean(plugin.fetchPosting) && capabilities.has('publish'),
      aboutPosting: true,
      run: (timeoutMs, externalId) => plugin.fetchPosting!({ ...context(undefined, timeoutMs), externalId }),
    },
    checkContract: {
      applies: capabilities.has('contractHealth'),
      aboutPosting: false,
      run: (timeoutMs) => plugin.checkContract!(context(undefined, timeoutMs)),
    },
  };
}

/** An operation of the plugin as the fault checks call it. */
interface KitOperation {
  applies: boolean;
  aboutPosting: boolean;
  run: (timeoutMs: number, externalId: string) => Promise<unknown>;
}

/** What the checks share: the plugin, the kit's options, its simulator, and what the plugin produced. */
function createKit(options: ConformanceOptions) {
  const { plugin } = options;
  const environment = options.environment ?? plugin.environments[0]!;
  const capabilities = new Set(plugin.capabilities);
  const credentialSets = [
    options.credentials.valid,
    options.credentials.refused,
    ...(options.credentials.other ? [options.credentials.other] : []),
  ];
  const secretValues = credentialSets.flatMap((credentials) =>
    plugin.credentials
      .filter((field) => field.secret && credentials[field.key] !== undefined)
      .map((field) => String(credentials[field.key])),
  );
  // Everything the plugin returned, threw, logged or printed: scanned for secrets by the last check.
  const produced: string[] = [];
  const logLines: string[] = [];
  const log: StructuredLogger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (fields: Record<string, unknown>, message: string) =>
        logLines.push(JSON.stringify({ level, ...fields, msg: message })),
    ]),
  ) as unknown as StructuredLogger;
  const output = captureOutput(produced);
  let simulator: KitSimulator;

  const context = (credentials = options.credentials.valid, timeoutMs = 2000): PluginContext & { baseUrl: string } =>
    createPluginContext({ plugin, environment, credentials, baseUrl: simulator.url, timeoutMs, log });

  /** Calls the plugin, keeping what it returned or threw for the secret scan. */
  async function call<T>(work: () => Promise<T> | T): Promise<T> {
    try {
      const result = await work();
      produced.push(JSON.stringify(result) ?? '');
      return result;
    } catch (error) {
      produced.push(JSON.stringify({ message: (error as Error)?.message, ...(error as object) }));
      throw error;
    }
  }
  const failure = (work: () => Promise<unknown>) =>
    call(work).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  /** The requests the simulator received while `work` ran. */
  async function requestsDuring(work: () => Promise<unknown>) {
    const before = simulator.calls.length;
    await work();
    return simulator.calls.slice(before);
  }
  const sentValue = (request: KitSimulator['calls'][number], value: string) =>
    Object.values(request.headers).some((header) => String(header).includes(value)) ||
    JSON.stringify(request.body ?? '').includes(value) ||
    request.path.includes(value);

  const posting = () => {
    assert.ok(options.posting, 'pass `posting` to the kit for a plugin that publishes');
    const defaults = plugin.postingDefaults?.(options.posting.job) ?? {};
    const boardFields = plugin.postingFields
      ? plugin.postingFields.parse({ ...defaults, ...options.posting.boardFields })
      : options.posting.boardFields;
    return { job: options.posting.job, boardFields: boardFields as Record<string, unknown> };
  };
  let keys = 0;
  const key = (label: string) => {
    keys += 1;
    return `kit-${label}-${Date.now()}-${keys}`;
  };
  const publish = (idempotencyKey = key('publish'), timeoutMs?: number) =>
    call(() => plugin.publish!({ ...context(undefined, timeoutMs), posting: posting(), idempotencyKey }));

  const operations = operationsOf(plugin, context, posting, key);

  /** Runs the operation with `fault` injected on its own request; resolves with what it threw, if anything. */
  async function faultOn(operation: Operation, fault: Fault) {
    const { aboutPosting, run } = operations[operation];
    const externalId = aboutPosting ? (await publish()).externalId : '';
    simulator.inject(fault);
    return failure(() => run(fault.type === 'hang' ? 300 : 2000, externalId));
  }

  const checks: Check[] = [];
  const add = (name: string, applies: boolean, run: () => Promise<void> | void) =>
    checks.push({ name, applies, run: async () => run() });

  return {
    plugin,
    options,
    capabilities,
    context,
    call,
    failure,
    requestsDuring,
    sentValue,
    posting,
    key,
    publish,
    operations,
    faultOn,
    add,
    produced,
    logLines,
    secretValues,
    environment,
    checks,
    /** The board's simulator; started by setUp. */
    simulator: () => simulator,
    async setUp() {
      simulator = await options.startSimulator();
      output.start();
    },
    async tearDown() {
      output.stop();
      await simulator?.close();
    },
  };
}

type Kit = ReturnType<typeof createKit>;

/** The manifest, what the server derives from it, and the board fields. */
function manifestChecks(kit: Kit): void {
  const { plugin, options, context, call, requestsDuring, posting, add } = kit;
  // The manifest and what the server derives from it.
  add('manifest › is valid and its sdkVersion accepts this SDK', true, () => {
    validatePlugin(plugin, 'conformance kit');
  });
  add('manifest › its generated GraphQL names are valid and share its prefix', true, () => {
    const names = generatedNames(plugin.id);
    for (const name of Object.values(names)) assert.match(name, GRAPHQL_NAME);
    assert.ok(names.credentialsInput.startsWith(names.prefix));
    for (const field of plugin.credentials) assert.match(field.key, GRAPHQL_NAME);
  });
  add(
    'credentials › the valid ones pass the credential schema; each missing required field is reported by key',
    true,
    () => {
      const schema = credentialsSchema(plugin);
      assert.deepEqual(schema.safeParse(options.credentials.valid).error?.issues ?? [], []);
      for (const field of plugin.credentials.filter((candidate) => candidate.required)) {
        const { [field.key]: _omitted, ...rest } = options.credentials.valid;
        const result = schema.safeParse(rest);
        assert.equal(result.success, false, `credentials without ${field.key} must be refused`);
        assert.ok(
          result.error?.issues.some((issue) => issue.path.join('.') === field.key),
          `the refusal must name ${field.key}`,
        );
      }
      assert.equal(
        schema.safeParse({ ...options.credentials.valid, notAField: 'x' }).success,
        false,
        'an unknown credential key must be refused',
      );
    },
  );

  // Board fields.
  add(
    "posting fields › the sample posting's board fields, with the defaults from its job, are valid",
    Boolean(plugin.postingFields && options.posting),
    () => {
      const defaults = plugin.postingDefaults?.(options.posting!.job) ?? {};
      assert.equal(typeof defaults, 'object', 'postingDefaults must return an object');
      const parsed = plugin.postingFields!.safeParse({ ...defaults, ...options.posting!.boardFields });
      assert.deepEqual(parsed.error?.issues ?? [], []);
    },
  );
  add(
    'posting fields › the board fields the board would refuse are refused, naming the field',
    Boolean(plugin.postingFields && options.invalidBoardFields?.length),
    () => {
      for (const sample of options.invalidBoardFields!) {
        const parsed = plugin.postingFields!.safeParse({ ...options.posting?.boardFields, ...sample.boardFields });
        assert.equal(parsed.success, false, `${JSON.stringify(sample.boardFields)} must be refused`);
        assert.ok(
          parsed.error.issues.some((issue) => issue.path.join('.') === sample.path),
          `the refusal of ${JSON.stringify(sample.boardFields)} must name ${sample.path}`,
        );
      }
    },
  );
  add(
    "posting fields › validatePosting: the board's dry run takes the sample posting",
    Boolean(plugin.validatePosting && options.posting),
    async () => {
      const requests = await requestsDuring(() =>
        call(() => plugin.validatePosting!({ ...context(), posting: posting() })),
      );
      assert.ok(requests.length > 0, 'validatePosting must ask the board');
    },
  );
  add(
    'posting fields › checkPosting finds nothing wrong with the sample posting',
    Boolean(plugin.checkPosting && options.posting),
    async () => {
      assert.deepEqual(await call(() => plugin.checkPosting!(posting())), []);
    },
  );
}

/** Credentials against the board, and publishing: idempotency, lost answers. */
function publishChecks(kit: Kit): void {
  const { plugin, options, capabilities, context, call, failure, requestsDuring, sentValue, key, publish, add } = kit;
  // Credentials against the board.
  add('verifyCredentials › accepts the credentials the board accepts', Boolean(plugin.verifyCredentials), async () => {
    assert.deepEqual(await call(() => plugin.verifyCredentials!(context())), { ok: true });
  });
  add(
    'verifyCredentials › refuses the credentials the board refuses, with a reason',
    Boolean(plugin.verifyCredentials),
    async () => {
      let refused: { ok: boolean; reason?: string };
      try {
        refused = await call(() => plugin.verifyCredentials!(context(options.credentials.refused)));
      } catch (error) {
        assert.ok(error instanceof BoardError, 'a refusal is a result or a BoardError');
        assert.equal(error.retryable, false, 'refused credentials are not worth retrying');
        refused = { ok: false, reason: error.userMessage };
      }
      assert.equal(refused.ok, false);
      assert.ok((refused.reason?.length ?? 0) > 0, 'the refusal needs a reason a recruiter can act on');
    },
  );

  // Postings.
  add('publish › the kit was given a sample posting', capabilities.has('publish'), () => {
    assert.ok(options.posting, 'pass `posting` to the kit for a plugin that publishes');
  });
  add(
    'publish › twice with one idempotency key makes one posting, and the key reaches the board',
    capabilities.has('publish'),
    async () => {
      const idempotencyKey = key('publish');
      let first: Awaited<ReturnType<typeof publish>> | undefined;
      const requests = await requestsDuring(async () => (first = await publish(idempotencyKey)));
      const again = await publish(idempotencyKey);
      assert.ok(first!.externalId.length > 0);
      assert.equal(again.externalId, first!.externalId, 'the same idempotency key must give the same posting');
      assert.ok(
        requests.some((request) => sentValue(request, idempotencyKey)),
        'publish must send the idempotency key it is given to the board',
      );
    },
  );
  add(
    'publish › after an answer lost once the board acted, the retry with the same key finds the same posting',
    capabilities.has('publish'),
    async () => {
      const idempotencyKey = key('lost');
      kit.simulator().inject({ type: 'lost' });
      const lost = await failure(() => publish(idempotencyKey, 300));
      assert.ok(
        lost instanceof BoardError && lost.code === 'TIMEOUT' && lost.retryable,
        'a lost answer is a retryable TIMEOUT',
      );
      const retried = await publish(idempotencyKey);
      const other = await publish(key('other'));
      assert.notEqual(other.externalId, retried.externalId, 'another key must give another posting');
      const state = plugin.fetchPosting
        ? await call(() => plugin.fetchPosting!({ ...context(), externalId: retried.externalId }))
        : undefined;
      if (plugin.fetchPosting)
        assert.ok(state, 'the posting created before the answer was lost is the one the retry returns');
    },
  );
}

/** What follows a publication: update, withdraw, reading back, linking, contract health, request URLs. */
function postingChecks(kit: Kit): void {
  const {
    plugin,
    options,
    capabilities,
    context,
    call,
    requestsDuring,
    sentValue,
    posting,
    key,
    publish,
    add,
    secretValues,
  } = kit;
  add(
    'update › sends the idempotency key it is given, and a repeat with it is safe',
    capabilities.has('update'),
    async () => {
      const { externalId } = await publish();
      const idempotencyKey = key('update');
      const requests = await requestsDuring(() =>
        call(() => plugin.update!({ ...context(), posting: posting(), externalId, idempotencyKey })),
      );
      assert.ok(
        requests.some((request) => sentValue(request, idempotencyKey)),
        'update must send the idempotency key it is given to the board, not one of its own',
      );
      await call(() => plugin.update!({ ...context(), posting: posting(), externalId, idempotencyKey }));
    },
  );
  add(
    'withdraw › is safe to repeat, and a posting the board no longer has (404, 410) counts as withdrawn',
    capabilities.has('withdraw'),
    async () => {
      const { externalId } = await publish();
      const idempotencyKey = key('withdraw');
      await call(() => plugin.withdraw!({ ...context(), externalId, idempotencyKey }));
      await call(() => plugin.withdraw!({ ...context(), externalId, idempotencyKey }));
      await call(() => plugin.withdraw!({ ...context(), externalId: UNKNOWN_ID, idempotencyKey: key('withdraw') }));
      if (plugin.fetchPosting) {
        const state = await call(() => plugin.fetchPosting!({ ...context(), externalId }));
        assert.ok(
          state === null || state.status === 'WITHDRAWN',
          `a withdrawn posting reads as WITHDRAWN or unknown, not ${state?.status}`,
        );
      }
    },
  );
  add(
    'fetchPosting › reads back what was published, and null for a posting the board does not know',
    Boolean(plugin.fetchPosting) && capabilities.has('publish'),
    async () => {
      const published = await publish();
      const state = await call(() => plugin.fetchPosting!({ ...context(), externalId: published.externalId }));
      assert.equal(state?.status, published.status);
      assert.equal(await call(() => plugin.fetchPosting!({ ...context(), externalId: UNKNOWN_ID })), null);
    },
  );
  add("linkExisting › the kit was given another customer's credentials", capabilities.has('linkExisting'), () => {
    assert.ok(
      options.credentials.other,
      "pass `credentials.other` (another customer's valid credentials) for a plugin that links existing postings",
    );
  });
  add(
    "linkExisting › another customer's posting is not found",
    capabilities.has('linkExisting') && capabilities.has('publish'),
    async () => {
      const { externalId } = await publish();
      assert.equal(
        await call(() => plugin.fetchPosting!({ ...context(options.credentials.other), externalId })),
        null,
        'a posting of another account must read as null',
      );
    },
  );
  add('checkContract › reports a health the server can read', capabilities.has('contractHealth'), async () => {
    const health = await call(() => plugin.checkContract!(context()));
    assert.deepEqual(healthSchema.safeParse(health).error?.issues ?? [], []);
  });
  add('requests › no secret travels in a URL (paths and query strings end up in logs along the way)', true, () => {
    for (const request of kit.simulator().calls) {
      const url = `${request.path}?${request.query.toString()}`;
      for (const secret of secretValues)
        assert.ok(
          !url.includes(secret) && !url.includes(encodeURIComponent(secret)),
          `a secret was sent in ${request.method} ${request.path}`,
        );
    }
  });
}

/** Faults: every operation maps what a failing board does to the right BoardError. */
function faultChecks(kit: Kit): void {
  const { operations, faultOn, add } = kit;
  // Faults: every operation maps what a failing board does to the right BoardError.
  for (const operation of Object.keys(operations) as Operation[]) {
    const { applies } = operations[operation];
    for (const { label, fault, code } of RETRYABLE_FAULTS) {
      add(`faults › ${operation}: ${label} is a retryable ${code}`, applies, async () => {
        const error = await faultOn(operation, fault);
        assert.ok(error instanceof BoardError, `${operation} must throw a BoardError, not ${String(error)}`);
        assert.equal(error.code, code);
        assert.equal(error.retryable, true, `${label} is worth retrying`);
        if (fault.type === 'rateLimit')
          assert.equal(error.retryAfterSeconds, 7, "the board's Retry-After must come through");
      });
    }
    // verifyCredentials may read a refusal as `{ ok: false }` instead of throwing: its refusals are checked above.
    add(
      `faults › ${operation}: a 400 refusal is a BoardError that is not retried`,
      applies && operation !== 'verifyCredentials',
      async () => {
        const error = await faultOn(operation, { type: 'error', status: 400 });
        assert.ok(
          error instanceof BoardError && !error.retryable,
          `a 400 must be a BoardError that is not retried (got ${String(error)})`,
        );
      },
    );
  }
}

/** Webhooks: signatures, replays, samples and their events, delivery ids. */
function webhookChecks(kit: Kit): void {
  const { plugin, options, capabilities, context, call, failure, add } = kit;
  // Webhooks.
  const now = () => Math.floor(Date.now() / 1000);
  const webhookContext = (
    delivery: { headers: Record<string, string>; body: string },
    credentials = options.credentials.valid,
  ) => ({
    ...context(credentials),
    request: {
      headers: Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value])),
      body: Buffer.from(delivery.body),
    },
  });
  const handle = (delivery: { headers: Record<string, string>; body: string }, credentials?: Credentials) =>
    call(() => plugin.handleWebhook!(webhookContext(delivery, credentials)));
  const refusal = (delivery: { headers: Record<string, string>; body: string }, credentials?: Credentials) =>
    failure(() => handle(delivery, credentials));
  const webhooks = capabilities.has('webhooks');
  add('webhooks › the kit was given a way to sign deliveries, and samples of them', webhooks, () => {
    assert.ok(options.signWebhook, 'pass `signWebhook` for a plugin with webhooks');
    assert.ok(
      (options.webhookSamples?.length ?? 0) >= 2,
      'pass at least two `webhookSamples` (about the same posting) for a plugin with webhooks',
    );
  });
  add('webhooks › a signed delivery gives a delivery id and events the server can read', webhooks, async () => {
    const result = await handle(options.signWebhook!(options.credentials.valid, { timestamp: now() }));
    assert.deepEqual(webhookResultSchema.safeParse(result).error?.issues ?? [], []);
    assert.ok(result.events.length > 0);
  });
  add(
    'webhooks › each sample gives the events it means',
    webhooks && Boolean(options.webhookSamples?.length),
    async () => {
      for (const sample of options.webhookSamples!) {
        const result = await handle(
          options.signWebhook!(options.credentials.valid, { timestamp: now(), body: sample.body }),
        );
        assert.deepEqual(webhookResultSchema.safeParse(result).error?.issues ?? [], [], sample.name);
        assert.ok(
          matches(result.events, sample.events),
          `${sample.name}: expected events like ${JSON.stringify(sample.events)}, got ${JSON.stringify(result.events)}`,
        );
      }
    },
  );
  add(
    'webhooks › distinct deliveries have distinct delivery ids (a repeated id is dropped as a duplicate)',
    webhooks && (options.webhookSamples?.length ?? 0) >= 2,
    async () => {
      const results: WebhookResult[] = [];
      for (const sample of options.webhookSamples!)
        results.push(
          await handle(options.signWebhook!(options.credentials.valid, { timestamp: now(), body: sample.body })),
        );
      const ids = results.map((result) => result.deliveryId);
      assert.equal(new Set(ids).size, ids.length, `delivery ids repeat across distinct deliveries: ${ids.join(', ')}`);
    },
  );
  add(
    'webhooks › a tampered body, or a signature made with another secret, is refused as a bad signature',
    webhooks,
    async () => {
      const delivery = options.signWebhook!(options.credentials.valid, { timestamp: now() });
      assert.equal(((await refusal({ ...delivery, body: `${delivery.body} ` })) as WebhookError)?.reason, 'signature');
      const otherSecrets = Object.fromEntries(
        Object.entries(options.credentials.valid).map(([name, value]) => [
          name,
          plugin.credentials.find((field) => field.key === name)?.secret ? `${String(value)}-other` : value,
        ]),
      );
      assert.ok((await refusal(delivery, otherSecrets)) instanceof WebhookError);
      assert.equal(((await refusal({ headers: {}, body: delivery.body })) as WebhookError)?.reason, 'signature');
    },
  );
  add('webhooks › a replay of an old delivery is refused', webhooks, async () => {
    assert.equal(
      ((await refusal(options.signWebhook!(options.credentials.valid, { timestamp: now() - 3600 }))) as WebhookError)
        ?.reason,
      'stale',
    );
  });
  add("webhooks › a signed body that is not one of the board's events is refused as malformed", webhooks, async () => {
    assert.equal(
      (
        (await refusal(
          options.signWebhook!(options.credentials.valid, { timestamp: now(), body: '{"not": "an event"' }),
        )) as WebhookError
      )?.reason,
      'malformed',
    );
    assert.equal(
      (
        (await refusal(
          options.signWebhook!(options.credentials.valid, { timestamp: now(), body: '{"type": "unheard.of"}' }),
        )) as WebhookError
      )?.reason,
      'malformed',
    );
  });
}

/** Feeds: well-formed XML, written in chunks. */
function feedChecks(kit: Kit): void {
  const { plugin, capabilities, context, add } = kit;
  // Feeds.
  const render = async (items: FeedItem[]) => {
    let text = '';
    let count = 0;
    const chunks = plugin.renderFeed!({
      ...context(),
      items: (async function* () {
        yield* items;
      })(),
      state: emptyState,
      generatedAt: new Date('2026-01-02T03:04:05Z'),
    });
    for await (const chunk of chunks) {
      assert.equal(typeof chunk, 'string');
      text += chunk;
      count += 1;
    }
    return { text, count };
  };
  add('feed › an empty feed and a feed of hostile content are well-formed XML', capabilities.has('feed'), async () => {
    assert.equal(XMLValidator.validate((await render([])).text), true);
    const hostile = '<script>alert(1)</script> & "quotes" \'apos\' ]]> \u0000\u0007 \u{1F600} <![CDATA[x]]>';
    const { text } = await render([feedItem(hostile, 1), feedItem('Ünïcödé — 職位', 2)]);
    assert.equal(XMLValidator.validate(text), true);
    assert.ok(!text.includes('<script>'));
  });
  add(
    'feed › it writes the feed in chunks as it reads the items, not as one string at the end',
    capabilities.has('feed'),
    async () => {
      const items = Array.from({ length: 50 }, (_, index) => feedItem(`Vacancy ${index}`, index));
      assert.ok((await render(items)).count > items.length / 2);
    },
  );
}

/** Last: nothing the plugin produced in all of the above shows a secret. */
function secretChecks(kit: Kit): void {
  const { add, produced, logLines, secretValues } = kit;
  // Last: nothing the plugin produced in all of the above shows a secret.
  add('secrets › no secret in any result, error, log line, console output or stdout/stderr write', true, () => {
    const everything = [...produced, ...logLines].join('\n');
    for (const secret of secretValues)
      assert.ok(
        !everything.includes(secret),
        'a secret credential value appeared in what the plugin returned, threw, logged or printed',
      );
  });
}

/** The checks for one plugin, with what they share: the simulator and everything the plugin produced. */
export function conformanceChecks(options: ConformanceOptions): {
  checks: Check[];
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
} {
  const kit = createKit(options);
  manifestChecks(kit);
  publishChecks(kit);
  postingChecks(kit);
  faultChecks(kit);
  webhookChecks(kit);
  feedChecks(kit);
  secretChecks(kit);
  return { checks: kit.checks, setUp: kit.setUp, tearDown: kit.tearDown };
}

/** Runs every check against the plugin, in order, and says how each went. No test runner needed. */
export async function checkBoardPlugin(options: ConformanceOptions): Promise<CheckOutcome[]> {
  const { checks, setUp, tearDown } = conformanceChecks(options);
  const outcomes: CheckOutcome[] = [];
  await setUp();
  try {
    for (const check of checks) {
      if (!check.applies) {
        outcomes.push({ name: check.name, status: 'skipped' });
        continue;
      }
      try {
        await check.run();
        outcomes.push({ name: check.name, status: 'passed' });
      } catch (error) {
        outcomes.push({ name: check.name, status: 'failed', message: (error as Error)?.message ?? String(error) });
      }
    }
  } finally {
    await tearDown();
  }
  return outcomes;
}

const emptyState: PluginState = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
  list: async () => [],
};

/** A publication as the server hands it to renderFeed, with `text` in every free-text field. */
function feedItem(text: string, index: number): FeedItem {
  const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const date = new Date('2026-01-01T00:00:00Z');
  return {
    id,
    job: {
      id,
      title: text,
      description: `<p>${text}</p>`,
      location: { city: text, region: null, countryCode: 'NL', postalCode: '1011 AB' },
      employmentType: 'FULL_TIME',
      hoursPerWeek: 38,
      salary: { min: 3000, max: 4000, currency: 'EUR', period: 'MONTH' },
      category: text,
      applyUrl: null,
      createdAt: date,
      updatedAt: date,
    },
    boardFields: {},
    publishedAt: date,
    updatedAt: date,
    recruiter: { id, name: text, email: 'recruiter@example.org' },
    applicationPageUrl: `https://api.example.org/apply/${id}/${id}`,
  };
}
