//! Webhook endpoints, the event catalog, Standard Webhooks signing and delivery.
