//! Design system from a loopback site's stylesheet, and extractive product knowledge.
use crate::helpers::*;
use crate::voice::{paste, stream};
use actix_web::{HttpResponse, web};
use serde_json::json;

fn site() -> FakeService {
    FakeService::start(|cfg| {
        cfg.route(
            "/",
            web::get().to(|| async {
                HttpResponse::Ok().content_type("text/html").body(
                    r#"<html><head><link rel="stylesheet" href="/site.css"><style>.hero{color:#222222}</style></head><body><h1 style="color:#e4572e">Hi</h1></body></html>"#,
                )
            }),
        )
        .route(
            "/site.css",
            web::get().to(|| async {
                HttpResponse::Ok().content_type("text/css").body(
                    "body{font-family:'Inter',sans-serif;font-size:16px;color:#222222}\
                     a{color:#e4572e}.btn{background:#E4572E;border-radius:8px;padding:12px 24px}\
                     .tag{border:1px solid #e5582f;margin:8px}.card{box-shadow:0 0 2px rgb(228, 87, 46)}",
                )
            }),
        );
    })
}

#[test]
fn design_system_comes_from_a_sites_stylesheet_with_its_main_colour_first() {
    let svc = site();
    let s = TestServer::start();
    let t = s.admin_token();
    // The SSRF guard refuses loopback until an admin allows private networks.
    let refused = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-design-system",
        json!({ "urls": [format!("{}/", svc.base)] }),
    );
    assert!(refused.last().unwrap()["error"].is_string(), "{refused:?}");
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-design-system",
        json!({ "urls": [format!("{}/", svc.base)] }),
    );
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    let l = f.iter().find_map(|x| x.get("learning")).unwrap();
    assert_eq!(l["type"], "design_system");
    assert_eq!(l["data"]["colors"][0], "#e4572e", "{}", l["data"]);
    assert_eq!(l["data"]["fonts"][0], "Inter");
    assert_eq!(l["data"]["radii"][0], "8px");
    assert!(
        l["data"]["spacing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "12px")
    );
}

#[test]
fn product_knowledge_quotes_its_proof_points_with_their_source() {
    let s = TestServer::start();
    let t = s.admin_token();
    let id = paste(
        &s,
        &t,
        "Acme lets you schedule posts across every channel.\nTeams save 6 hours a week with Acme.\nBuilt for busy agencies that manage many clients.",
    );
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-product-knowledge",
        json!({ "source_ids": [id] }),
    );
    let l = f
        .iter()
        .find_map(|x| x.get("learning"))
        .unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(l["data"]["proof_points"][0]["source_id"], id.as_str());
    assert!(
        l["data"]["proof_points"][0]["text"]
            .as_str()
            .unwrap()
            .contains("6 hours")
    );
    assert!(
        l["data"]["audience"]
            .as_str()
            .unwrap()
            .contains("busy agencies")
    );
}
