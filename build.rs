//! Rebuilds the crate when the embedded bank or schemas change (include_dir
//! cannot tell Cargo which files it reads).

fn main() {
    for folder in ["studies", "vignettes", "lexicons", "rubrics", "schemas"] {
        println!("cargo:rerun-if-changed={folder}");
    }
}
