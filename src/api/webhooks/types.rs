//! DTOs of /webhooks: the domain's endpoint, delivery-attempt and input shapes, as documented.
pub use crate::domain::webhooks::catalog::EventDef;
pub use crate::domain::webhooks::types::{DeliveryAttempt, Webhook, WebhookIn, WebhookPatch};
