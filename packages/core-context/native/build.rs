fn main() {
    // Only the Node.js addon needs napi's link arguments (undefined N-API symbols are
    // resolved by the node process that loads the .node file).
    if std::env::var_os("CARGO_FEATURE_NODE").is_some() {
        napi_build::setup();
    }
}
