import { encodeGlobalID } from '@pothos/plugin-relay';
import { createEndpoint, deleteEndpoint, replayDelivery, updateEndpoint } from '../core/event-webhooks/endpoints.ts';
import { EVENT_TYPES, type EventType } from '../core/event-webhooks/outbox.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { builder } from './builder.ts';
import { viewerOf } from './context.ts';
import { inOrganization } from './tenancy.ts';

const WIRE_TO_ENUM = Object.fromEntries(
  Object.values(EVENT_TYPES).map((type) => [type, type.replace('.', '_').toUpperCase()]),
) as Record<EventType, string>;
const ENUM_TO_WIRE = Object.fromEntries(Object.entries(WIRE_TO_ENUM).map(([wire, name]) => [name, wire])) as Record<
  string,
  EventType
>;

const EventTypeEnum = builder.enumType('WebhookEventType', {
  description:
    'Events an endpoint can receive; on the wire, in the body\'s "type": posting.status_changed, posting.reviewed, candidate.received, contract.status_changed.',
  values: Object.values(WIRE_TO_ENUM),
});
const toWire = (types: readonly string[] | null | undefined) => types?.map((type) => ENUM_TO_WIRE[type]!);

const DeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: {
    PENDING: { value: 'PENDING' },
    SENDING: { value: 'PROCESSING' },
    DELIVERED: { value: 'DONE' },
    FAILED: { value: 'FAILED', description: 'Given up after every retry; replay it to send it again.' },
  } as const,
});

const AttemptRef = builder.prismaObject('EventDeliveryAttempt', {
  name: 'WebhookDeliveryAttempt',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    statusCode: t.exposeInt('statusCode', {
      nullable: true,
      description: 'What the endpoint answered; null when it could not be reached or did not answer in time.',
    }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
  }),
});
void AttemptRef;

const DeliveryRef = builder.prismaNode('EventDelivery', {
  name: 'WebhookDelivery',
  nullable: true,
  id: { field: 'id' },
  description:
    'One event sent to one endpoint. Its id is the webhook-id header: the same for every attempt and replay.',
  findUnique: (id, context) => inOrganization(id, context),
  authScopes: { admin: true },
  fields: (t) => ({
    eventType: t.field({
      type: EventTypeEnum,
      resolve: (delivery) => WIRE_TO_ENUM[delivery.eventType as EventType] as never,
    }),
    payload: t.expose('payload', { type: 'JSON', description: 'The body sent: { type, timestamp, data }.' }),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (delivery) => (delivery.status === 'PENDING' ? delivery.availableAt : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    attemptLog: t.relation('attemptLog', {
      query: { orderBy: { at: 'asc' } },
      description: 'Every call made for this delivery, oldest first.',
    }),
    endpoint: t.relation('endpoint'),
  }),
});

const EndpointRef = builder.prismaNode('EventEndpoint', {
  name: 'WebhookEndpoint',
  nullable: true,
  id: { field: 'id' },
  description:
    "Where the organisation's events are sent, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature).",
  findUnique: (id, context) => inOrganization(id, context),
  authScopes: { admin: true },
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    eventTypes: t.field({
      type: [EventTypeEnum],
      resolve: (endpoint) => endpoint.eventTypes.map((type) => WIRE_TO_ENUM[type as EventType]) as never,
    }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.exposeString('disabledReason', {
      nullable: true,
      description: 'Why it was disabled automatically (a delivery failed for more than a day).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      description: 'The delivery log, newest first.',
      args: { status: t.arg({ type: DeliveryStatusEnum }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: { createdAt: 'desc' } }),
    }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.prismaConnection({
    type: 'EventEndpoint',
    cursor: 'id',
    description: "The organisation's event endpoints, newest first (admins only).",
    authScopes: { admin: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.eventEndpoint.findMany({
        ...query,
        where: { organizationId: viewerOf(context).organizationId },
        orderBy: { createdAt: 'desc' },
      }),
  }),
);

const CreateInput = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({
      required: true,
      description: 'https, on a public address (outside production also http and local addresses).',
    }),
    eventTypes: t.field({ type: [EventTypeEnum], required: true }),
    description: t.string(),
  }),
});

const UpdateInput = builder.inputType('UpdateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string(),
    eventTypes: t.field({ type: [EventTypeEnum] }),
    description: t.string(),
    enabled: t.boolean({ description: 'Enabling a disabled endpoint sends its waiting deliveries again.' }),
  }),
});

const CreatePayload = builder
  .objectRef<{ endpointId: string; secret: string }>('CreateWebhookEndpointPayload')
  .implement({
    fields: (t) => ({
      secret: t.exposeString('secret', {
        description: 'The signing secret (whsec_…). Shown only in this answer: store it now.',
      }),
      endpoint: t.prismaField({
        type: 'EventEndpoint',
        resolve: (query, payload, _args, context) =>
          context.prisma.eventEndpoint.findUniqueOrThrow({ ...query, where: { id: payload.endpointId } }),
      }),
    }),
  });

builder.mutationField('createWebhookEndpoint', (t) =>
  t.field({
    type: CreatePayload,
    description: "Registers an endpoint for the organisation's events (admins only). Its secret is returned once.",
    authScopes: { admin: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { endpoint, secret } = await createEndpoint(context, viewerOf(context).organizationId, {
        ...input,
        eventTypes: toWire(input.eventTypes),
      });
      return { endpointId: endpoint.id, secret };
    },
  }),
);

builder.mutationField('updateWebhookEndpoint', (t) =>
  t.prismaField({
    type: 'EventEndpoint',
    description: 'Changes an endpoint, or enables or disables it (admins only).',
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError] },
    args: {
      id: t.arg.globalID({ required: true, for: [EndpointRef] }),
      input: t.arg({ type: UpdateInput, required: true }),
    },
    resolve: async (query, _root, { id, input }, context) => {
      const defined = Object.fromEntries(
        Object.entries({ ...input, eventTypes: toWire(input.eventTypes) }).filter(
          ([, value]) => value !== undefined && value !== null,
        ),
      );
      const endpoint = await updateEndpoint(context, viewerOf(context).organizationId, id.id, defined);
      return context.prisma.eventEndpoint.findUniqueOrThrow({ ...query, where: { id: endpoint.id } });
    },
  }),
);

const DeletedEndpoint = builder.objectRef<{ id: string }>('DeletedWebhookEndpoint').implement({
  fields: (t) => ({ id: t.exposeID('id', { description: 'The global id the endpoint had.' }) }),
});

builder.mutationField('deleteWebhookEndpoint', (t) =>
  t.field({
    type: DeletedEndpoint,
    description: 'Deletes an endpoint and its delivery log (admins only).',
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: [EndpointRef] }) },
    resolve: async (_root, { id }, context) => {
      await deleteEndpoint(context, viewerOf(context).organizationId, id.id);
      return { id: encodeGlobalID('WebhookEndpoint', id.id) };
    },
  }),
);

builder.mutationField('replayWebhookDelivery', (t) =>
  t.prismaField({
    type: 'EventDelivery',
    description: 'Sends a delivery again, with the same webhook-id and a fresh set of retries (admins only).',
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: [DeliveryRef] }) },
    resolve: async (query, _root, { id }, context) => {
      const delivery = await replayDelivery(context, viewerOf(context).organizationId, id.id);
      context.topics.publish('eventDelivery.queued', {});
      return context.prisma.eventDelivery.findUniqueOrThrow({ ...query, where: { id: delivery.id } });
    },
  }),
);
