fn main() {
    // The window's files (ui/) are embedded in the binary. Cargo already tracks each embedded
    // file; this also rebuilds the app when a file is added to or removed from ui/.
    println!("cargo:rerun-if-changed=../ui");
    tauri_build::build();
}
