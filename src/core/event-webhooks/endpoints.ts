import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventDelivery, EventEndpoint } from '../../db/generated/prisma/client.ts';
import type { PrismaClient } from '../../db/database.ts';
import type { Keyring } from '../crypto.ts';
import type { Services } from '../services.ts';
import { NotFoundError, parseInput } from '../errors.ts';
import { rowId } from '../ids.ts';
import { isPrivateHost } from '../private-hosts.ts';
import { EVENT_TYPES, type EventType } from './outbox.ts';

export type EndpointDeps = Pick<Services, 'prisma' | 'keyring' | 'allowPrivateAddresses'>;

const secretContext = (endpointId: string) => `event_endpoint:${endpointId}:secret`;

const endpointInput = (allowPrivate: boolean) =>
  z
    .object({
      url: z
        .url({
          protocol: allowPrivate ? /^https?$/ : /^https$/,
          error: allowPrivate ? 'must be an http(s) URL' : 'must be an https URL',
        })
        .max(2000)
        .refine(
          (value) => allowPrivate || !isPrivateHost(new URL(value).hostname),
          'must not point at a private or loopback address',
        ),
      eventTypes: z
        .array(z.enum(Object.values(EVENT_TYPES) as [EventType, ...EventType[]]))
        .min(1, 'choose at least one event type')
        .transform((types) => [...new Set(types)]),
      description: z.string().trim().max(500).nullish(),
      enabled: z.boolean().optional(),
    })
    .strict();

/** A new signing secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Creates an endpoint; its secret is returned this once and kept sealed. */
export async function createEndpoint(
  deps: EndpointDeps,
  organizationId: string,
  input: unknown,
): Promise<{ endpoint: EventEndpoint; secret: string }> {
  const parsed = parseInput(endpointInput(deps.allowPrivateAddresses).omit({ enabled: true }), input);
  const id = randomUUID();
  const secret = newSecret();
  const sealed = deps.keyring.seal(secret, secretContext(id));
  const endpoint = await deps.prisma.eventEndpoint.create({
    data: {
      id,
      organizationId,
      url: parsed.url,
      eventTypes: parsed.eventTypes,
      description: parsed.description ?? null,
      secretSealed: sealed.data,
      secretKeyId: sealed.keyId,
    },
  });
  return { endpoint, secret };
}

async function ownEndpoint(prisma: PrismaClient, organizationId: string, id: string): Promise<EventEndpoint> {
  const endpoint = await prisma.eventEndpoint.findFirst({ where: { id: rowId(id), organizationId } });
  if (!endpoint) throw new NotFoundError('webhook endpoint', id);
  return endpoint;
}

/** Changes an endpoint; enabling it again clears why it was disabled, and its waiting deliveries go out again. */
export async function updateEndpoint(
  deps: EndpointDeps,
  organizationId: string,
  id: string,
  input: unknown,
): Promise<EventEndpoint> {
  const endpoint = await ownEndpoint(deps.prisma, organizationId, id);
  const parsed = parseInput(endpointInput(deps.allowPrivateAddresses).partial(), input);
  return deps.prisma.eventEndpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(parsed.url ? { url: parsed.url } : {}),
      ...(parsed.eventTypes ? { eventTypes: parsed.eventTypes } : {}),
      ...(parsed.description !== undefined ? { description: parsed.description } : {}),
      ...(parsed.enabled !== undefined ? { enabled: parsed.enabled, disabledReason: null } : {}),
    },
  });
}

export async function deleteEndpoint(deps: EndpointDeps, organizationId: string, id: string): Promise<EventEndpoint> {
  const endpoint = await ownEndpoint(deps.prisma, organizationId, id);
  await deps.prisma.eventEndpoint.delete({ where: { id: endpoint.id } });
  return endpoint;
}

/** Sends a delivery again, with its id (receivers recognise it) and a fresh set of attempts. */
export async function replayDelivery(deps: EndpointDeps, organizationId: string, id: string): Promise<EventDelivery> {
  const delivery = await deps.prisma.eventDelivery.findFirst({ where: { id: rowId(id), organizationId } });
  if (!delivery) throw new NotFoundError('webhook delivery', id);
  return deps.prisma.eventDelivery.update({
    where: { id: delivery.id },
    data: {
      status: 'PENDING',
      attempts: 0,
      availableAt: new Date(),
      leaseToken: null,
      leaseUntil: null,
      deliveredAt: null,
    },
  });
}

export function endpointSecret(
  keyring: Keyring,
  endpoint: Pick<EventEndpoint, 'id' | 'secretSealed' | 'secretKeyId'>,
): string {
  return keyring.open({ keyId: endpoint.secretKeyId, data: endpoint.secretSealed }, secretContext(endpoint.id));
}

/** The endpoint's secret sealed again under the keyring's current key (key rotation). */
export function resealEndpointSecret(
  keyring: Keyring,
  endpoint: Pick<EventEndpoint, 'id' | 'secretSealed' | 'secretKeyId'>,
) {
  return keyring.seal(endpointSecret(keyring, endpoint), secretContext(endpoint.id));
}
