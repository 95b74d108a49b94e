// rust-embed needs web/dist to exist at compile time: write a placeholder page when the SPA has
// not been built yet (so `cargo build` works on a fresh clone), and rebuild when the SPA changes.
// The vendored ReDoc bundle is gzipped into OUT_DIR: 1.1 MB of script becomes ~0.3 MB in the binary.
fn main() {
    gzip_vendored(
        "assets/vendor/redoc.standalone.js",
        "redoc.standalone.js.gz",
    );
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

fn gzip_vendored(src: &str, out_name: &str) {
    use std::io::Write;
    let data = std::fs::read(src).unwrap_or_else(|e| panic!("reading {src}: {e}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join(out_name);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&data).expect("gzip");
    std::fs::write(&out, gz.finish().expect("gzip")).expect("writing the gzipped asset");
    println!("cargo:rerun-if-changed={src}");
}
