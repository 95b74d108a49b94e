//! /chat routes: conversations shared with participants, the streaming agent reply with tools,
//! attachments (documents and images) and voice-note transcription. The operations are
//! `crate::domain::chat`; here are the routes, thin handlers, DTOs, the SSE bridge and
//! multipart reading.
pub mod handlers;
pub mod stream;
pub mod types;
pub mod upload;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_conversations)
        .service(handlers::create_conversation)
        .service(handlers::get_conversation)
        .service(handlers::update_conversation)
        .service(handlers::delete_conversation)
        .service(handlers::share_conversation)
        .service(handlers::list_participants)
        .service(handlers::remove_participant)
        .service(handlers::list_messages)
        .service(stream::send_message)
        .service(stream::conversation_events)
        .service(upload::upload_attachment)
        .service(upload::transcribe);
}
