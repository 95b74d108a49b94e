// /webhooks: outgoing webhooks, the event catalogue and the delivery log.
import { api, listAll, ok, page, type Schema } from './client';

export type Webhook = Schema<'Webhook'>;
export type WebhookIn = Schema<'WebhookIn'>;
/** An event type from /webhooks/events, or "*". */
export type EventName = WebhookIn['events'][number];
export type WebhookPatch = Schema<'WebhookPatch'>;
export type EventDef = Schema<'EventDef'>;
export type DeliveryAttempt = Schema<'DeliveryAttempt'>;

const path = (id: string) => ({ params: { path: { id } } });

export const eventCatalog = () => listAll('/api/v1/webhooks/events');
export const listWebhooks = () => listAll('/api/v1/webhooks/');
export const createWebhook = (body: WebhookIn) => ok(api.POST('/api/v1/webhooks/', { body }));
export const updateWebhook = (id: string, body: WebhookPatch) => ok(api.PUT('/api/v1/webhooks/{id}', { ...path(id), body }));
export const deleteWebhook = (id: string) => ok(api.DELETE('/api/v1/webhooks/{id}', path(id)));
export const testWebhook = (id: string) => ok(api.POST('/api/v1/webhooks/{id}/test', path(id)));
/** The newest deliveries of an endpoint (one page of up to 200). */
export const deliveries = (id: string, range = { limit: 200, offset: 0 }) => page('/api/v1/webhooks/{id}/deliveries', { path: { id } }, range);
export const redeliver = (id: string, delivery_id: string) =>
  ok(api.POST('/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver', { params: { path: { id, delivery_id } } }));
