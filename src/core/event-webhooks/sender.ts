import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { PrismaClient } from '../../db/database.ts';
import type { Services } from '../services.ts';
import { networkFailure, privateDestination } from '../private-hosts.ts';
import { endpointSecret } from './endpoints.ts';

class PrivateDestination extends Error {}

export type SenderDeps = Pick<Services, 'prisma' | 'keyring' | 'log' | 'allowPrivateAddresses'>;

export interface SenderOptions {
  /** Waits before each retry; a delivery is given up after its last one (and its endpoint disabled). */
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  leaseMs: number;
}

export interface ClaimedEventDelivery {
  id: string;
  attempts: number;
  lease_token: string;
}

/**
 * Claims due deliveries of enabled endpoints, each only when no earlier delivery of its endpoint and ordering key
 * (the same posting, contract or candidate) is still waiting: events of one posting reach an endpoint in order.
 */
export function claimEventDeliveries(
  prisma: PrismaClient,
  limit: number,
  leaseMs: number,
): Promise<ClaimedEventDelivery[]> {
  return prisma.$queryRaw<ClaimedEventDelivery[]>`
    UPDATE event_delivery AS d
    SET status = 'PROCESSING', attempts = d.attempts + 1, lease_token = ${randomUUID()}::uuid,
        lease_until = now() + (${leaseMs}::int * interval '1 millisecond')
    WHERE d.id IN (
      SELECT c.id FROM event_delivery AS c
      JOIN event_endpoint AS e ON e.id = c.endpoint_id AND e.enabled
      WHERE c.status = 'PENDING' AND c.available_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM event_delivery AS earlier
          WHERE earlier.endpoint_id = c.endpoint_id AND earlier.ordering_key = c.ordering_key
            AND earlier.sequence < c.sequence AND earlier.status IN ('PENDING', 'PROCESSING'))
      ORDER BY c.available_at
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    )
    RETURNING d.id, d.attempts, d.lease_token::text AS lease_token`;
}

/** Signs and sends one delivery (Standard Webhooks headers), logs the attempt, and records the outcome. */
export async function sendEventDelivery(
  deps: SenderDeps,
  options: SenderOptions,
  claimed: ClaimedEventDelivery,
): Promise<void> {
  const delivery = await deps.prisma.eventDelivery.findUniqueOrThrow({
    where: { id: claimed.id },
    include: { endpoint: true },
  });
  const body = JSON.stringify(delivery.payload);
  const sentAt = new Date();
  const signature = new Webhook(endpointSecret(deps.keyring, delivery.endpoint)).sign(delivery.id, sentAt, body);
  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const refused = deps.allowPrivateAddresses ? undefined : await privateDestination(new URL(delivery.endpoint.url));
    if (refused) throw new PrivateDestination(refused);
    const response = await fetch(delivery.endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'multiposting-api-webhooks',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (statusCode < 200 || statusCode >= 300) error = `The endpoint answered ${statusCode}.`;
  } catch (failure) {
    error =
      failure instanceof PrivateDestination
        ? `Not sent: ${failure.message}.`
        : (failure as Error).name === 'TimeoutError'
          ? `No answer within ${options.timeoutMs} ms.`
          : `Could not reach the endpoint: ${networkFailure(failure)}.`;
  }
  const durationMs = Date.now() - started;
  const retryIn = options.retryScheduleMs[claimed.attempts - 1];
  const givenUp = error !== null && retryIn === undefined;
  await deps.prisma.$transaction(async (tx) => {
    await tx.eventDeliveryAttempt.create({ data: { deliveryId: delivery.id, statusCode, error, durationMs } });
    const updated = await tx.eventDelivery.updateMany({
      where: { id: delivery.id, status: 'PROCESSING', leaseToken: claimed.lease_token },
      data:
        error === null
          ? {
              status: 'DONE',
              leaseToken: null,
              leaseUntil: null,
              lastStatusCode: statusCode,
              lastError: null,
              deliveredAt: new Date(),
            }
          : givenUp
            ? { status: 'FAILED', leaseToken: null, leaseUntil: null, lastStatusCode: statusCode, lastError: error }
            : {
                status: 'PENDING',
                leaseToken: null,
                leaseUntil: null,
                lastStatusCode: statusCode,
                lastError: error,
                availableAt: new Date(Date.now() + retryIn!),
              },
    });
    if (givenUp && updated.count > 0) {
      const reason = `Disabled after a delivery failed ${claimed.attempts} times since ${delivery.createdAt.toISOString()}: ${error}`;
      await tx.eventEndpoint.update({
        where: { id: delivery.endpointId },
        data: { enabled: false, disabledReason: reason },
      });
    }
  });
  if (error)
    deps.log[givenUp ? 'warn' : 'info'](
      { endpoint: delivery.endpointId, delivery: delivery.id, attempt: claimed.attempts, statusCode, err: error },
      givenUp ? 'Gave up an event delivery; endpoint disabled' : 'Event delivery failed; retrying',
    );
}
