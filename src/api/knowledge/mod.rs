//! Knowledge routes: /sources (imports, list, detail, delete, analyze, search), /collections,
//! /memory, /claude-code, /platforms and /linkedin. Thin handlers by sub-area; the operations
//! (and the engine: chunking, embeddings, retrieval) are `crate::domain::knowledge`.
pub mod claude_code;
pub mod collections;
pub mod imports;
pub mod linkedin;
pub mod memory;
pub mod multipart;
pub mod platforms;
pub mod sources;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(imports::import_paste)
        .service(imports::import_url)
        .service(imports::import_file)
        .service(imports::import_folder)
        .service(sources::list_sources)
        .service(sources::search_sources)
        .service(sources::embedding_status)
        .service(sources::bulk_delete)
        .service(sources::get_source)
        .service(sources::delete_source)
        .service(sources::analyze_source)
        .service(collections::create_collection)
        .service(collections::list_collections)
        .service(collections::get_collection)
        .service(collections::update_collection)
        .service(collections::delete_collection)
        .service(collections::cross_reference)
        .service(memory::recent)
        .service(memory::search_memory)
        .service(memory::memory_stats)
        .service(memory::delete_memory)
        .service(memory::add_memory)
        .service(memory::cc_query)
        .service(claude_code::context)
        .service(claude_code::generate)
        .service(claude_code::patterns)
        .service(platforms::import_platform)
        .service(linkedin::import_url)
        .service(linkedin::import_multi_url)
        .service(linkedin::import_batch_paste)
        .service(linkedin::import_data_export)
        .service(linkedin::cookie_status)
        .service(linkedin::save_cookie)
        .service(linkedin::auto_extract)
        .service(linkedin::sections)
        .service(linkedin::structure_with_ai);
}
