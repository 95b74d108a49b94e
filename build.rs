// rust-embed needs web/dist to exist at compile time: write a placeholder page when the SPA has
// not been built yet (so `cargo build` works on a fresh clone), and rebuild when the SPA changes.
fn main() {
    let dist = std::path::Path::new("web/dist");
    let index = dist.join("index.html");
    if !index.exists() {
        std::fs::create_dir_all(dist).expect("creating web/dist");
        std::fs::write(
            &index,
            "<!doctype html><meta charset=utf-8><title>Neuromancer</title>\
             <p>The web app was not built into this binary. Run <code>npm --prefix web ci && npm --prefix web run build</code>, \
             then rebuild. The API is at <a href=/api/v1/docs/>/api/v1/docs/</a>.</p>\n",
        )
        .expect("writing the placeholder index.html");
    }
    println!("cargo:rerun-if-changed=web/dist");
    println!("cargo:rerun-if-changed=migrations");
}
